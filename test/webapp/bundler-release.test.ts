/**
 * `releaseBundler` (handler-bundle.ts) in a real process: bundling starts esbuild's service process, which
 * keeps its memory until the process exits unless released — a synth releases it once the stacks are
 * built, so the gates do not run beside ~240 MiB of idle bundler.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { plainModule } from '../support/plain-module';

const work = mkdtempSync(join(tmpdir(), 'fastish-bundler-release-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs a child that bundles one handler, counts its esbuild service processes, releases, counts again. */
function run(release: boolean): { during: number; after: number } {
  const module = join(work, 'handler-bundle.js');
  plainModule(join(__dirname, '../../src/constructs/webapp/handler-bundle.ts'), module, ['esbuild']);
  writeFileSync(join(work, 'handler.ts'), 'export const handler = async () => 42;\n');
  writeFileSync(
    join(work, 'child.js'),
    `
const { readdirSync, readFileSync } = require('node:fs');
const { bundleHandler, releaseBundler } = require(${JSON.stringify(module)});
/** esbuild service processes whose parent is this process (from /proc). */
function services() {
  return readdirSync('/proc').filter((p) => {
    if (!/^\\d+$/.test(p)) return false;
    try {
      const stat = readFileSync('/proc/' + p + '/stat', 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return parent === process.pid && readFileSync('/proc/' + p + '/cmdline', 'utf8').includes('--service');
    } catch { return false; }
  }).length;
}
bundleHandler({ entry: ${JSON.stringify(join(work, 'handler.ts'))}, projectRoot: ${JSON.stringify(work)} });
const during = services();
if (${release}) releaseBundler();
const began = Date.now();
(function wait() {
  const after = services();
  if (after === 0 || Date.now() - began > 2000) {
    process.stdout.write(JSON.stringify({ during, after }));
    process.exit(0);
  }
  setTimeout(wait, 50);
})();
`,
  );
  const r = spawnSync(process.execPath, [join(work, 'child.js')], {
    cwd: join(__dirname, '../..'),
    encoding: 'utf8',
    // A private temp dir: no bundle recorded by another run is reused, so esbuild really runs.
    env: {
      ...process.env,
      TMPDIR: mkdtempSync(join(work, 'tmp-')),
      NODE_PATH: join(__dirname, '../../node_modules'),
    },
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe('releaseBundler', () => {
  it.skipIf(process.platform !== 'linux')('stops the esbuild service that bundling started', () => {
    expect(run(true)).toEqual({ during: 1, after: 0 });
  });

  it.skipIf(process.platform !== 'linux')('without it the service stays for the life of the process', () => {
    expect(run(false)).toEqual({ during: 1, after: 1 });
  });
});
