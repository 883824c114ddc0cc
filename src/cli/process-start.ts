/**
 * What a Fastish process does before it loads anything else: the `fastish` command (bin/fastish.js) and
 * whatever runs Fastish the way it does (the benchmarks). V8 is set for a batch job, then the module caches
 * go on (module-cache.ts).
 */
import { setFlagsFromString } from 'node:v8';
import { enableModuleCaches, type ModuleCaches } from './module-cache';

/**
 * V8 flags for a process that ends when its work is done. Incremental marking spreads old-generation
 * marking over many small steps, for short pauses, which a command has no use for; and a cycle under way
 * when the work ends is finished before Node exits (it waits for V8's pending tasks): ~30 ms of the EKS
 * stack's 0.65 s process marked a heap about to be dropped. Without it V8 collects the old generation in
 * one go when it must. Measured on `npm run synth`: same wall time (docs/benchmarks.md).
 */
export const BATCH_V8_FLAGS = ['--no-incremental-marking'] as const;

export function startProcess(): ModuleCaches {
  for (const flag of BATCH_V8_FLAGS) setFlagsFromString(flag);
  return enableModuleCaches(undefined, BATCH_V8_FLAGS);
}
