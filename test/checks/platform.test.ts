import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPlatform, type Platform } from '../../src/app/platform';
import { MIN_REASON_LENGTH } from '../../src/checks/acknowledgements';
import { runNag } from '../../src/checks/nag';
import { type CheckReport, runChecks } from '../../src/checks/run';
import { exampleModel } from './example';

let platform: Platform;
let report: CheckReport;
beforeAll(async () => {
  platform = buildPlatform(exampleModel());
  report = await runChecks(platform);
});

describe('the example platform (examples/fastish.yaml) under every gate', () => {
  it('has zero unacknowledged findings (cdk-nag AwsSolutions + Serverless, Fastish rules)', () => {
    const blocking = report.findings
      .filter((f) => f.blocking)
      .map((f) => `${f.stack} ${f.ruleId} ${f.path}: ${f.message}`);
    expect(blocking).toEqual([]);
    expect(report.blocking).toBe(0);
  });

  it('checked every stack of every environment', () => {
    expect(report.stacks.map((s) => s.stack)).toEqual(platform.stacks.map((s) => s.stackName));
    expect(report.stacks.map((s) => s.stack)).toEqual(
      expect.arrayContaining(['acme-dev-bootstrap', 'acme-prod-bootstrap']),
    );
    for (const s of report.stacks) expect(s.resources).toBeGreaterThan(0);
  });

  it('every acknowledgement carries a specific reason', () => {
    const acked = report.findings.filter((f) => f.acknowledged);
    expect(acked.length).toBeGreaterThan(0);
    for (const f of acked)
      expect(f.acknowledged?.reason.trim().length ?? 0).toBeGreaterThanOrEqual(MIN_REASON_LENGTH);
  });

  it('reports acknowledged Fastish findings from template metadata with their construct path', () => {
    const exec = report.findings.find(
      (f) =>
        f.stack === 'acme-prod-bootstrap' &&
        f.ruleId === 'FST-IAM1' &&
        f.path.endsWith('Roles/ExecutionPolicy/Resource'),
    );
    expect(exec?.acknowledged?.reason).toMatch(/CloudFormation execution role/);
    expect(exec?.logicalId).toMatch(/^RolesExecutionPolicy/);
  });

  it('reports exactly the violations cdk-nag itself reports as unacknowledged', () => {
    for (const stack of platform.stacks) {
      const ours = runNag(stack).filter((f) => !f.acknowledged);
      const theirs = [new AwsSolutionsChecks(), new ServerlessChecks()].flatMap((p) =>
        p
          .validateScope(stack)
          .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath}`)),
      );
      expect(ours.map((f) => `${f.ruleId} ${f.path}`).sort()).toEqual(theirs.sort());
      expect(runNag(stack).filter((f) => f.acknowledged).length).toBeGreaterThan(0);
    }
  });
});
