import { beforeAll, describe, expect, it } from 'vitest';
import type { PlatformModel } from '../../src/config';
import { type RehearsalReport, type RehearsalStack, rehearseAssembly } from '../../src/rehearse';
import { INLINE_TEMPLATE_LIMIT } from '../../src/rehearse/phases/toolkit';
import { bootstrapOnlyModel, exampleModel } from '../checks/example';
import { dropAction, mutate, synthesizeStacks } from './fixture';

const denied = (report: RehearsalReport, phase: string) =>
  report.phases.find((p) => p.name === phase)?.calls.filter((c) => !c.allowed) ?? [];
const blockers = (report: RehearsalReport, phase: string) =>
  report.phases.find((p) => p.name === phase)?.findings.filter((f) => f.blocking) ?? [];

let stacks: RehearsalStack[];
let report: RehearsalReport;

beforeAll(async () => {
  stacks = synthesizeStacks(exampleModel());
  report = await rehearseAssembly(stacks);
});

describe('rehearsal of the example platform', () => {
  it('authorizes every call of the first deploy (phases 1–3)', () => {
    for (const phase of ['bootstrap', 'deploy', 'pipeline']) {
      expect(denied(report, phase), phase).toEqual([]);
      expect(blockers(report, phase), phase).toEqual([]);
    }
  });

  it('replays each phase with the calls a first deploy makes', () => {
    const calls = (phase: string) => report.phases.find((p) => p.name === phase)?.calls ?? [];
    const has = (phase: string, action: string, principal: RegExp) =>
      calls(phase).some((c) => c.action === action && principal.test(c.principal));
    // 1: the operator creates the bootstrap and teams stacks itself.
    expect(has('bootstrap', 'cloudformation:CreateChangeSet', /role\/operator$/)).toBe(true);
    expect(has('bootstrap', 'iam:CreateRole', /role\/operator$/)).toBe(true);
    // 2: lookup, publishing, deploy and execution roles.
    expect(has('deploy', 'cloudformation:GetTemplate', /-lookup-/)).toBe(true);
    expect(has('deploy', 's3:PutObject', /-file-publishing-/)).toBe(true);
    expect(has('deploy', 'iam:PassRole', /-deploy-/)).toBe(true);
    expect(has('deploy', 'lambda:CreateFunction', /-cfn-exec-/)).toBe(true);
    // 3: source connection, cross-account stage reading the pipeline's artifacts.
    expect(has('pipeline', 'codeconnections:UseConnection', /SourceacmeplatformCodePipelineActionRol/)).toBe(
      true,
    );
    expect(
      calls('pipeline').some(
        (c) =>
          c.action === 's3:GetObject' &&
          c.principal.includes(':333333333333:') &&
          c.resource.includes('release-artifacts'),
      ),
    ).toBe(true);
  });

  it('never references the default CDK bootstrap roles', () => {
    for (const s of stacks) {
      for (const role of [
        s.assumeRoleArn,
        s.executionRoleArn,
        s.lookupRoleArn,
        ...s.assets.map((a) => a.assumeRoleArn),
      ]) {
        expect(role ?? '').not.toContain('cdk-hnb659fds');
      }
    }
  });
});

describe('mutations: breaking what a deploy needs makes the rehearsal fail and name the call', () => {
  it('phase 1: a bootstrap stack naming a deploy role (as BootstraplessSynthesizer did) cannot deploy', async () => {
    const broken = stacks.map((s) =>
      s.stackName === 'acme-dev-bootstrap'
        ? {
            ...s,
            assumeRoleArn: 'arn:aws:iam::222222222222:role/cdk-hnb659fds-deploy-role-222222222222-eu-west-1',
          }
        : s,
    );
    const r = await rehearseAssembly(broken, { environments: ['dev'] });
    const [first] = denied(r, 'bootstrap');
    expect(first).toMatchObject({
      action: 'sts:AssumeRole',
      resource: expect.stringContaining('cdk-hnb659fds'),
    });
    expect(first?.reason).toContain('does not exist');
  });

  it('phase 1: an inline bootstrap template over 51,200 bytes is a blocker', async () => {
    const broken = stacks.map((s) =>
      s.stackName === 'acme-dev-bootstrap' ? { ...s, templateBytes: 60_000 } : s,
    );
    const r = await rehearseAssembly(broken, { environments: ['dev'] });
    expect(
      blockers(r, 'bootstrap')
        .map((f) => f.problem)
        .join('\n'),
    ).toContain('inline limit');
  });

  it('phase 2: a lookup role without cloudformation:GetTemplate fails the diff', async () => {
    const broken = mutate(stacks, 'acme-dev-bootstrap', (res) =>
      dropAction(res, 'cloudformation:GetTemplate'),
    );
    const r = await rehearseAssembly(broken, { environments: ['dev'] });
    const calls = denied(r, 'deploy');
    expect(calls.length).toBeGreaterThan(0);
    expect(
      calls.every((c) => c.action === 'cloudformation:GetTemplate' && c.principal.includes('-lookup-')),
    ).toBe(true);
  });

  it('phase 2: an execution role without codestar-notifications cannot create the release stack', async () => {
    const broken = mutate(stacks, 'acme-dev-bootstrap', (res) => dropAction(res, 'codestar-notifications:*'));
    const r = await rehearseAssembly(broken, { environments: ['dev'] });
    expect(denied(r, 'deploy').map((c) => c.action)).toContain(
      'codestar-notifications:CreateNotificationRule',
    );
  });

  it('phase 3: a prod deploy role that cannot read the pipeline artifacts fails the cross-account stage', async () => {
    const broken = mutate(stacks, 'acme-prod-bootstrap', (res) => {
      for (const r of Object.values(res)) {
        const doc = r.Properties?.PolicyDocument as { Statement?: { Resource?: unknown }[] } | undefined;
        if (doc?.Statement)
          doc.Statement = doc.Statement.filter(
            (s) => !JSON.stringify(s.Resource).includes('release-artifacts'),
          );
      }
    });
    const r = await rehearseAssembly(broken);
    const calls = denied(r, 'pipeline');
    expect(calls.map((c) => `${c.action} ${c.principal.split(':')[4]}`)).toContain(
      's3:GetObject 333333333333',
    );
    expect(calls.every((c) => c.step.startsWith('prod/'))).toBe(true);
  });

  it('phase 3: a source action without codeconnections:UseConnection cannot fetch the source', async () => {
    const broken = mutate(stacks, 'acme-dev-release', (res) =>
      dropAction(res, 'codeconnections:UseConnection'),
    );
    const r = await rehearseAssembly(broken);
    expect(denied(r, 'pipeline').map((c) => c.action)).toEqual(['codeconnections:UseConnection']);
  });
});

describe('bootstrap template size', () => {
  it('keeps the inline bootstrap stack under 51,200 bytes with 20 teams; team roles are uploaded', () => {
    const base = bootstrapOnlyModel();
    const levels = ['admin', 'developer', 'read-only'] as const;
    const teams = Array.from({ length: 20 }, (_, i) => ({
      name: `team${i}`,
      costCenter: `CC-${i}`,
      contributors: levels.map((role) => ({
        principal: `arn:aws:iam::111111111111:role/T${i}-${role}`,
        role,
      })),
    }));
    const model = { ...base, teams: [...base.teams, ...teams] } as PlatformModel;
    const built = synthesizeStacks(model);
    const bootstrap = built.filter((s) => s.stackName.endsWith('-bootstrap'));
    expect(bootstrap.length).toBeGreaterThan(0);
    for (const s of bootstrap) {
      expect(s.templateUrl).toBeUndefined();
      expect(s.templateBytes).toBeLessThanOrEqual(INLINE_TEMPLATE_LIMIT);
    }
    const teamStacks = built.filter((s) => s.stackName.endsWith('-teams'));
    for (const s of teamStacks) {
      expect(s.templateUrl).toMatch(/^s3:\/\/fastish-.*-assets-/);
      expect(s.assumeRoleArn).toBeUndefined();
      expect(
        Object.values(s.template.Resources ?? {}).filter((r) => r.Type === 'AWS::IAM::Role').length,
      ).toBeGreaterThan(60);
    }
  });
});
