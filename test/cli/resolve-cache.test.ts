/**
 * The resolve cache (src/cli/resolve-cache.ts) in real Node processes over a small node_modules tree: a
 * require from inside node_modules is answered from the saved map on the next run, and a change the
 * package manager makes (its state file rewritten) makes Node resolve again — here a closer copy of a
 * package appears, which the saved answer would miss.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainModule } from '../support/plain-module';

const work = mkdtempSync(join(tmpdir(), 'fastish-resolve-cache-'));
const cacheModule = join(work, 'resolve-cache.js');
afterAll(() => rmSync(work, { recursive: true, force: true }));

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

beforeAll(() => {
  plainModule(join(__dirname, '../../src/cli/resolve-cache.ts'), cacheModule);
  write(
    join(work, 'run.js'),
    [
      `const cache = require(${JSON.stringify(cacheModule)}).enableResolveCache(process.argv[2]);`,
      'process.stdout.write(require(process.argv[3]));',
      "process.on('exit', () => { if (cache) { cache.flush(); process.stderr.write(JSON.stringify(cache.stats())); } });",
    ].join('\n'),
  );
});

/** A project whose main requires b, which requires a (hoisted) and node:path. */
function project(name: string, stampFile: string | undefined): string {
  const root = join(work, name);
  write(join(root, 'main.js'), "module.exports = require('b');\n");
  write(
    join(root, 'node_modules', 'b', 'index.js'),
    "require('node:path');\nmodule.exports = require('a');\n",
  );
  write(join(root, 'node_modules', 'a', 'index.js'), "module.exports = 'hoisted';\n");
  if (stampFile) write(join(root, 'node_modules', stampFile), '{"lockfileVersion":3}\n');
  return root;
}

function run(root: string, env: NodeJS.ProcessEnv = {}): { out: string; stats: Record<string, number> } {
  const r = spawnSync(process.execPath, [join(work, 'run.js'), join(root, '.cache'), join(root, 'main.js')], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '', NODE_PATH: '', ...env },
  });
  expect(r.status, r.stderr).toBe(0);
  return { out: r.stdout, stats: JSON.parse(r.stderr) };
}

describe('resolve cache', () => {
  it('answers requires made inside node_modules from the last run, and only those', () => {
    const root = project('reuse', '.package-lock.json');
    // b's require of 'a' is cached; main.js (outside node_modules) and node:path (built in) are Node's.
    expect(run(root)).toEqual({ out: 'hoisted', stats: { hits: 0, misses: 1, treesReused: 0, written: 1 } });
    expect(run(root)).toEqual({ out: 'hoisted', stats: { hits: 1, misses: 0, treesReused: 1, written: 0 } });
  });

  it('resolves again after the package manager changed the tree', () => {
    const root = project('reinstall', '.package-lock.json');
    run(root);
    // An install puts a closer copy of a under b and rewrites its state file, as npm does.
    write(join(root, 'node_modules', 'b', 'node_modules', 'a', 'index.js'), "module.exports = 'nested';\n");
    write(join(root, 'node_modules', '.package-lock.json'), '{"lockfileVersion":3,"packages":{}}\n');
    expect(run(root)).toEqual({ out: 'nested', stats: { hits: 0, misses: 1, treesReused: 0, written: 1 } });
  });

  it('resolves again under another NODE_PATH (a require that leaves the tree goes through it)', () => {
    const root = project('node-path', '.package-lock.json');
    // b also requires `extra`, which is in no node_modules of the tree: only NODE_PATH finds it.
    write(join(root, 'node_modules', 'b', 'index.js'), "require('extra');\nmodule.exports = require('a');\n");
    for (const name of ['one', 'two'])
      write(join(root, name, 'extra', 'index.js'), `global.extra = '${name}';\n`);
    write(join(root, 'main.js'), "const a = require('b');\nmodule.exports = a + ' ' + global.extra;\n");
    expect(run(root, { NODE_PATH: join(root, 'one') }).out).toBe('hoisted one');
    expect(run(root, { NODE_PATH: join(root, 'one') }).stats).toMatchObject({ hits: 2, treesReused: 1 });
    expect(run(root, { NODE_PATH: join(root, 'two') })).toMatchObject({
      out: 'hoisted two',
      stats: { hits: 0, treesReused: 0 },
    });
  });

  it.each(['.modules.yaml', '.yarn-state.yml', '.yarn-integrity'])('knows the state file %s', (stamp) => {
    const root = project(`pm-${stamp}`, stamp);
    run(root);
    expect(run(root).stats).toMatchObject({ hits: 1, treesReused: 1 });
  });

  it('leaves a tree with no package manager state file to Node', () => {
    const root = project('unknown', undefined);
    expect(run(root)).toEqual({ out: 'hoisted', stats: { hits: 0, misses: 0, treesReused: 0, written: 0 } });
  });
});
