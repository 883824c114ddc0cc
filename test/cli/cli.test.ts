import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARCHITECTURE_FACTORIES, type ArchitectureFactory } from '../../src/app/architectures';
import { COMMANDS } from '../../src/cli/commands';
import { main } from '../../src/cli/main';
import { EnvironmentStack } from '../../src/stacks/environment-stack';
import { EXAMPLE_CONFIG } from '../checks/example';

const ROOT = join(__dirname, '..', '..');

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

async function run(...argv: string[]) {
  const c = capture();
  const code = await main(argv, c.io);
  return { code, out: c.out(), err: c.err() };
}

let dir: string;
let starter: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fastish-cli-'));
  starter = join(dir, 'fastish.yaml');
  expect((await run('init', '--out', starter)).code).toBe(0);
});

const BAD = `organization:
  name: Acme
  domain: acme.example.com
  platformTeam: platform
teams:
  platform: { costCenter: CC-1 }
environments:
  prod:
    account: 12
    region: us-east-9
    availabilityZones: [us-east-1a, us-east-1b]
`;

describe('fastish (CLI)', () => {
  it('without a command prints the commands and exits 2; --help exits 0', async () => {
    const none = await run();
    expect(none.code).toBe(2);
    for (const name of Object.keys(COMMANDS)) expect(none.out).toContain(`  ${name}`);
    expect((await run('--help')).code).toBe(0);
  });

  it('rejects an unknown command and an unknown option with exit 2 and usage', async () => {
    const unknown = await run('deploi');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('unknown command "deploi"');
    const option = await run('validate', '--bogus');
    expect(option.code).toBe(2);
    expect(option.err).toMatch(/Unknown option '--bogus'[\s\S]*fastish validate \[--config/);
  });

  it('<command> --help prints that command’s usage', async () => {
    const help = await run('check', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('fastish check [--config <file>]');
  });

  it('validate: prints the environments and their stacks', async () => {
    const r = await run('validate', '--config', EXAMPLE_CONFIG);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/valid \(3 teams, 2 environments\)/);
    expect(r.out).toMatch(/prod\s+333333333333\s+eu-west-1\s+required/);
    const json = JSON.parse((await run('validate', '-c', EXAMPLE_CONFIG, '--json')).out);
    expect(json.valid).toBe(true);
    expect(json.environments[1].stacks).toContain('acme-prod-bootstrap');
  });

  it('validate: prints every config error (path, value, accepted) and exits 2 without a stack trace', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, BAD);
    const r = await run('validate', '--config', bad);
    expect(r.code).toBe(2);
    expect(r.err).toContain('  organization.name: "Acme" organization name must be lowercase');
    expect(r.err).toContain('  environments.prod.account: 12 must be a 12-digit AWS account id');
    expect(r.err).toContain('  environments.prod.region: "us-east-9" is not an AWS region');
    expect(r.err).not.toMatch(/\n\s+at /);
    const json = await run('validate', '--config', bad, '--json');
    expect(json.code).toBe(2);
    expect(JSON.parse(json.out).issues.map((i: { path: string }) => i.path)).toContain(
      'environments.prod.region',
    );
  });

  it('validate: a missing file is a config error naming the file', async () => {
    const r = await run('validate', '--config', join(dir, 'nope.yaml'));
    expect(r.code).toBe(2);
    expect(r.err).toContain(`  (file): "${join(dir, 'nope.yaml')}" cannot be read: does not exist`);
  });

  it('init: writes a commented starter that validates, and refuses to overwrite without --force', async () => {
    const text = readFileSync(starter, 'utf8');
    expect(text).toMatch(/^# yaml-language-server: \$schema=.*schema\/fastish\.schema\.json/);
    expect(text.split('\n').filter((l) => l.trim().startsWith('#')).length).toBeGreaterThan(8);
    expect((await run('validate', '--config', starter)).code).toBe(0);
    const again = await run('init', '--out', starter);
    expect(again.code).toBe(2);
    expect(again.err).toContain('--force');
    expect((await run('init', '--out', starter, '--force')).code).toBe(0);
  });

  it('docs --check: the committed generated docs are current', async () => {
    expect((await run('docs', '--check')).code).toBe(0);
  });

  it('synth: writes the cloud assembly and prints one row per stack, progress on stderr', async () => {
    const out = join(dir, 'assembly');
    const r = await run('synth', '--config', starter, '--out', out);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/stack\s+resources\s+outputs\s+template bytes\s+findings/);
    expect(r.out).toMatch(/example-dev-bootstrap\s+\d+\s+\d+\s+\d+\s+0/);
    expect(r.err).toMatch(/› synthesizing 2 stacks/);
    expect(r.out).toMatch(/example-dev-teams\s+\d+\s+\d+\s+\d+\s+0/);
    expect(existsSync(join(out, 'manifest.json'))).toBe(true);
    const json = JSON.parse((await run('synth', '--config', starter, '--out', out, '--json')).out);
    expect(json.stacks[0]).toMatchObject({ stack: 'example-dev-bootstrap', findings: 0 });
    expect(json.stacks[0].templateBytes).toBeGreaterThan(1000);
  });

  it('check: passes (exit 0) on a clean platform and lists acknowledgements on request', async () => {
    const r = await run('check', '--config', starter, '--acknowledged');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/PASS: 0 unacknowledged findings/);
    expect(r.out).toMatch(/ack\s+example-dev-bootstrap\s+FST-IAM1/);
  });

  describe('check on a platform with a deliberate finding', () => {
    const original = ARCHITECTURE_FACTORIES.webapp;
    beforeAll(() => {
      const bad: ArchitectureFactory = ({ scope, platform, environment }) => {
        const stack = new EnvironmentStack(scope, 'webapp', {
          platform,
          environment,
          architecture: 'webapp',
        });
        new logs.LogGroup(stack, 'Plain', { removalPolicy: RemovalPolicy.DESTROY });
        return stack;
      };
      ARCHITECTURE_FACTORIES.webapp = bad;
    });
    afterAll(() => {
      ARCHITECTURE_FACTORIES.webapp = original;
    });

    it('exits 1 and names stack, rule and construct path; --json carries the typed report', async () => {
      const config = join(dir, 'with-webapp.yaml');
      writeFileSync(
        config,
        readFileSync(starter, 'utf8').replace('architectures: []', 'architectures: [webapp]'),
      );
      const r = await run('check', '--config', config);
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/FAIL\s+example-dev-webapp\s+FST-DATA1\s+dev\/webapp\/Plain\/Resource/);
      expect(r.out).toMatch(/FAIL\s+example-dev-webapp\s+FST-DATA2/);
      expect(r.out).toMatch(/FAIL: \d+ unacknowledged findings/);
      const json = await run('check', '--config', config, '--json');
      expect(json.code).toBe(1);
      const report = JSON.parse(json.out);
      expect(report.blocking).toBeGreaterThanOrEqual(2);
      expect(report.findings).toContainEqual(
        expect.objectContaining({
          source: 'fastish',
          stack: 'example-dev-webapp',
          ruleId: 'FST-DATA2',
          blocking: true,
        }),
      );
    });
  });

  it('an unexpected error is one line plus a hint, exit 1', async () => {
    const c = capture();
    const code = await main(['boom'], c.io, {
      boom: {
        summary: 'fails',
        run: async () => {
          throw new Error('the first line\nsecond line\nthird line');
        },
      },
    });
    expect(code).toBe(1);
    expect(c.err()).toBe(
      'fastish: error: the first line (+2 more lines)\nhint: rerun with FASTISH_DEBUG=1 for the full message and stack trace\n',
    );
  });

  it('bin/fastish.js runs the CLI through tsx (works after npm ci, no build step)', () => {
    const ok = spawnSync(
      process.execPath,
      [join(ROOT, 'bin', 'fastish.js'), 'validate', '--config', EXAMPLE_CONFIG],
      {
        encoding: 'utf8',
      },
    );
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('valid (3 teams, 2 environments)');
    const bad = join(dir, 'bad-bin.yaml');
    writeFileSync(bad, BAD);
    const fail = spawnSync(process.execPath, [join(ROOT, 'bin', 'fastish.js'), 'validate', '--config', bad], {
      encoding: 'utf8',
    });
    expect(fail.status).toBe(2);
    expect(fail.stderr).toContain('environments.prod.region: "us-east-9"');
    expect(fail.stderr).not.toMatch(/\n\s+at /);
  });
});
