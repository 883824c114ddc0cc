/**
 * File assets of the previous assembly, reused by a synth into a fresh directory beside it. CDK stages a
 * file asset by copying it to `asset.<hash>.<ext>` unless that path exists — as `cdk synth` into a kept
 * `cdk.out` reuses it — but `fastish synth` builds each assembly in a new directory (then swaps it in), so
 * every run copied the example's 57 MB of Lambda layers (kubectl, AWS CLI) again. Hard links to the
 * previous files make them exist at no cost; a name carries its content's hash, so a linked file is the
 * one CDK would have copied. After the synth, the linked files the new assembly does not reference are
 * removed: nothing of the previous assembly survives that the new one does not use.
 */
import { linkSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Links `previous`'s top-level file assets into `staging`; returns the names linked. */
export function linkPreviousAssets(previous: string, staging: string): string[] {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(previous, { withFileTypes: true });
  } catch {
    return []; // no previous assembly
  }
  const linked: string[] = [];
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.startsWith('asset.')) continue;
    try {
      linkSync(join(previous, entry.name), join(staging, entry.name));
      linked.push(entry.name);
    } catch {
      // another file system, or links not allowed: CDK copies it, as without this module
    }
  }
  return linked;
}

/** Every file asset path the assembly's asset manifests (nested assemblies included) stage from. */
function referencedAssets(dir: string, found = new Set<string>()): Set<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && !entry.name.startsWith('asset.')) referencedAssets(path, found);
    else if (entry.isFile() && entry.name.endsWith('.assets.json')) {
      const manifest = JSON.parse(readFileSync(path, 'utf8')) as {
        files?: Record<string, { source?: { path?: string } }>;
      };
      for (const file of Object.values(manifest.files ?? {})) {
        if (file.source?.path) found.add(resolve(dirname(path), file.source.path));
      }
    }
  }
  return found;
}

/** Removes the linked files (`linkPreviousAssets`) that no asset manifest in `staging` references. */
export function dropUnreferencedAssets(staging: string, linked: readonly string[]): void {
  if (linked.length === 0) return;
  const referenced = referencedAssets(staging);
  for (const name of linked) {
    const path = join(staging, name);
    if (!referenced.has(resolve(path))) rmSync(path, { force: true });
  }
}
