import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const read = (f: string) => readFileSync(join(ROOT, f), 'utf8');
const pkg = JSON.parse(read('package.json')) as { engines: { node: string } };
const lock = JSON.parse(read('package-lock.json')) as {
  packages: Record<string, { engines?: { node?: string }; optional?: boolean }>;
};
const README = read('README.md');

type Version = readonly [number, number];
const version = (text: string): Version => {
  const [major = 0, minor = 0] = text.split('.').map(Number);
  return [major, minor];
};
const below = (a: Version, b: Version) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);

/** The lowest Node a `>=x.y` range (or the first `>=` of a compound one) admits; undefined for others. */
function minimum(range: string): Version | undefined {
  if (range.includes('||')) return undefined; // "^20.19.0 || >=22.12.0" admits 20.19: a Node 20 range
  const m = />=\s*(\d+(?:\.\d+)?)/.exec(range);
  return m?.[1] ? version(m[1]) : undefined;
}

const OURS = minimum(pkg.engines.node) as Version;

/** Installed, non-optional packages whose engines demand more than ours, by top-level package name. */
const stricter = [
  ...new Set(
    Object.entries(lock.packages)
      .filter(([path, p]) => path !== '' && !p.optional && p.engines?.node)
      .filter(([, p]) => {
        const min = minimum(p.engines?.node ?? '');
        return min !== undefined && below(OURS, min);
      })
      .map(([path]) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? path),
  ),
];

describe('Node versions: engines and the README tell the truth (issue 13 §4)', () => {
  it('the README states the engines minimum', () => {
    expect(README).toContain(`## Set-up (Node.js ≥ ${OURS.join('.')}, npm ≥ 10)`);
  });

  it('the Node running the tests is one the engines admit', () => {
    expect(below(version(process.versions.node), OURS)).toBe(false);
  });

  it.each(stricter.map((name) => [name]))('the README names %s, which declares a newer Node', (name) => {
    expect(README).toContain(name);
  });
});
