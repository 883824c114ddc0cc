import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlanCommand } from '../../src/cli/commands/plan';
import { main } from '../../src/cli/main';
import { loadSource, type PlanReport, planAssemblies } from '../../src/release/plan';
import { synthWorkingTree } from '../../src/release/synth';
import { fixtureAssembly, removeFixtureAssemblies } from './plan-fixtures';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

let base: string;
let replaced: string;
afterAll(removeFixtureAssemblies);
beforeAll(() => {
  base = fixtureAssembly();
  replaced = fixtureAssembly({ tableKey: 'tenant_id', extraActions: ['sqs:DeleteMessage'] });
});

describe('fastish plan (assembly directories)', () => {
  it('exits 1 on a stateful replacement and prints the loud warning', async () => {
    const c = capture();
    expect(await runPlanCommand(['--base', base, '--head', replaced], c.io)).toBe(1);
    const text = c.out.join('');
    expect(text).toContain('! REPLACE');
    expect(text).toContain('STATEFUL RESOURCE(S) WOULD BE REPLACED, DELETED OR ORPHANED');
  });

  it('exits 0 with --allow-replace', async () => {
    const c = capture();
    expect(await runPlanCommand(['--base', base, '--head', replaced, '--allow-replace'], c.io)).toBe(0);
  });

  it('--json is machine-readable', async () => {
    const c = capture();
    expect(await runPlanCommand(['--base', base, '--head', replaced, '--json'], c.io)).toBe(1);
    const report = JSON.parse(c.out.join('')) as PlanReport;
    expect(report.blocked).toBe(true);
    expect(report.hazards.map((h) => h.type)).toEqual(['AWS::DynamoDB::Table']);
  });

  it('rejects unknown options with the usage', async () => {
    const c = capture();
    expect(await main(['plan', '--bogus'], c.io)).toBe(2);
    expect(c.err.join('')).toContain('fastish plan [--base');
  });
});

describe('fastish plan (synthesized sides)', () => {
  it('synthesizes the working tree (head) and diffs it against an assembly of the same config', async () => {
    const config = resolve('test/release/fixtures/release.yaml');
    const dir = mkdtempSync(join(tmpdir(), 'fastish-plan-same-'));
    synthWorkingTree(config, dir);
    const c = capture();
    expect(await runPlanCommand(['--base', dir, '--config', config], c.io)).toBe(0);
    expect(c.out.join('')).toMatch(
      /Stack dev\/operator\/bootstrap \(acme-dev-bootstrap, aws:\/\/222222222222\/eu-west-1\): no changes/,
    );
    expect(c.err.join('')).toContain('› head: synthesizing the working tree');
  });

  it('a git ref is exported and synthesized with its own code and its own copy of the config', () => {
    const repo = mkdtempSync(join(tmpdir(), 'fastish-plan-repo-'));
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo });
    git('init', '-q');
    symlinkSync(resolve('node_modules'), join(repo, 'node_modules'), 'dir');
    writeFileSync(join(repo, '.gitignore'), 'node_modules\n');
    writeFileSync(join(repo, 'cdk.json'), JSON.stringify({ app: 'node app.js' }));
    // A tiny app that reads the config named by its context, like src/app/main.ts.
    writeFileSync(
      join(repo, 'app.js'),
      `const { App, Stack, CfnResource } = require('aws-cdk-lib');
const fs = require('node:fs');
const app = new App();
const key = fs.readFileSync(app.node.tryGetContext('fastish-config'), 'utf8').trim();
const stack = new Stack(app, 'data', { env: { account: '222222222222', region: 'eu-west-1' } });
new CfnResource(stack, 'Table', { type: 'AWS::DynamoDB::Table', properties: {
  KeySchema: [{ AttributeName: key, KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }] } });
app.synth();`,
    );
    writeFileSync(join(repo, 'key.txt'), 'pk');
    git('add', '.');
    git('commit', '-q', '-m', 'base');
    writeFileSync(join(repo, 'key.txt'), 'tenant_id'); // uncommitted: must not leak into the base

    const stacks = loadSource(
      { kind: 'git', ref: 'HEAD' },
      { repoRoot: repo, configPath: join(repo, 'key.txt'), synthWorkingTree: () => {} },
    );
    expect(stacks.map((s) => s.id)).toEqual(['data']);
    const table = Object.values(stacks[0]?.template.Resources ?? {})[0];
    expect(table?.Properties?.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }]);
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: repo }).toString()).toBe(' M key.txt\n');
  });

  it('a clean tree plans to no changes, Lambda bundles included (node_modules reached through a link)', () => {
    // A repository like this one: a real node_modules directory (a package of its own, the rest linked),
    // an app bundling a handler with Fastish's bundler. The base is exported with node_modules linked
    // back to it, so esbuild sees the package at another path than in the working tree.
    const repo = mkdtempSync(join(tmpdir(), 'fastish-plan-clean-'));
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo });
    git('init', '-q');
    mkdirSync(join(repo, 'node_modules', 'greet'), { recursive: true });
    writeFileSync(join(repo, 'node_modules', 'greet', 'index.js'), "exports.greet = (n) => 'hi ' + n;\n");
    for (const pkg of ['aws-cdk-lib', 'constructs', 'tsx']) {
      symlinkSync(resolve('node_modules', pkg), join(repo, 'node_modules', pkg), 'dir');
    }
    writeFileSync(join(repo, '.gitignore'), 'node_modules\n');
    writeFileSync(join(repo, 'cdk.json'), JSON.stringify({ app: 'node app.js' }));
    writeFileSync(
      join(repo, 'handler.ts'),
      "import { greet } from 'greet';\nexport const handler = async () => greet('tenant');\n",
    );
    writeFileSync(
      join(repo, 'app.js'),
      `require('tsx/cjs');
const path = require('node:path');
const { App, Stack } = require('aws-cdk-lib');
const lambda = require('aws-cdk-lib/aws-lambda');
const { bundleHandler } = require(${JSON.stringify(resolve('src/constructs/webapp/handler-bundle.ts'))});
const app = new App();
const stack = new Stack(app, 'api', { env: { account: '222222222222', region: 'eu-west-1' } });
new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler',
  code: lambda.Code.fromAsset(bundleHandler({ entry: path.join(__dirname, 'handler.ts'), projectRoot: __dirname })) });
app.synth();`,
    );
    git('add', '.');
    git('commit', '-q', '-m', 'clean');
    const ctx = {
      repoRoot: repo,
      configPath: join(repo, 'cdk.json'),
      synthWorkingTree: (_config: string, outdir: string) => {
        execFileSync(process.execPath, ['app.js'], {
          cwd: repo,
          env: { ...process.env, CDK_OUTDIR: outdir },
        });
      },
    };
    const report = planAssemblies(
      loadSource({ kind: 'git', ref: 'HEAD' }, ctx),
      loadSource({ kind: 'working-tree' }, ctx),
    );
    expect(report.stacks.map((s) => [s.id, s.status, s.resources.map((r) => r.logicalId)])).toEqual([
      ['api', 'unchanged', []],
    ]);
    rmSync(repo, { recursive: true, force: true });
  });

  it('an unknown git ref is a clear error', async () => {
    const c = capture();
    await expect(runPlanCommand(['--base', 'no-such-ref-xyz', '--head', base], c.io)).rejects.toThrow(
      /git rev-parse --verify --quiet no-such-ref-xyz/,
    );
  });
});
