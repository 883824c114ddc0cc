import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allImports, importCircles, sourceFiles } from './import-graph';

const ROOT = join(__dirname, '..', '..');
const SRC = join(ROOT, 'src');
/** Past this a module holds more than one idea (issue 15 §3); split it at its seam. */
const MAX_LINES = 500;

describe('source layout', () => {
  it('has no import circles among the modules under src/, type-only imports included', () => {
    expect(importCircles(sourceFiles(SRC), ROOT, true)).toEqual([]);
  });

  it('keeps the constructs independent of the config model, the stacks, the app and the CLI', () => {
    const upper = ['config', 'stacks', 'app', 'cli'].map((dir) => join(SRC, dir));
    const crossings = sourceFiles(join(SRC, 'constructs')).flatMap((file) =>
      allImports(file)
        .filter((target) => upper.some((dir) => target.startsWith(`${dir}/`)))
        .map((target) => `${relative(ROOT, file)} → ${relative(ROOT, target)}`),
    );
    expect(crossings).toEqual([]);
  });

  it(`has no source file over ${MAX_LINES} lines under src/`, () => {
    const long = sourceFiles(SRC)
      .map((f) => ({ file: relative(ROOT, f), lines: readFileSync(f, 'utf8').split('\n').length }))
      .filter((f) => f.lines > MAX_LINES)
      .map((f) => `${f.file}: ${f.lines} lines`);
    expect(long).toEqual([]);
  });
});

describe('the circle detector', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fastish-circles-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => writeFileSync(join(dir, name), text);
  write('a.ts', "import { b } from './b';\nexport const a = () => b;\n");
  write('b.ts', "import { c } from './c';\nexport const b = c;\n");
  write('c.ts', "export { a as c } from './a';\n");
  write('d.ts', "import type { E } from './e';\nexport type D = E;\n");
  write('e.ts', "import { type D } from './d';\nexport type E = D | 1;\n");
  write('f.ts', "import './g';\n");
  write('g.ts', "export const g = () => import('./f');\n");
  write('h.ts', "import { i } from './sub';\nexport const h = i;\n");
  write('index.ts', "export * from './h';\n");

  it('finds a circle through imports and re-exports, and none through type-only imports or import()', () => {
    const files = sourceFiles(dir);
    expect(importCircles(files, dir)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });

  it('finds the type-only circle too when asked to', () => {
    const files = sourceFiles(dir);
    expect(importCircles(files, dir, true)).toEqual([
      ['a.ts', 'b.ts', 'c.ts'],
      ['d.ts', 'e.ts'],
    ]);
  });
});
