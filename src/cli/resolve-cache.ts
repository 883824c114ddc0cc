/**
 * Where `require()` found each module last time, for requires made from inside a node_modules tree: a
 * warm run of the EKS stack makes ~2,300 of them, and Node answers each with a walk of candidate paths,
 * package.json reads and aws-cdk-lib's exports map (~100 ms). Only the package manager changes what a
 * require inside node_modules resolves to, and it rewrites its own state file there on every change
 * (npm's hidden lockfile `.package-lock.json`, pnpm's `.modules.yaml`, Yarn's `.yarn-state.yml` or
 * `.yarn-integrity`): the saved answers are used while that file's identity (inode, size, modification and
 * change times) is the one they were saved under, and a tree without such a file is not cached at all.
 * Requires from outside node_modules (a checkout's sources and dist/, which an edit or a build changes)
 * and requires with options are always Node's.
 */
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { isBuiltin, Module } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { crc32 } from 'node:zlib';
import { makeDirectory } from '../checks/make-directory';

/** The package managers' state files, rewritten whenever they change a node_modules tree. */
export const TREE_STAMP_FILES = ['.package-lock.json', '.modules.yaml', '.yarn-state.yml', '.yarn-integrity'];

export interface ResolveCacheStats {
  readonly hits: number;
  readonly misses: number;
  /** node_modules trees whose saved answers were valid (same state file) when first used. */
  readonly treesReused: number;
  readonly written: number;
}

export interface ResolveCache {
  readonly dir: string;
  stats(): ResolveCacheStats;
  /** Saves the answers of this run. Runs by itself when the process exits. */
  flush(): void;
}

interface Tree {
  /** The state file's identity; undefined: not cached. */
  readonly stamp: string | undefined;
  readonly root: string;
  readonly file: string;
  readonly map: Record<string, string>;
  dirty: boolean;
}

interface ResolveStatics {
  _resolveFilename(
    request: string,
    parent: NodeModule | undefined,
    isMain: boolean,
    options?: object,
  ): string;
}

const NODE_MODULES = `${sep}node_modules${sep}`;
let active: ResolveCache | undefined;

/**
 * The state file's identity, and NODE_PATH (a request that leaves the tree resolves through it); the
 * resolution conditions and other flags are part of the cache directory's name (compileCacheDir).
 */
function stampOf(root: string): string | undefined {
  for (const name of TREE_STAMP_FILES) {
    try {
      const s = statSync(join(root, name), { bigint: true });
      return `${name}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}:${process.env.NODE_PATH ?? ''}`;
    } catch {
      // not this package manager
    }
  }
  return undefined;
}

/**
 * Installs the cache for requires made from now on, storing one file per node_modules tree below `dir`.
 * Idempotent; undefined when `FASTISH_COMPILE_CACHE=0` (one switch for both module caches).
 */
export function enableResolveCache(dir: string): ResolveCache | undefined {
  if (active) return active;
  if (process.env.FASTISH_COMPILE_CACHE === '0') return undefined;
  const statics = Module as unknown as ResolveStatics;
  const nodeResolve = statics._resolveFilename;
  const trees = new Map<string, Tree>();
  const counts = { hits: 0, misses: 0, treesReused: 0, written: 0 };

  /** The outermost node_modules directory `filename` is in, with its saved answers. */
  const treeOf = (filename: string): Tree | undefined => {
    const at = filename.indexOf(NODE_MODULES);
    if (at < 0) return undefined;
    const root = filename.slice(0, at + NODE_MODULES.length - 1);
    let tree = trees.get(root);
    if (!tree) {
      const stamp = stampOf(root);
      const file = join(dir, `resolve-${crc32(root).toString(36)}.json`);
      let map: Record<string, string> = Object.create(null);
      if (stamp) {
        try {
          const saved = JSON.parse(readFileSync(file, 'utf8')) as {
            root: string;
            stamp: string;
            map: Record<string, string>;
          };
          if (saved.root === root && saved.stamp === stamp) {
            map = Object.assign(Object.create(null), saved.map);
            counts.treesReused++;
          }
        } catch {
          // nothing saved yet
        }
      }
      tree = { stamp, root, file, map, dirty: false };
      trees.set(root, tree);
    }
    return tree.stamp ? tree : undefined;
  };

  statics._resolveFilename = function resolveFilename(request, parent, isMain, options) {
    const tree = options === undefined && !isMain && parent?.filename ? treeOf(parent.filename) : undefined;
    if (!tree) return nodeResolve.call(this, request, parent, isMain, options);
    const key = `${dirname(parent?.filename as string)}\0${request}`;
    const known = tree.map[key];
    if (known !== undefined) {
      counts.hits++;
      return known;
    }
    // Built-ins are Node's to answer (never saved); asked only now, as a hit is never one.
    if (isBuiltin(request)) return nodeResolve.call(this, request, parent, isMain, options);
    const resolved = nodeResolve.call(this, request, parent, isMain, options);
    counts.misses++;
    tree.map[key] = resolved;
    tree.dirty = true;
    return resolved;
  };

  const flush = () => {
    for (const tree of trees.values()) {
      if (!tree.dirty) continue;
      tree.dirty = false;
      const tmp = `${tree.file}.${process.pid}.tmp`;
      try {
        makeDirectory(dir);
        writeFileSync(tmp, JSON.stringify({ root: tree.root, stamp: tree.stamp, map: tree.map }));
        renameSync(tmp, tree.file);
        counts.written++;
      } catch {
        // Unwritten answers cost the next run its resolution time, nothing else.
      }
    }
  };
  process.once('exit', flush);
  active = { dir, stats: () => ({ ...counts }), flush };
  return active;
}
