import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { replaceDirectory } from '../../src/cli/atomic-dir';

const root = mkdtempSync(join(tmpdir(), 'fastish-atomic-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Case {
  readonly name: string;
  /** Files in the target before the build (none: no target). */
  readonly before?: Record<string, string>;
  readonly build: (staging: string) => void;
  /** Files in the target afterwards. */
  readonly after: Record<string, string> | undefined;
  readonly throws?: RegExp;
}

const CASES: Case[] = [
  {
    name: 'a new target',
    build: (s) => writeFileSync(join(s, 'manifest.json'), 'new'),
    after: { 'manifest.json': 'new' },
  },
  {
    name: 'an earlier assembly is replaced whole (no stale template)',
    before: { 'manifest.json': 'old', 'stale.template.json': 'old' },
    build: (s) => writeFileSync(join(s, 'manifest.json'), 'new'),
    after: { 'manifest.json': 'new' },
  },
  {
    name: 'a failed build leaves the earlier assembly as it was',
    before: { 'manifest.json': 'old' },
    build: (s) => {
      writeFileSync(join(s, 'partial.template.json'), 'half');
      throw new Error('synth failed');
    },
    after: { 'manifest.json': 'old' },
    throws: /synth failed/,
  },
  {
    name: 'a failed build leaves no target where there was none',
    build: (s) => {
      writeFileSync(join(s, 'partial.template.json'), 'half');
      throw new Error('synth failed');
    },
    after: undefined,
    throws: /synth failed/,
  },
];

function files(dir: string): Record<string, string> | undefined {
  if (!existsSync(dir)) return undefined;
  return Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

describe('replaceDirectory: the cloud assembly is written atomically (issue 13 §4)', () => {
  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', (_, c, i) => {
    const parent = join(root, `case-${i}`);
    const target = join(parent, 'cdk.out');
    mkdirSync(parent, { recursive: true });
    if (c.before) {
      mkdirSync(target);
      for (const [f, text] of Object.entries(c.before)) writeFileSync(join(target, f), text);
    }
    const run = () => replaceDirectory(target, c.build);
    if (c.throws) expect(run).toThrow(c.throws);
    else run();
    expect(files(target)).toEqual(c.after);
    // No staging or previous copies are left beside it.
    expect(readdirSync(parent)).toEqual(c.after ? ['cdk.out'] : []);
  });
});
