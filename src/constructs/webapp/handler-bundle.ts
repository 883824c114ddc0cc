import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { buildSync } from 'esbuild';

export interface HandlerBundleOptions {
  /** Absolute path of the TypeScript entry file (exports `handler`). */
  readonly entry: string;
  /** Directory holding `node_modules`; source-map paths are written relative to it. */
  readonly projectRoot: string;
}

/** One bundle per entry per process: every stack and environment reuses it. */
const bundles = new Map<string, string>();

/**
 * Bundles a Lambda handler with the local esbuild (never Docker): minified CommonJS for Node.js 22, the
 * AWS SDK included at the locked version, a source map whose paths are relative to the project root.
 * The output directory is named after a hash of its content, so the asset hash depends only on the code
 * (not on where or when it was built) and two synths are byte-identical.
 * @returns the directory holding `index.js` and `index.js.map`
 */
export function bundleHandler(options: HandlerBundleOptions): string {
  const key = `${options.projectRoot}\0${options.entry}`;
  const cached = bundles.get(key);
  if (cached && existsSync(cached)) return cached;
  const result = buildSync({
    entryPoints: [options.entry],
    absWorkingDir: options.projectRoot,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    sourcemap: 'external',
    sourcesContent: false,
    legalComments: 'none',
    outfile: join(options.projectRoot, '.bundle', 'index.js'),
    write: false,
    logLevel: 'warning',
  });
  const files = new Map<string, string>();
  for (const file of result.outputFiles) {
    const name = file.path.endsWith('.map') ? 'index.js.map' : 'index.js';
    files.set(
      name,
      name === 'index.js.map'
        ? relativeSourceMap(file.text, dirname(file.path), options.projectRoot)
        : file.text,
    );
  }
  const hash = createHash('sha256');
  for (const [name, text] of [...files].sort()) hash.update(name).update('\0').update(text).update('\0');
  const dir = join(tmpdir(), 'fastish-bundles', hash.digest('hex').slice(0, 24));
  if (!existsSync(dir)) {
    // Write to a private directory first, then rename: concurrent synths never see half a bundle.
    const staging = `${dir}.${process.pid}.tmp`;
    mkdirSync(staging, { recursive: true });
    for (const [name, text] of files) writeFileSync(join(staging, name), text);
    try {
      renameSync(staging, dir);
    } catch {
      if (!existsSync(dir)) throw new Error(`cannot stage Lambda bundle of ${options.entry} in ${dir}`);
    }
  }
  bundles.set(key, dir);
  return dir;
}

function relativeSourceMap(text: string, outDir: string, projectRoot: string): string {
  const map = JSON.parse(text) as { sources: string[]; sourceRoot?: string };
  map.sources = map.sources.map((s) => relative(projectRoot, resolve(outDir, s)).split(sep).join('/'));
  delete map.sourceRoot;
  return JSON.stringify(map);
}

/** Forgets the bundles built in this process, so the next synth bundles again (tests of determinism). */
export function clearHandlerBundleCache(): void {
  bundles.clear();
}
