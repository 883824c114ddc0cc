/**
 * `npm run build`: compiles src/ to dist/ (JavaScript + declarations, tsconfig.build.json), copies the files
 * the compiled code reads beside itself (non-TypeScript sources such as the inline Lambda handler), and
 * removes outputs whose source is gone, so a packed dist/ never carries a deleted module.
 *
 * tsc is incremental (its build info lives in dist/, so deleting dist/ rebuilds everything): a build after a
 * small change takes seconds.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const ROOT = join(__dirname, '..');
const SRC = join(ROOT, 'src');
const DIST = join(ROOT, 'dist');

/** Compiler outputs of a TypeScript source, by suffix. */
const OUTPUT_SUFFIXES = ['.d.ts.map', '.d.ts', '.js.map', '.js'] as const;

function walk(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}

/** Whether a source file is read at run time as it is (not compiled): copied into dist/. */
export function isAsset(path: string): boolean {
  return !path.endsWith('.ts') && !path.endsWith('.tsx');
}

/** The source a dist/ file came from (compiled or copied), relative to src/. */
export function sourceOf(distPath: string): readonly string[] {
  for (const suffix of OUTPUT_SUFFIXES) {
    if (distPath.endsWith(suffix)) {
      const stem = distPath.slice(0, -suffix.length);
      // `x.js` is x.ts's output, or the copy of an asset x.js.
      return suffix === '.js' ? [`${stem}.ts`, distPath] : [`${stem}.ts`];
    }
  }
  return [distPath];
}

/** Copies the assets of `srcDir` into the same places under `outDir`; returns how many. */
export function copyAssets(srcDir: string, outDir: string): number {
  const assets = walk(srcDir).filter(isAsset);
  for (const file of assets) {
    const target = join(outDir, relative(srcDir, file));
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(file, target);
  }
  return assets.length;
}

function main(): number {
  const tsc = spawnSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
  if (tsc.status !== 0) return tsc.status ?? 1;
  const copied = copyAssets(SRC, DIST);
  let removed = 0;
  for (const file of walk(DIST)) {
    const rel = relative(DIST, file);
    if (rel === '.tsbuildinfo') continue;
    if (!sourceOf(rel).some((source) => existsSync(join(SRC, source)))) {
      rmSync(file);
      removed++;
    }
  }
  console.log(`build: dist/ compiled, ${copied} asset(s) copied, ${removed} stale output(s) removed`);
  return 0;
}

if (require.main === module) process.exitCode = main();
