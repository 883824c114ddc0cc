import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
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
  };
}

interface ChildResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function synthInChild(outdir: string, home: string): Promise<ChildResult> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [join(ROOT, 'bin', 'fastish.js'), 'synth', '--config', EXAMPLE_CONFIG, '--out', outdir, '--json'],
      { cwd: ROOT, env: credentialFreeEnv(home), stdio: ['ignore', 'pipe', 'pipe'] },
    );
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

let first: string;
let second: string;
let results: ChildResult[];
beforeAll(async () => {
  const base = mkdtempSync(join(tmpdir(), 'fastish-hermetic-'));
  first = join(base, 'one');
  second = join(base, 'two');
  const home = mkdtempSync(join(tmpdir(), 'fastish-home-'));
  results = await Promise.all([synthInChild(first, home), synthInChild(second, home)]);
}, 900_000);

describe('hermetic synth of the example platform', () => {
  it('succeeds with no AWS credentials or AWS_* variables', () => {
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

  it('two synths are byte-identical (templates, asset manifests, assets, cloud assembly manifest)', () => {
    const files = filesOf(first).filter((f) => !f.endsWith('tree.json'));
    expect(filesOf(second).filter((f) => !f.endsWith('tree.json'))).toEqual(files);
    for (const f of files) {
      expect(readFileSync(join(second, f)).equals(readFileSync(join(first, f))), f).toBe(true);
    }
  });
});
