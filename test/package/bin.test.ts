import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './consumer-project';

/** bin/fastish.js copied into a bare package directory (no dist/, no src/): what it does there. */
function bareBin(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fastish-bin-'));
  mkdirSync(join(dir, 'bin'));
  cpSync(join(ROOT, 'bin', 'fastish.js'), join(dir, 'bin', 'fastish.js'));
  writeFileSync(join(dir, 'package.json'), '{"name":"fastish","version":"0.0.0"}');
  return dir;
}

describe('bin/fastish.js chooses what to run', () => {
  it('an installed package without its build says which file is missing and what to run', () => {
    const dir = bareBin();
    const r = spawnSync(process.execPath, [join(dir, 'bin', 'fastish.js'), '--version'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `fastish: error: the compiled CLI is missing (${join(dir, 'dist', 'cli', 'main.js')}): run \`npm run build\`\n`,
    );
  });

  it('runs dist/ when there are no CLI sources beside it, module caches first, with the arguments and exit code', () => {
    const dir = bareBin();
    mkdirSync(join(dir, 'dist', 'cli'), { recursive: true });
    writeFileSync(
      join(dir, 'dist', 'cli', 'module-cache.js'),
      'exports.enableModuleCaches = () => { process.stdout.write("caches on\\n"); return {}; };\n',
    );
    writeFileSync(
      join(dir, 'dist', 'cli', 'main.js'),
      'process.stdout.write("main loaded\\n");\nexports.main = async (argv) => { process.stdout.write("compiled " + argv.join(" ") + "\\n"); return 3; };\n',
    );
    const r = spawnSync(process.execPath, [join(dir, 'bin', 'fastish.js'), 'a', 'b'], { encoding: 'utf8' });
    expect(r.stdout).toBe('caches on\nmain loaded\ncompiled a b\n');
    expect(r.status).toBe(3);
  });

  it('exits once all of its output is written, whatever a command left open', () => {
    const dir = bareBin();
    mkdirSync(join(dir, 'dist', 'cli'), { recursive: true });
    writeFileSync(join(dir, 'dist', 'cli', 'module-cache.js'), 'exports.enableModuleCaches = () => ({});\n');
    // 4 MiB of output, then a timer nobody stops: the process would never end by itself.
    writeFileSync(
      join(dir, 'dist', 'cli', 'main.js'),
      'exports.main = async () => { process.stdout.write("x".repeat(4 * 1024 * 1024)); setInterval(() => {}, 1000); return 4; };\n',
    );
    const r = spawnSync(process.execPath, [join(dir, 'bin', 'fastish.js')], {
      encoding: 'utf8',
      maxBuffer: 8 * 1024 * 1024,
      timeout: 20_000,
    });
    expect(r.signal).toBeNull();
    expect(r.status).toBe(4);
    expect(r.stdout.length).toBe(4 * 1024 * 1024);
  });
});
