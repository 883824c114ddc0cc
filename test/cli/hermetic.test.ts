import { execFileSync, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { EXAMPLE_CONFIG } from '../checks/example';

const ROOT = join(__dirname, '..', '..');

/** An environment with no AWS variables and a HOME without ~/.aws: synth must not need credentials. */
function credentialFreeEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(AWS_|CDK_|FASTISH_)/.test(k)) env[k] = v;
  return {
    ...env,
    HOME: home,
    USERPROFILE: home,
    AWS_CONFIG_FILE: join(home, 'no-such-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-such-credentials'),
    // Nothing may reach the network: no CDK CLI telemetry or version check, no npm update check.
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    CDK_DISABLE_VERSION_CHECK: '1',
    npm_config_update_notifier: 'false',
  };
}

interface ChildResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], cwd: string, home: string): Promise<ChildResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd,
      env: credentialFreeEnv(home),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d) => {
      stdout += String(d);
    });
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * A second checkout of the working tree (tracked and untracked files, not ignored ones) whose
 * node_modules is a symlink to this one's, like a git worktree or `fastish plan`'s export of a ref.
 */
function checkout(dir: string): string {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
  })
    .toString()
    .split('\0')
    // Files only: a deleted file is still listed, a linked node_modules is listed as a file.
    .filter((f) => f && existsSync(join(ROOT, f)) && statSync(join(ROOT, f)).isFile());
  for (const f of files) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    copyFileSync(join(ROOT, f), join(dir, f));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

function filesOf(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/** Written by `cdk synth` only: aws-cdk-lib's template validation runs there (`fastish synth` runs it as a gate). */
const VALIDATION_REPORT = 'validation-report.json';

let temp: string;
let first: string;
let others: { readonly name: string; readonly checkout: string; readonly outdir: string }[];
let results: ChildResult[];
beforeAll(async () => {
  temp = mkdtempSync(join(tmpdir(), 'fastish-hermetic-'));
  const home = join(temp, 'home');
  mkdirSync(home);
  first = join(temp, 'bin-fastish');
  const npmTree = checkout(join(temp, 'checkout-npm'));
  const cdkTree = checkout(join(temp, 'checkout-cdk'));
  others = [
    { name: 'npm run synth (another checkout)', checkout: npmTree, outdir: join(npmTree, 'cdk.out') },
    { name: 'npx cdk synth (another checkout)', checkout: cdkTree, outdir: join(cdkTree, 'cdk.out') },
  ];
  results = await Promise.all([
    run(
      process.execPath,
      [join(ROOT, 'bin', 'fastish.js'), 'synth', '--config', EXAMPLE_CONFIG, '--out', first, '--json'],
      ROOT,
      home,
    ),
    run('npm', ['run', '--silent', 'synth'], npmTree, home),
    run('npx', ['--no', 'cdk', 'synth', '--quiet', '--no-notices'], cdkTree, home),
  ]);
}, 900_000);

afterAll(() => {
  if (temp) rmSync(temp, { recursive: true, force: true });
});

describe('hermetic synth of the example platform', () => {
  it('succeeds with no AWS credentials or AWS_* variables, through every entry point', () => {
    for (const r of results) expect(r.code, r.stderr).toBe(0);
  });

  it('writes a template for every stack of every environment', () => {
    const model = loadConfig(EXAMPLE_CONFIG);
    const expected = model.environments.flatMap((e) =>
      ['bootstrap', ...e.architectures].map((a) => e.naming.stackName(a)),
    );
    const summary = JSON.parse(results[0]?.stdout ?? '{}') as {
      stacks: { stack: string; templateFile: string }[];
    };
    expect(summary.stacks.map((s) => s.stack)).toEqual(expect.arrayContaining(expected));
    const templates = new Set(filesOf(first).filter((f) => f.endsWith('.template.json')));
    for (const s of summary.stacks)
      expect(templates.has(relative(first, s.templateFile)), s.stack).toBe(true);
  });

  it('is byte-identical across checkout directories and entry points (every file of the assembly)', () => {
    const files = filesOf(first);
    expect(files).toContain('manifest.json');
    for (const other of others) {
      expect(
        filesOf(other.outdir).filter((f) => f !== VALIDATION_REPORT),
        other.name,
      ).toEqual(files);
      for (const f of files) {
        const same = readFileSync(join(other.outdir, f)).equals(readFileSync(join(first, f)));
        expect(same, `${other.name}: ${f}`).toBe(true);
      }
    }
  });

  it('embeds no path of the machine it was synthesized on', () => {
    const places = [ROOT, temp, ...others.map((o) => o.checkout)];
    for (const [dir, f] of [
      ...filesOf(first).map((f) => [first, f]),
      ...others.map((o) => [o.outdir, VALIDATION_REPORT]),
    ] as const) {
      const path = join(dir, f);
      if (!existsSync(path)) continue;
      const text = readFileSync(path, 'latin1');
      for (const place of places) expect(text.includes(place), `${f} mentions ${place}`).toBe(false);
    }
  });
});
