/**
 * The compile cache (src/cli/compile-cache.ts) in real Node processes: a module tree loaded with the cache
 * behaves as without it (exports, require.resolve, require.cache, __dirname, dynamic import, error
 * positions), the second run is served from the cache, and a changed source — even one of the same
 * length, which V8's own check lets through — is compiled again instead of running stale code.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPack, writePack } from '../../src/cli/compile-cache-pack';
import { plainModule } from '../support/plain-module';

const work = mkdtempSync(join(tmpdir(), 'fastish-compile-cache-'));
const cacheModule = join(work, 'compile-cache.js');
const app = join(work, 'app');
afterAll(() => rmSync(work, { recursive: true, force: true }));

beforeAll(() => {
  // The module as plain JavaScript, so that the child processes run it with no TypeScript loader in the way.
  plainModule(join(__dirname, '../../src/cli/compile-cache.ts'), cacheModule);
  const files: Record<string, string> = {
    'main.js': [
      "const b = require('./lib/b');",
      "const out = { value: b.value(), same: require('./lib/b') === b, resolved: require.resolve('./lib/b'),",
      "  cached: Boolean(require.cache[require.resolve('./lib/b')]), dir: __dirname, file: __filename,",
      '  paths: Array.isArray(require.resolve.paths("x")), main: require.main === module };',
      "try { require('./lib/thrower').fail(); } catch (err) { out.at = err.stack.split('\\n')[1].trim(); }",
      "import('./lib/d.mjs').then((d) => { out.esm = d.answer; process.stdout.write(JSON.stringify(out) + '\\n'); });",
    ].join('\n'),
    'lib/b.js': "exports.value = function value() { return 'first'; };\n",
    'lib/thrower.js': "exports.fail = () => { throw new Error('boom'); };\n",
    'lib/d.mjs': 'export const answer = 42;\n',
  };
  for (const [name, text] of Object.entries(files)) {
    const path = join(app, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
  }
  // The runner: the cache first (as bin/fastish.js does), then the app; the stats once the cache is written.
  writeFileSync(
    join(work, 'run.js'),
    [
      `const { compileCacheDir, enableCompileCache } = require(${JSON.stringify(cacheModule)});`,
      'const cache = enableCompileCache(compileCacheDir(process.argv[2]));',
      'const mod = require(process.argv[3]);',
      "process.on('exit', () => { if (cache) { cache.flush(); process.stderr.write(JSON.stringify(cache.stats()) + '\\n'); } });",
    ].join('\n'),
  );
});

interface Run {
  readonly out: Record<string, unknown>;
  readonly stats?: { hits: number; misses: number; rejected: number; skipped: number; written: number };
}

function run(dir: string, env: NodeJS.ProcessEnv = {}, nodeArgs: string[] = []): Run {
  const r = spawnSync(process.execPath, [...nodeArgs, join(work, 'run.js'), dir, join(app, 'main.js')], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '', ...env },
  });
  expect(r.status, r.stderr).toBe(0);
  const stats = r.stderr.trim().split('\n').pop();
  return { out: JSON.parse(r.stdout), stats: stats?.startsWith('{') ? JSON.parse(stats) : undefined };
}

/** What Node itself does with the same tree: the reference every cached run must equal. */
function plainNode(): Record<string, unknown> {
  return run(join(work, 'unused'), { FASTISH_COMPILE_CACHE: '0' }).out;
}

describe('compile cache', () => {
  it('loads modules as Node does, then serves them from the cache', () => {
    const dir = join(work, 'cache-a');
    const reference = plainNode();
    expect(reference).toMatchObject({ value: 'first', same: true, cached: true, esm: 42, main: false });
    const first = run(dir);
    expect(first.out).toEqual(reference);
    // b.js and thrower.js are cached; main.js calls import(), which only Node's own compilation resolves;
    // d.mjs is Node's ES module loader's.
    expect(first.stats).toMatchObject({ hits: 0, misses: 2, skipped: 1, written: 2 });
    const second = run(dir);
    expect(second.out).toEqual(reference);
    expect(second.stats).toMatchObject({ hits: 2, misses: 0, rejected: 0, skipped: 1, written: 0 });
  });

  it('reports an error at the line and column Node reports', () => {
    const at = plainNode().at as string;
    expect(at).toMatch(/thrower\.js:1:\d+\)$/);
    const dir = join(work, 'cache-b');
    run(dir);
    expect(run(dir).out.at).toBe(at);
  });

  it('never runs stale code: a source changed to one of the same length is compiled again', () => {
    const dir = join(work, 'cache-c');
    const b = join(app, 'lib', 'b.js');
    const original = readFileSync(b, 'utf8');
    try {
      run(dir);
      expect(run(dir).stats?.hits).toBe(2);
      const changed = original.replace("'first'", "'other'");
      expect(changed.length).toBe(original.length);
      writeFileSync(b, changed);
      const after = run(dir);
      expect(after.out.value).toBe('other');
      expect(after.stats).toMatchObject({ hits: 1, rejected: 1, written: 1 });
      expect(run(dir).stats).toMatchObject({ hits: 2, rejected: 0 });
    } finally {
      writeFileSync(b, original);
    }
  });

  it('recompiles over damaged entries and over a damaged pack', () => {
    const dir = join(work, 'cache-d');
    run(dir);
    const [sub] = readdirSync(dir);
    const pack = join(dir, sub as string, 'modules.pack');
    // Keep each entry's source header, break V8's data: V8 refuses it, the module compiles from source.
    const entries = readPack(pack);
    expect(entries.size).toBe(2);
    writePack(
      pack,
      new Map(
        [...entries].map(([name, e]) => [name, { bytes: Buffer.from(e.bytes).fill(7, 8), refreshes: 0 }]),
      ),
    );
    const after = run(dir);
    expect(after.out).toEqual(plainNode());
    expect(after.stats).toMatchObject({ hits: 0, rejected: 2, written: 2 });
    expect(run(dir).stats).toMatchObject({ hits: 2 });
    // A pack cut short is not read at all.
    writeFileSync(pack, readFileSync(pack).subarray(0, 100));
    expect(run(dir).stats).toMatchObject({ hits: 0, misses: 2, written: 2 });
    expect(run(dir).stats).toMatchObject({ hits: 2 });
  });

  it('completes an entry with what later processes compile, then leaves it', () => {
    const dir = join(work, 'cache-r');
    const lib = join(work, 'grow', 'lib.js');
    const main = join(work, 'grow', 'main.js');
    mkdirSync(join(lib, '..'), { recursive: true });
    // Two functions compiled only when called: the first run calls one, the later runs the other.
    const body = (name: string) =>
      `exports.${name} = function ${name}() { let s = 0; for (let i = 0; i < 10; i++) { s += i * ${name.length}; if (s > 1e9) throw new Error('${name}'); } return '${name}:' + s; };`;
    writeFileSync(lib, `${body('first')}\n${body('second')}\n`);
    writeFileSync(main, "module.exports = require('./lib')[process.env.CALL]();\n");
    const runWith = (call: string) => {
      const r = spawnSync(process.execPath, [join(work, 'run.js'), dir, main], {
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '', CALL: call },
      });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stderr.trim().split('\n').pop() as string) as Record<string, number>;
    };
    const libBytes = () => {
      const [sub] = readdirSync(dir);
      return readPack(join(dir, sub as string, 'modules.pack')).get(lib)?.bytes.length ?? 0;
    };
    expect(runWith('first')).toMatchObject({ misses: 2, written: 2 });
    const written = libBytes();
    // The second process uses the entry and takes it again: now with `second` compiled too.
    expect(runWith('second')).toMatchObject({ hits: 2, refreshed: 1 });
    expect(libBytes()).toBeGreaterThan(written);
    const completed = libBytes();
    runWith('second');
    runWith('second');
    // Three processes have taken it again: from now on a run reads the pack and writes nothing.
    const [sub] = readdirSync(dir);
    const pack = join(dir, sub as string, 'modules.pack');
    const before = statSync(pack).mtimeMs;
    expect(runWith('first')).toMatchObject({ hits: 2, written: 0, refreshed: 0 });
    expect(statSync(pack).mtimeMs).toBe(before);
    expect(libBytes()).toBe(completed);
  });

  it('keeps one directory per Node build and V8 flag set', () => {
    const dir = join(work, 'cache-e');
    run(dir);
    run(dir, {}, ['--stack-size=2000']);
    expect(readdirSync(dir)).toHaveLength(2);
    expect(run(dir, {}, ['--stack-size=2000']).stats).toMatchObject({ hits: 2, rejected: 0 });
  });

  it('caches a file that only calls or defines a method named import', () => {
    const member = join(work, 'member');
    mkdirSync(member, { recursive: true });
    writeFileSync(
      join(member, 'main.js'),
      "const m = require('./m'); process.stdout.write(JSON.stringify(m.run()) + '\\n');\n",
    );
    // aws-ec2's VPC module has `subnets.import(scope)`; a class may define `import(scope) { … }` after a
    // member, or a private #import.
    writeFileSync(
      join(member, 'm.js'),
      'const s = { import: (x) => x + 1 };\nclass C { #import(x) { return x * 2; } run(x) { return this.#import(x); } }\nexports.run = () => [s.import(1), new C().run(2), s?.import(3)];\n',
    );
    const dir = join(work, 'cache-member');
    const runMember = () =>
      spawnSync(process.execPath, [join(work, 'run.js'), dir, join(member, 'main.js')], {
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '' },
      });
    const first = runMember();
    expect(first.stdout).toBe('[2,4,4]\n');
    expect(JSON.parse(first.stderr.trim().split('\n').pop() as string)).toMatchObject({
      misses: 2,
      skipped: 0,
    });
    const second = runMember();
    expect(second.stdout).toBe('[2,4,4]\n');
    expect(JSON.parse(second.stderr.trim().split('\n').pop() as string)).toMatchObject({
      hits: 2,
      skipped: 0,
    });
  });

  it("caches a package's files with a source map while source maps are on", () => {
    const dir = join(work, 'cache-h');
    const lib = join(app, 'node_modules', 'mapped', 'index.js');
    mkdirSync(join(lib, '..'), { recursive: true });
    writeFileSync(lib, "exports.value = () => 'mapped';\n//# sourceMappingURL=index.js.map\n");
    const main = join(app, 'mapped.js');
    writeFileSync(main, "module.exports = require('mapped').value();\n");
    try {
      const args = [join(work, 'run.js'), dir, main];
      for (const expected of [{ misses: 2 }, { hits: 2 }]) {
        const r = spawnSync(process.execPath, ['--enable-source-maps', ...args], { encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        expect(JSON.parse(r.stderr.trim().split('\n').pop() as string)).toMatchObject({
          ...expected,
          skipped: 0,
        });
      }
    } finally {
      rmSync(join(app, 'node_modules'), { recursive: true, force: true });
      rmSync(main, { force: true });
    }
  });

  it('leaves project files with a source map to Node while source maps are on', () => {
    const dir = join(work, 'cache-f');
    const b = join(app, 'lib', 'b.js');
    const original = readFileSync(b, 'utf8');
    try {
      writeFileSync(b, `${original}//# sourceMappingURL=b.js.map\n`);
      expect(run(dir, {}, ['--enable-source-maps']).stats).toMatchObject({ skipped: 2, misses: 1 });
      // Without source maps: another flag set, so another directory; b.js is cached there.
      expect(run(dir).stats).toMatchObject({ skipped: 1, misses: 2, hits: 0 });
    } finally {
      writeFileSync(b, original);
    }
  });

  it('leaves a module Node ≥ 22 marks as not CommonJS to Node, with every argument', () => {
    // Node 22 passes a format to _compile: 'module' for an ES module require() loads, '*-typescript' for
    // TypeScript it strips itself. Node 20 passes none, so the call is made here as Node 22 makes it.
    const script = join(work, 'formats.js');
    writeFileSync(
      script,
      [
        "const Module = require('node:module');",
        'const seen = [];',
        'const nodeCompile = Module.prototype._compile;',
        // Node's own _compile, as the cache finds it: records what it is given; runs CommonJS as usual.
        'Module.prototype._compile = function (content, filename, format) {',
        '  if (filename.startsWith("/virtual/")) seen.push([filename.split("/").pop(), format, arguments.length]);',
        '  return format === "module" || format === "commonjs-typescript" ? undefined : nodeCompile.call(this, content, filename);',
        '};',
        `const { compileCacheDir, enableCompileCache } = require(${JSON.stringify(cacheModule)});`,
        'const cache = enableCompileCache(compileCacheDir(process.argv[2]));',
        'const load = (name, content, format) => { const m = new Module(name); m.filename = name; return m._compile(content, name, format); };',
        // Text that would also compile as CommonJS: only the format says whose it is.
        "load('/virtual/esm.js', 'globalThis.ran = 1;', 'module');",
        "load('/virtual/typed.js', 'globalThis.ran = 2;', 'commonjs-typescript');",
        "load('/virtual/plain.js', 'module.exports = 1;', 'commonjs');",
        "load('/virtual/node20.js', 'module.exports = 2;');",
        'process.stdout.write(JSON.stringify({ seen, stats: cache.stats() }));',
      ].join('\n'),
    );
    const r = spawnSync(process.execPath, [script, join(work, 'cache-formats')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      seen: [
        ['esm.js', 'module', 3],
        ['typed.js', 'commonjs-typescript', 3],
      ],
      stats: { hits: 0, misses: 2, rejected: 0, skipped: 2, written: 0, refreshed: 0 },
    });
  });

  it("adds no frame between a package's require() and Node's loader", () => {
    // Node (≥ 21) decides whether to warn of a deprecated built-in (punycode) by the first frame of the
    // stack that is not its own: the package's code, as without the cache, not this loader's.
    const pkg = join(work, 'frames', 'node_modules', 'pkg');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, 'index.js'), "module.exports = require('./probe');\n");
    writeFileSync(
      join(pkg, 'probe.js'),
      "module.exports = new Error().stack.split('\\n').slice(1).map((l) => l.trim());\n",
    );
    const main = join(work, 'frames', 'main.js');
    writeFileSync(main, "process.stdout.write(JSON.stringify(require('pkg')));\n");
    const framesWith = (env: NodeJS.ProcessEnv) => {
      const r = spawnSync(process.execPath, [join(work, 'run.js'), join(work, 'cache-frames'), main], {
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '', ...env },
      });
      expect(r.status, r.stderr).toBe(0);
      const frames = JSON.parse(r.stdout) as string[];
      const caller = frames.findIndex((f) => f.includes(`pkg${sep}index.js`));
      expect(caller).toBeGreaterThan(0);
      return frames[caller - 1] as string;
    };
    expect(framesWith({ FASTISH_COMPILE_CACHE: '0' })).toMatch(/node:internal/);
    expect(framesWith({})).toMatch(/node:internal/);
  });

  it('stays whole when processes write it at the same time', async () => {
    const dir = join(work, 'cache-concurrent');
    const once = () =>
      new Promise<number | null>((done) => {
        const child = spawn(process.execPath, [join(work, 'run.js'), dir, join(app, 'main.js')], {
          env: { ...process.env, NODE_OPTIONS: '' },
          stdio: 'ignore',
        });
        child.on('close', done);
      });
    // Six first runs at once: each finds no entry, compiles, and replaces the pack at exit.
    expect(await Promise.all(Array.from({ length: 6 }, once))).toEqual([0, 0, 0, 0, 0, 0]);
    const [sub] = readdirSync(dir);
    expect(readdirSync(join(dir, sub as string)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(run(dir).stats).toMatchObject({ hits: 2, misses: 0, rejected: 0 });
  });

  it('is off with FASTISH_COMPILE_CACHE=0', () => {
    const dir = join(work, 'cache-g');
    expect(run(dir, { FASTISH_COMPILE_CACHE: '0' }).stats).toBeUndefined();
    expect(() => readdirSync(dir)).toThrow();
  });
});
