/**
 * `makeDirectory` (make-directory.ts), which every cache and the assembly swap use instead of Node's recursive
 * mkdirSync: that one spins forever where the kernel answers ENOENT for a directory whose parent exists
 * (procfs) — a cache directory pointed there hung `fastish validate` at exit. Run in child processes with a
 * time limit, so a hang fails the test instead of the run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDirectory } from '../../src/checks/make-directory';
import { plainModule } from '../support/plain-module';

const work = mkdtempSync(join(tmpdir(), 'fastish-make-directory-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const ROOT = join(__dirname, '..', '..');

describe('makeDirectory', () => {
  it('creates every missing level, and is quiet about levels that exist', () => {
    const deep = join(work, 'a', 'b', 'c');
    makeDirectory(deep);
    makeDirectory(deep);
    expect(existsSync(deep)).toBe(true);
  });

  it.skipIf(process.platform !== 'linux')(
    'fails at once where a directory cannot be created (procfs)',
    () => {
      const module = plainModule(join(ROOT, 'src/checks/make-directory.ts'), join(work, 'make-directory.js'));
      const r = spawnSync(
        process.execPath,
        ['-e', `require(${JSON.stringify(module)}).makeDirectory('/proc/fastish-test/cache')`],
        { encoding: 'utf8', timeout: 10_000 },
      );
      expect(r.signal, 'makeDirectory did not return').toBeNull();
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/ENOENT/);
    },
  );

  it.skipIf(process.platform !== 'linux')(
    'an unwritable cache directory costs the CLI its caches, nothing else',
    () => {
      const r = spawnSync(
        process.execPath,
        [join(ROOT, 'bin', 'fastish.js'), 'validate', '--config', join(ROOT, 'examples', 'fastish.yaml')],
        {
          encoding: 'utf8',
          timeout: 60_000,
          env: { ...process.env, FASTISH_CACHE_DIR: '/proc/fastish-test' },
        },
      );
      expect(r.signal, 'the CLI did not exit').toBeNull();
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/valid/);
    },
  );
});
