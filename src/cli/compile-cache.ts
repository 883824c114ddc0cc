/**
 * V8's code cache for the CommonJS modules a Fastish process loads (aws-cdk-lib, cdk-nag, zod, Fastish's own
 * compiled modules): the second and later runs deserialize the compiled code instead of parsing and
 * compiling ~27 MB of JavaScript again. Parsing and compiling is the largest single cost of a synth process
 * (about a third of the EKS stack's), and most of aws-cdk-lib's functions are compiled lazily, on first call,
 * after the module has loaded. So the cache is taken when the process exits (`Script#createCachedData`),
 * when it holds every function the run compiled, not at load time as Node 22's `module.enableCompileCache()`
 * and the v8-compile-cache package do (the EKS stack's process measured 1.07 s with such a load-time
 * cache, 0.85 s with this one, 1.2 s with none); and it works on Node 20, which has no compile cache.
 *
 * An entry is served only for the same file name, the same source (length and CRC-32 of the text) and the
 * same V8 (version, architecture and flags are part of the directory name; V8 itself rejects data from
 * another build or flag set, and a rejected entry is rewritten). Anything this loader does not handle the
 * way Node's own does — a file that is not CommonJS or calls `import()`, a project file whose source map
 * Node must apply to stack traces — is left to Node. The entries live in one pack file per directory
 * (compile-cache-pack.ts), regenerable at any time; `FASTISH_COMPILE_CACHE=0` turns the cache off.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Module } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { Script } from 'node:vm';
import { crc32 } from 'node:zlib';
import { makeDirectory } from '../checks/make-directory';
import { openPack, readPack, writePack } from './compile-cache-pack';

/** What the cache did in this process; `written` counts entries stored by `flush`. */
export interface CompileCacheStats {
  readonly hits: number;
  readonly misses: number;
  /** Entries V8 refused (another V8 build or flag set) or whose source changed: compiled and rewritten. */
  readonly rejected: number;
  /** Modules left to Node's own loader: project files with a source map while source maps are on, or calling `import()`. */
  readonly skipped: number;
  readonly written: number;
  /** Entries used and taken again at exit, larger: completed with functions this process compiled. */
  readonly refreshed: number;
}

/** The handle `enableCompileCache` returns. */
export interface CompileCache {
  readonly dir: string;
  stats(): CompileCacheStats;
  /**
   * Stores the code of every module compiled without a usable entry, and completes the entries this
   * process used while they are young (`MAX_REFRESHES`). Runs by itself when the process exits.
   */
  flush(): void;
}

/** Node's CommonJS internals this loader uses (stable since Node 12, used by every require hook). */
interface ModuleInternals {
  /** `format` (Node ≥ 22): 'commonjs', or 'module' / '*-typescript' for what Node compiles its own way. */
  _compile(this: NodeModule, content: string, filename: string, format?: string): unknown;
}
interface ModuleStatics {
  wrap(script: string): string;
  _resolveFilename(request: string, parent: NodeModule, isMain: boolean, options?: object): string;
  _resolveLookupPaths(request: string, parent: NodeModule): string[] | null;
  _extensions: NodeJS.RequireExtensions;
  _cache: NodeJS.Dict<NodeModule>;
}

const HEADER_BYTES = 8;
const PACK = 'modules.pack';
/**
 * An entry holds the functions the process that wrote it compiled. The next processes that use it also
 * take it again at exit, and keep the larger (a `validate` that wrote aws-cdk-lib's entries compiled less
 * of it than a `synth` does): each completes it with what it compiled; after this many, the entry stands.
 */
const MAX_REFRESHES = 3;
/** The wrapper Node puts around a CommonJS module; stack columns on line 1 are shifted back by its length. */
const WRAP_PREFIX = (Module as unknown as ModuleStatics).wrap('').split('\n')[0]?.length ?? 0;

let active: CompileCache | undefined;

/** The directory for this Node build and V8 flag set below `root`. */
export function compileCacheDir(root: string): string {
  const flags = createHash('sha256')
    .update([...process.execArgv, process.env.NODE_OPTIONS ?? ''].join('\0'))
    .digest('hex')
    .slice(0, 12);
  return join(root, `compile-${process.versions.v8}-${process.arch}-${flags}`);
}

/** Source identity stored in an entry's first 8 bytes: length and CRC-32 of the text. */
function header(content: string): Buffer {
  const h = Buffer.alloc(HEADER_BYTES);
  h.writeUInt32LE(content.length >>> 0, 0);
  h.writeUInt32LE(crc32(content), 4);
  return h;
}

/**
 * `import(` anywhere in a file, comments included: such a file may load an ES module at run time. Not a
 * member named import (`.import(`, `#import(`, `$import(`), which is a call or definition of a method:
 * aws-ec2's VPC module has `subnets.import(scope)` and nothing dynamic.
 */
const DYNAMIC_IMPORT = /(?<![.\w$#])import\s*\(/;
const SOURCE_MAP = '//# sourceMappingURL=';
const NODE_MODULES = `${sep}node_modules${sep}`;

/** `require` as Node builds it for a module (lib/internal/modules/helpers.js makeRequireFunction). */
function requireFor(mod: NodeModule): NodeJS.Require {
  const statics = Module as unknown as ModuleStatics;
  // Bound, not wrapped: a bound function adds no stack frame, so Node still sees the package's own code as
  // the caller (Node 22 warns of deprecated built-ins such as punycode only for callers outside node_modules).
  const require = mod.require.bind(mod) as NodeJS.Require;
  const resolve = ((request: string, options?: { paths?: string[] }) =>
    statics._resolveFilename(request, mod, false, options)) as NodeJS.RequireResolve;
  resolve.paths = (request: string) => statics._resolveLookupPaths(request, mod);
  require.resolve = resolve;
  require.main = process.mainModule;
  require.extensions = statics._extensions;
  require.cache = statics._cache;
  return require;
}

/**
 * Installs the cache for CommonJS modules loaded from now on, storing entries below `dir`. Idempotent:
 * a second call returns the first handle. Returns undefined when `FASTISH_COMPILE_CACHE=0`.
 */
export function enableCompileCache(dir: string): CompileCache | undefined {
  if (active) return active;
  if (process.env.FASTISH_COMPILE_CACHE === '0') return undefined;
  const proto = Module.prototype as unknown as ModuleInternals;
  const nodeCompile = proto._compile;
  const pending: { script: Script; filename: string; head: Buffer }[] = [];
  const refreshing: { script: Script; filename: string; head: Buffer }[] = [];
  const counts = { hits: 0, misses: 0, rejected: 0, skipped: 0, written: 0, refreshed: 0 };
  const packFile = join(dir, PACK);
  const packed = openPack(packFile);

  // Left to Node: a project file with a source map while source maps are on (tsx's output, say), because
  // Node applies maps only to code it compiled itself — a package's frames then show its shipped JavaScript,
  // as they do without source maps; and a file that may call `import()`, because Node resolves
  // a CommonJS module's dynamic imports through a hook only its own compilation installs (vm's public
  // equivalent is experimental in Node 20 and warns). An entry exists only for a file that passed.
  // Node ≥ 22 also passes the module's format: ES modules loaded by require() and TypeScript it strips
  // itself are Node's, with every argument as given.
  const leaveToNode = (module: NodeModule, args: Parameters<ModuleInternals['_compile']>) => {
    counts.skipped++;
    return nodeCompile.apply(module, args);
  };
  proto._compile = function compile(this: NodeModule, ...args: Parameters<ModuleInternals['_compile']>) {
    const [content, filename, format] = args;
    if (format !== undefined && format !== 'commonjs') return leaveToNode(this, args);
    if (process.sourceMapsEnabled && !filename.includes(NODE_MODULES) && content.includes(SOURCE_MAP))
      return leaveToNode(this, args);
    const head = header(content);
    const entry = packed.read(filename);
    let cached: Buffer | undefined;
    let stale = false;
    if (entry?.subarray(0, HEADER_BYTES).equals(head)) cached = entry.subarray(HEADER_BYTES);
    else stale = entry !== undefined;
    if (!cached && DYNAMIC_IMPORT.test(content)) return leaveToNode(this, args);
    let script: Script;
    try {
      script = new Script((Module as unknown as ModuleStatics).wrap(content), {
        filename,
        columnOffset: -WRAP_PREFIX,
        cachedData: cached,
      });
    } catch {
      // Not CommonJS as written (ES module syntax Node detects, say): Node's loader knows what to do.
      return leaveToNode(this, args);
    }
    if (cached && !script.cachedDataRejected) {
      counts.hits++;
      if (packed.refreshes(filename) < MAX_REFRESHES) refreshing.push({ script, filename, head });
    } else {
      if (cached || stale) counts.rejected++;
      else counts.misses++;
      pending.push({ script, filename, head });
    }
    const fn = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    return fn.call(this.exports, this.exports, requireFor(this), this, filename, dirname(filename));
  };

  const flush = () => {
    packed.close();
    if (pending.length === 0 && refreshing.length === 0) return;
    // The pack as it is now (another process may have added entries since this one read it), plus this
    // run's; entries of files that no longer exist are dropped.
    const next = readPack(packFile);
    for (const name of next.keys()) if (!existsSync(name)) next.delete(name);
    for (const { script, filename, head } of pending.splice(0)) {
      next.set(filename, { bytes: Buffer.concat([head, script.createCachedData()]), refreshes: 0 });
      counts.written++;
    }
    for (const { script, filename, head } of refreshing.splice(0)) {
      const stored = next.get(filename);
      if (!stored?.bytes.subarray(0, HEADER_BYTES).equals(head)) continue; // replaced meanwhile
      const data = script.createCachedData();
      const grown = HEADER_BYTES + data.length > stored.bytes.length;
      if (grown) counts.refreshed++;
      next.set(filename, {
        bytes: grown ? Buffer.concat([head, data]) : stored.bytes,
        refreshes: stored.refreshes + 1,
      });
    }
    try {
      makeDirectory(dir);
      writePack(packFile, next);
    } catch {
      // A cache that cannot be written costs the next run its compile time, nothing else.
      counts.written = 0;
      counts.refreshed = 0;
    }
  };
  process.once('exit', flush);
  active = { dir, stats: () => ({ ...counts }), flush };
  return active;
}
