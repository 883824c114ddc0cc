/**
 * `startProcess` (src/cli/process-start.ts) in a real Node process: V8 runs with the batch flags after it,
 * shown by V8 itself — code cached after the call is accepted by a process started with those flags on
 * its command line and refused by one without them.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BATCH_V8_FLAGS } from '../../src/cli/process-start';
import { plainModule } from '../support/plain-module';

const work = mkdtempSync(join(tmpdir(), 'fastish-process-start-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const SOURCE = 'function twice(x) { return x * 2; } twice(21);';

function node(args: string[]): string {
  const r = spawnSync(process.execPath, args, {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '', FASTISH_CACHE_DIR: join(work, 'cache') },
  });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

describe('startProcess', () => {
  it('sets the batch V8 flags: code cached after it matches a process started with them', () => {
    const start = plainModule(join(__dirname, '../../src/cli/process-start.ts'), join(work, 'start.js'));
    const data = join(work, 'code.bin');
    const writer = join(work, 'writer.js');
    writeFileSync(
      writer,
      [
        `require(${JSON.stringify(start)}).startProcess();`,
        "const { Script } = require('node:vm');",
        `const script = new Script(${JSON.stringify(SOURCE)});`,
        'script.runInThisContext();',
        `require('node:fs').writeFileSync(${JSON.stringify(data)}, script.createCachedData());`,
      ].join('\n'),
    );
    node([writer]);
    expect(readFileSync(data).length).toBeGreaterThan(0);
    const reader = [
      "const { Script } = require('node:vm');",
      `const cachedData = require('node:fs').readFileSync(${JSON.stringify(data)});`,
      `process.stdout.write(String(new Script(${JSON.stringify(SOURCE)}, { cachedData }).cachedDataRejected));`,
    ].join('\n');
    expect(node([...BATCH_V8_FLAGS, '-e', reader])).toBe('false');
    expect(node(['-e', reader])).toBe('true');
  });
});
