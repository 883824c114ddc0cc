import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildPlatform, createApp } from '../../src/app/platform';
import { loadConfig } from '../../src/config';
import { loadOptional } from '../../src/rehearse/evaluator';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'fastish.js');

function fastish(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

let dir: string;
let starter: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fastish-rehearse-cli-'));
  starter = join(dir, 'fastish.yaml');
  expect(fastish('init', '--out', starter).code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fastish rehearse (through bin/fastish.js)', () => {
  it('rehearses a config: every phase reported, 0 denied, exit 0, JSON for CI', () => {
    const r = fastish('rehearse', '--config', starter, '--json');
    expect(r.code, r.err).toBe(0);
    const report = JSON.parse(r.out) as { phases: { name: string; calls: unknown[] }[]; denied: number };
    expect(report.phases.map((p) => p.name)).toEqual(['bootstrap', 'deploy', 'pipeline', 'runtime']);
    expect(report.phases[0]?.calls.length).toBeGreaterThan(20);
    expect(report.denied).toBe(0);
  });

  it('rehearses an assembly (--app): a stack naming a role no account has fails with exit 1 and names the call', () => {
    const app = join(dir, 'cdk.out');
    buildPlatform(loadConfig(starter), createApp({ outdir: app })).app.synth();
    const manifest = join(app, 'assembly-dev', 'assembly-dev-operator', 'manifest.json');
    const m = JSON.parse(readFileSync(manifest, 'utf8'));
    const [id] =
      Object.entries(m.artifacts).find(
        ([, a]) => (a as { displayName?: string }).displayName === 'dev/operator/bootstrap',
      ) ?? [];
    m.artifacts[id as string].properties.assumeRoleArn =
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the manifest's partition placeholder
      'arn:${AWS::Partition}:iam::123456789012:role/cdk-hnb659fds-deploy-role-123456789012-us-east-1';
    writeFileSync(manifest, JSON.stringify(m));
    const r = fastish('rehearse', '--app', app);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/sts:AssumeRole\s+\S*role\/operator\s+\S*role\/cdk-hnb659fds-deploy-role/);
    expect(r.out).toContain('does not exist');
    expect(r.out).toContain('FAIL');
  });

  it('refuses --app with --config, and an unknown environment, as usage errors naming the file', () => {
    expect(fastish('rehearse', '--app', dir, '--config', starter).code).toBe(2);
    const r = fastish('rehearse', '--config', starter, '--env', 'nope');
    expect(r.code).toBe(2);
    expect(r.err).toContain(starter);
    expect(r.err).toContain('no environment "nope"');
  });
});

describe('the evaluator is optional (AGPL, not shipped)', () => {
  it('loads nothing for a package that is not installed', () => {
    expect(loadOptional('@cloud-copilot/not-a-real-package')).toBeUndefined();
  });

  it('without it, the command says what to install and why, exit 2', async () => {
    vi.resetModules();
    // As if the package were not installed: the loader finds nothing.
    vi.doMock('../../src/rehearse/evaluator', async (original) => {
      const actual = await original<typeof import('../../src/rehearse/evaluator')>();
      return {
        ...actual,
        loadEvaluator: async () => {
          throw new actual.EvaluatorMissingError();
        },
      };
    });
    const { rehearseCommand } = await import('../../src/cli/commands/rehearse');
    const err: string[] = [];
    const code = await rehearseCommand.run(['--app', join(dir, 'cdk.out')], {
      out: () => {},
      err: (t) => void err.push(t),
    });
    expect(code).toBe(2);
    expect(err.join('')).toContain('npm install --save-dev @cloud-copilot/iam-simulate');
    expect(err.join('')).toContain('AGPL-3.0');
    vi.doUnmock('../../src/rehearse/evaluator');
  });
});
