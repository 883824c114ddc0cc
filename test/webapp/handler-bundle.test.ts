import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleHandler, clearHandlerBundleCache } from '../../src/constructs/webapp/handler-bundle';

describe('Lambda handler bundles', () => {
  const root = mkdtempSync(join(tmpdir(), 'fastish-bundle-test-'));
  const entry = join(root, 'handler.ts');
  const dep = join(root, 'greeting.ts');
  writeFileSync(
    entry,
    "import { greeting } from './greeting';\nexport const handler = async () => greeting;\n",
  );
  writeFileSync(dep, "export const greeting = 'hello from the first build';\n");
  afterAll(() => clearHandlerBundleCache());

  it('reuses a recorded bundle while its inputs are unchanged, as a new process would', () => {
    const first = bundleHandler({ entry, projectRoot: root });
    clearHandlerBundleCache({ records: 'keep' });
    expect(bundleHandler({ entry, projectRoot: root })).toBe(first);
    expect(readFileSync(join(first, 'index.js'), 'utf8')).toContain('hello from the first build');
  });

  it('bundles again when a file the entry imports changes', () => {
    const before = bundleHandler({ entry, projectRoot: root });
    writeFileSync(dep, "export const greeting = 'hello after an edit';\n");
    clearHandlerBundleCache({ records: 'keep' });
    const after = bundleHandler({ entry, projectRoot: root });
    expect(after).not.toBe(before);
    expect(readFileSync(join(after, 'index.js'), 'utf8')).toContain('hello after an edit');
  });

  it('never reuses a bundle recorded by another version of the bundler', () => {
    const fresh = bundleHandler({ entry, projectRoot: root });
    const id = createHash('sha256').update(`${root}\0${entry}`).digest('hex').slice(0, 24);
    const recordFile = join(tmpdir(), 'fastish-bundles', `record-${id}.json`);
    const record = JSON.parse(readFileSync(recordFile, 'utf8')) as { bundler: string; dir: string };
    const stale = mkdtempSync(join(tmpdir(), 'fastish-bundle-stale-'));
    writeFileSync(join(stale, 'index.js'), 'stale');
    writeFileSync(recordFile, JSON.stringify({ ...record, bundler: 'an older bundler', dir: stale }));
    clearHandlerBundleCache({ records: 'keep' });
    expect(bundleHandler({ entry, projectRoot: root })).toBe(fresh);
  });

  it('writes source maps relative to the project root', () => {
    const dir = bundleHandler({ entry, projectRoot: root });
    const map = JSON.parse(readFileSync(join(dir, 'index.js.map'), 'utf8')) as { sources: string[] };
    expect(map.sources).toEqual(expect.arrayContaining(['handler.ts', 'greeting.ts']));
  });

  it('names packages under node_modules/ when node_modules is a symlink, so checkouts share a bundle', () => {
    // Dependencies installed once, outside both checkouts (as `fastish plan` links a git ref's export).
    const modules = mkdtempSync(join(tmpdir(), 'fastish-bundle-modules-'));
    mkdirSync(join(modules, 'shout'));
    writeFileSync(join(modules, 'shout', 'index.js'), 'exports.shout = (s) => s.toUpperCase();\n');
    const checkout = () => {
      const dir = mkdtempSync(join(tmpdir(), 'fastish-bundle-checkout-'));
      symlinkSync(modules, join(dir, 'node_modules'), 'dir');
      writeFileSync(
        join(dir, 'handler.ts'),
        "import { shout } from 'shout';\nexport const handler = async () => shout('hi');\n",
      );
      return dir;
    };
    const [one, two] = [checkout(), checkout()];
    clearHandlerBundleCache();
    const a = bundleHandler({ entry: join(one, 'handler.ts'), projectRoot: one });
    const b = bundleHandler({ entry: join(two, 'handler.ts'), projectRoot: two });
    const map = JSON.parse(readFileSync(join(a, 'index.js.map'), 'utf8')) as { sources: string[] };
    expect(map.sources.sort()).toEqual(['handler.ts', 'node_modules/shout/index.js']);
    expect(b).toBe(a);
  });
});
