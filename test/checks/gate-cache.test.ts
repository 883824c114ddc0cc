import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CfnDeletionPolicy, Stage, Validations } from 'aws-cdk-lib';
import { CfnQueue } from 'aws-cdk-lib/aws-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPlatform, createApp, type Platform } from '../../src/app/platform';
import { GateCache, gateSourceFiles } from '../../src/checks/gate-cache';
import { type CheckReport, runChecks } from '../../src/checks/run';
import { EnvironmentStack } from '../../src/stacks/environment-stack';
import { bootstrapOnlyModel, exampleModel } from './example';

const dirs: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** What a report says, without where its assembly was written. */
const findingsOf = (r: CheckReport) => JSON.stringify(r.findings);
const summaryOf = (r: CheckReport) => JSON.stringify(r.stacks.map(({ templateFile: _f, ...s }) => s));

describe('gate cache on the example platform: cached, uncached and in-process gates agree', () => {
  it('reports the same findings from the child validator, the in-process validator and the cache', async () => {
    const cache = new GateCache(tempDir('fastish-gates-'));
    const platform = buildPlatform(exampleModel(), createApp({ outdir: tempDir('fastish-gc-a-') }));
    const inProcess = await runChecks(platform, { validator: 'in-process' });
    const child = await runChecks(platform, { cache });
    expect(child.cached).toBe(0);
    expect(readdirSync(cache.dir).filter((f) => f.endsWith('.json'))).toHaveLength(platform.stacks.length);
    // A fresh build (another outdir, as another process would write) is answered from the cache.
    const again = buildPlatform(exampleModel(), createApp({ outdir: tempDir('fastish-gc-b-') }));
    const cached = await runChecks(again, { cache });
    expect(cached.cached).toBe(again.stacks.length);

    expect(inProcess.findings.length).toBeGreaterThan(0);
    expect(inProcess.findings.some((f) => f.source === 'cloudformation')).toBe(true);
    expect(findingsOf(child)).toBe(findingsOf(inProcess));
    expect(findingsOf(cached)).toBe(findingsOf(inProcess));
    expect(summaryOf(cached)).toBe(summaryOf(inProcess));
  });
});

interface SubjectOptions {
  /** A queue CloudFormation deletes with the stack, without a KMS key: FST-DATA1. */
  readonly unsafeQueue?: boolean;
  /** Acknowledge cdk-nag's SQS3 (no dead-letter queue) on the queue: metadata only, same template. */
  readonly acknowledgeDlq?: boolean;
}

/**
 * One small Fastish stack (the example's dev environment) holding one queue, an L1 resource: its
 * properties reach the template only, not the assembly metadata (L2 constructs also record their props
 * there), so a change of properties is a change of the template alone.
 */
function subject(options: SubjectOptions = {}): Platform {
  const model = bootstrapOnlyModel();
  const env = model.environments.find((e) => e.name === 'dev') ?? model.environments[0];
  if (!env) throw new Error('the example has no environment');
  const app = createApp({ outdir: tempDir('fastish-gc-subject-') });
  const stage = new Stage(app, env.name, { env: { account: env.account, region: env.region } });
  const stack = new EnvironmentStack(stage, 'subject', {
    platform: model,
    environment: env,
    architecture: 'subject',
  });
  const queue = new CfnQueue(stack, 'Jobs', {
    visibilityTimeout: 30,
    ...(options.unsafeQueue ? {} : { kmsMasterKeyId: 'alias/aws/sqs' }),
  });
  const policy = options.unsafeQueue ? CfnDeletionPolicy.DELETE : CfnDeletionPolicy.RETAIN;
  queue.cfnOptions.deletionPolicy = policy;
  queue.cfnOptions.updateReplacePolicy = policy;
  if (options.acknowledgeDlq) {
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'A fixture queue whose messages are dropped on purpose after their retries.',
    });
  }
  return { app, environments: new Map(), stacks: [stack] };
}

const FAST = { templates: false } as const; // the template validation is covered above; keys are what is tested here

describe('gate cache keys: a change to what the gates read is checked again', () => {
  it('answers an unchanged stack from the cache with the findings it had', async () => {
    const cache = new GateCache(tempDir('fastish-gates-'));
    const first = await runChecks(subject(), { ...FAST, cache });
    const second = await runChecks(subject(), { ...FAST, cache });
    expect([first.cached, second.cached]).toEqual([0, 1]);
    expect(findingsOf(second)).toBe(findingsOf(first));
  });

  it('checks a changed template again: the new findings are reported, not the cached ones', async () => {
    const cache = new GateCache(tempDir('fastish-gates-'));
    const safe = await runChecks(subject(), { ...FAST, cache });
    expect(safe.findings.some((f) => f.ruleId === 'FST-DATA1')).toBe(false);
    const changed = await runChecks(subject({ unsafeQueue: true }), { ...FAST, cache });
    expect(changed.cached).toBe(0);
    expect(changed.findings.filter((f) => f.blocking).map((f) => f.ruleId)).toContain('FST-DATA1');
    expect(findingsOf(changed)).toBe(findingsOf(await runChecks(subject({ unsafeQueue: true }), FAST)));
  });

  it('checks again when only an acknowledgement changed (assembly metadata, same template)', async () => {
    const cache = new GateCache(tempDir('fastish-gates-'));
    const plain = await runChecks(subject(), { ...FAST, cache });
    const dlq = plain.findings.find((f) => f.ruleId === 'AwsSolutions-SQS3');
    expect(dlq?.blocking).toBe(true);
    const acked = await runChecks(subject({ acknowledgeDlq: true }), { ...FAST, cache });
    expect(acked.cached).toBe(0);
    const now = acked.findings.find((f) => f.ruleId === 'AwsSolutions-SQS3');
    expect(now?.acknowledged?.reason).toMatch(/dropped on purpose/);
    expect(now?.blocking).toBe(false);
  });

  it('checks again with other gate options (a run without cdk-nag is not a run with it)', async () => {
    const cache = new GateCache(tempDir('fastish-gates-'));
    await runChecks(subject(), { ...FAST, nag: false, cache });
    const withNag = await runChecks(subject(), { ...FAST, cache });
    expect(withNag.cached).toBe(0);
    expect(withNag.findings.some((f) => f.source === 'cdk-nag')).toBe(true);
  });

  it("keys the gates' code: every file the gates import, through relative imports", () => {
    const files = gateSourceFiles().map((f) => f.replace(/\\/g, '/'));
    expect(files.some((f) => f.endsWith('src/checks/rules/tag-coverage.ts'))).toBe(true);
    // Imported by rules from outside src/checks: a change there changes the findings too.
    expect(files.some((f) => f.endsWith('src/constructs/tagging.ts'))).toBe(true);
    expect(files.some((f) => f.endsWith('src/naming/limits.ts'))).toBe(true);
    expect(files.some((f) => f.endsWith('src/checks/resource-type-facts.json'))).toBe(true);
    // Type-only imports are not code that runs: the app is not part of the gates' version.
    expect(files.some((f) => f.includes('src/app/'))).toBe(false);
  });
});
