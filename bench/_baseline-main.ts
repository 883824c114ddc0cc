/**
 * The baselines of `bench/run.ts`'s command rows: the same work as Fastish's commands minus Fastish's,
 * launched the same way (npm, then tsx), for a bare `cdk.App` with one empty `Stack`.
 *
 *   synth --out <dir>   synthesize, then cdk-nag (AwsSolutions + Serverless) and aws-cdk-lib's
 *                       CloudFormation template validation on the stack: `fastish synth`'s gates
 *   plan                synthesize two such apps at once (one in a child process, as `fastish plan`
 *                       synthesizes its base) and diff their templates with @aws-cdk/cloudformation-diff
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function synthBare(outdir: string): { template: string; stack: import('aws-cdk-lib').Stack } {
  const { App, Stack } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  mkdirSync(outdir, { recursive: true });
  const app = new App({ outdir, analyticsReporting: false, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Empty', { env: { account: '111111111111', region: 'eu-west-1' } });
  const template = app.synth().getStackArtifact(stack.artifactId).templateFullPath;
  return { template, stack };
}

function gates(stack: import('aws-cdk-lib').Stack, template: string): number {
  const { CloudFormationValidatePlugin } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  const { AwsSolutionsChecks, ServerlessChecks } = require('cdk-nag') as typeof import('cdk-nag');
  let findings = 0;
  for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
    findings += pack.validateScope(stack).violations.length;
  }
  const report = new CloudFormationValidatePlugin().validate({
    templatePaths: [template],
    stackTemplates: [
      {
        stackConstructPath: stack.node.path,
        templatePath: template,
        accountId: stack.account,
        region: stack.region,
      },
    ],
  } as Parameters<InstanceType<typeof CloudFormationValidatePlugin>['validate']>[0]);
  return findings + report.violations.length;
}

async function plan(): Promise<void> {
  const base = mkdtempSync(join(tmpdir(), 'fastish-baseline-base-'));
  const head = mkdtempSync(join(tmpdir(), 'fastish-baseline-head-'));
  try {
    const other = new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [...process.execArgv, __filename, 'synth-only', '--out', base], {
        stdio: 'inherit',
      });
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`base synth exit ${code}`))));
    });
    const here = synthBare(head).template;
    await other;
    const { fullDiff } =
      require('@aws-cdk/cloudformation-diff') as typeof import('@aws-cdk/cloudformation-diff');
    const diff = fullDiff(
      JSON.parse(readFileSync(join(base, 'Empty.template.json'), 'utf8')),
      JSON.parse(readFileSync(here, 'utf8')),
    );
    process.stdout.write(`baseline plan: ${diff.differenceCount} differences\n`);
  } finally {
    rmSync(base, { recursive: true, force: true });
    rmSync(head, { recursive: true, force: true });
  }
}

const [mode, flag, out] = process.argv.slice(2);
const outdir = flag === '--out' && out ? out : mkdtempSync(join(tmpdir(), 'fastish-baseline-'));
if (mode === 'synth') {
  const { stack, template } = synthBare(outdir);
  process.stdout.write(`baseline synth: ${gates(stack, template)} findings\n`);
} else if (mode === 'synth-only') {
  synthBare(outdir);
} else if (mode === 'plan') {
  plan().catch((err) => {
    process.stderr.write(`${(err as Error).stack}\n`);
    process.exitCode = 1;
  });
} else {
  process.stderr.write('usage: _baseline-main.ts synth|plan [--out <dir>]\n');
  process.exitCode = 2;
}
