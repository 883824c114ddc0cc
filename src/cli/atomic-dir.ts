import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { makeDirectory } from '../checks/make-directory';

/**
 * Builds a directory atomically: `build` writes into a fresh staging directory beside `target` (same
 * file system, so the rename is atomic), which then replaces `target` whole. A build that throws leaves
 * `target` as it was; a build that succeeds leaves nothing of an earlier `target` (no stale templates or
 * assets from another config).
 */
export function replaceDirectory<T>(target: string, build: (staging: string) => T): T {
  const staging = stagingBeside(target);
  let result: T;
  try {
    result = build(staging);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  swapIn(staging, target);
  return result;
}

/** `replaceDirectory` for a build that is asynchronous (e.g. gates running in a child process). */
export async function replaceDirectoryAsync<T>(
  target: string,
  build: (staging: string) => Promise<T>,
): Promise<T> {
  const staging = stagingBeside(target);
  let result: T;
  try {
    result = await build(staging);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  swapIn(staging, target);
  return result;
}

function stagingBeside(target: string): string {
  makeDirectory(dirname(target));
  return mkdtempSync(join(dirname(target), `.${basename(target)}.new-`));
}

function swapIn(staging: string, target: string): void {
  const previous = existsSync(target) ? `${staging.replace('.new-', '.old-')}` : undefined;
  if (previous) renameSync(target, previous);
  try {
    renameSync(staging, target);
  } catch (err) {
    if (previous) renameSync(previous, target);
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  if (previous) rmSync(previous, { recursive: true, force: true });
}
