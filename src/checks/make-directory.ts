import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * `mkdir -p` that always ends. Node's `mkdirSync(path, { recursive: true })` spins forever where the
 * kernel answers ENOENT for a new directory whose parent exists (procfs, sysfs: a cache directory pointed
 * there), so each missing level is created on its own and any error but EEXIST is thrown.
 */
export function makeDirectory(path: string): void {
  const missing: string[] = [];
  for (let p = resolve(path); !existsSync(p); p = dirname(p)) {
    missing.unshift(p);
    if (dirname(p) === p) break;
  }
  for (const p of missing) {
    try {
      mkdirSync(p);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}
