/**
 * The two caches that make a Fastish process start fast, turned on first by the `fastish` command
 * (bin/fastish.js) and by anything that runs Fastish the way it does: V8's compiled code of the modules
 * (compile-cache.ts) and where their requires resolve (resolve-cache.ts). Both live where Fastish keeps
 * its other caches (`cacheRoot`), in one directory per Node build and V8 flag set; `FASTISH_COMPILE_CACHE=0`
 * turns both off.
 */
import { cacheRoot } from '../checks/gate-cache';
import { type CompileCache, compileCacheDir, enableCompileCache } from './compile-cache';
import { enableResolveCache, type ResolveCache } from './resolve-cache';

export interface ModuleCaches {
  readonly compile?: CompileCache;
  readonly resolve?: ResolveCache;
}

export function enableModuleCaches(root: string = cacheRoot()): ModuleCaches {
  const dir = compileCacheDir(root);
  return { compile: enableCompileCache(dir), resolve: enableResolveCache(dir) };
}
