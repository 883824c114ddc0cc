import { createHash } from 'node:crypto';
import { existsSync, readFileSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { buildSync, version as esbuildVersion, stop as stopEsbuild } from 'esbuild';
import { makeDirectory } from '../../checks/make-directory';

export interface HandlerBundleOptions {
  /** Absolute path of the TypeScript entry file (exports `handler`). */
  readonly entry: string;
  /** Directory holding `node_modules`; source-map paths are written relative to it. */
  readonly projectRoot: string;
}

/** One bundle per entry per process: every stack and environment reuses it. */
const bundles = new Map<string, string>();
/** Whether bundles recorded by earlier processes may be reused (tests switch it off). */
let reuseRecords = true;

/**
 * Bundles a Lambda handler with the local esbuild (never Docker): minified CommonJS for Node.js 22, the
 * AWS SDK included at the locked version, a source map whose paths are relative to the project root.
 * The output directory is named after a hash of its content, so the asset hash depends only on the code
 * (not on where or when it was built) and two synths are byte-identical. A later synth (another process)
 * reuses the bundle while every file esbuild read for it is unchanged.
 * @returns the directory holding `index.js` and `index.js.map`
 */
export function bundleHandler(options: HandlerBundleOptions): string {
  const key = `${options.projectRoot}\0${options.entry}`;
  const cached = bundles.get(key) ?? (reuseRecords ? reusableBundle(options) : undefined);
  if (cached && existsSync(cached)) {
    bundles.set(key, cached);
    return cached;
  }
  const result = buildSync({
    metafile: true,
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
    makeDirectory(staging);
    for (const [name, text] of files) writeFileSync(join(staging, name), text);
    try {
      renameSync(staging, dir);
    } catch {
      if (!existsSync(dir)) throw new Error(`cannot stage Lambda bundle of ${options.entry} in ${dir}`);
    }
  }
  recordBundle(options, Object.keys(result.metafile?.inputs ?? {}), dir);
  bundles.set(key, dir);
  return dir;
}

/**
 * A bundle from an earlier synth whose every input file still has the same content. The record lists the
 * inputs esbuild read (its metafile) with their hashes, so a changed source or dependency file, or a
 * changed import (the importing file changes), means a fresh bundle.
 */
interface BundleRecord {
  readonly esbuild: string;
  /** This module's own source: a change to how bundles are built (or post-processed) rebuilds them. */
  readonly bundler: string;
  readonly inputs: Record<string, string>;
  readonly dir: string;
}

function recordPath(options: HandlerBundleOptions): string {
  const id = createHash('sha256')
    .update(`${options.projectRoot}\0${options.entry}`)
    .digest('hex')
    .slice(0, 24);
  return join(tmpdir(), 'fastish-bundles', `record-${id}.json`);
}

function fileHash(path: string): string | undefined {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return undefined;
  }
}

let ownHash: string | undefined;
function bundlerHash(): string {
  ownHash ??= fileHash(__filename) ?? 'unknown';
  return ownHash;
}

function reusableBundle(options: HandlerBundleOptions): string | undefined {
  let record: BundleRecord;
  try {
    record = JSON.parse(readFileSync(recordPath(options), 'utf8')) as BundleRecord;
  } catch {
    return undefined;
  }
  if (
    record.esbuild !== esbuildVersion ||
    record.bundler !== bundlerHash() ||
    !existsSync(join(record.dir, 'index.js'))
  ) {
    return undefined;
  }
  for (const [input, hash] of Object.entries(record.inputs)) {
    if (fileHash(resolve(options.projectRoot, input)) !== hash) return undefined;
  }
  return record.dir;
}

function recordBundle(options: HandlerBundleOptions, inputs: readonly string[], dir: string): void {
  const hashes: Record<string, string> = {};
  for (const input of inputs) {
    const hash = fileHash(resolve(options.projectRoot, input));
    if (hash === undefined) return; // an input we cannot read again: never reuse this bundle
    hashes[input] = hash;
  }
  const record: BundleRecord = { esbuild: esbuildVersion, bundler: bundlerHash(), inputs: hashes, dir };
  const path = recordPath(options);
  writeFileSync(`${path}.${process.pid}.tmp`, JSON.stringify(record));
  renameSync(`${path}.${process.pid}.tmp`, path);
}

/**
 * Source-map paths relative to the project root. esbuild resolves symlinks, so a checkout whose
 * `node_modules` links elsewhere (a worktree, `fastish plan`'s export of a git ref) names packages by
 * their real location; they are mapped back under `node_modules/`, so the map (and with it the asset
 * hash) does not depend on where the checkout or its dependencies live.
 */
function relativeSourceMap(text: string, outDir: string, projectRoot: string): string {
  const map = JSON.parse(text) as { sources: string[]; sourceRoot?: string };
  const real = (path: string) => (existsSync(path) ? realpathSync(path) : path);
  const roots: readonly (readonly [string, string])[] = [
    [real(join(projectRoot, 'node_modules')), 'node_modules'],
    [real(projectRoot), ''],
  ];
  map.sources = map.sources.map((source) => {
    const absolute = resolve(outDir, source);
    for (const [root, prefix] of roots) {
      const inside = relative(root, absolute);
      if (inside && !inside.startsWith('..') && !isAbsolute(inside)) return toPosix(join(prefix, inside));
    }
    return toPosix(relative(projectRoot, absolute));
  });
  delete map.sourceRoot;
  return JSON.stringify(map);
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}

/**
 * Stops esbuild's service process, which keeps the memory of its last bundles (~240 MiB after the web app's
 * handlers) until this process exits; the next bundle starts it again. `buildPlatform` calls it once every
 * stack is built, so a synth's gates (cdk-nag here, the template validator in its own process) do not run
 * beside an idle bundler.
 */
export function releaseBundler(): void {
  void stopEsbuild();
}

/**
 * Forgets the bundles built in this process, so the next synth bundles again (tests of determinism).
 * With `records: 'keep'`, bundles recorded on disk may still be reused, as by a new process.
 */
export function clearHandlerBundleCache(options: { records?: 'keep' | 'ignore' } = {}): void {
  bundles.clear();
  reuseRecords = options.records === 'keep';
}
