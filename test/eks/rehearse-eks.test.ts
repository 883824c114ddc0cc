/**
 * The deploy rehearsal of an EKS-only platform: the calls the EKS review fixes add (the system node group's
 * Bottlerocket release read from SSM by CloudFormation, External Secrets through namespace-restricted
 * ClusterSecretStores) are authorized, and break when the permission they need is taken away.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import '../../src/stacks/register';
import { type RehearsalReport, type RehearsalStack, rehearseAssembly } from '../../src/rehearse';
import { dropAction, mutate, synthesizeStacks } from '../rehearse/fixture';
import { eksPlatform } from './fixture';

const ZONE = { hostedZone: 'apps.acme.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' };
const GRAFANA = {
  prometheusUrl: 'https://prometheus-prod-01-eu-west-0.grafana.net/api/prom/push',
  lokiUrl: 'https://logs-prod-eu-west-0.grafana.net/loki/api/v1/push',
};

let stacks: RehearsalStack[];
let report: RehearsalReport;

const callsOf = (r: RehearsalReport, phase: string) => r.phases.find((p) => p.name === phase)?.calls ?? [];
/**
 * CloudFormation resolving the node group's `{{resolve:ssm:...}}` release. The public parameter's ARN has no
 * account, which the evaluator cannot match to a resource type, so the call is evaluated on `*`.
 */
const bottlerocketRead = (r: RehearsalReport) =>
  callsOf(r, 'deploy').filter(
    (c) => c.action === 'ssm:GetParameters' && c.step.includes('(AWS::EKS::Nodegroup)'),
  );

beforeAll(async () => {
  stacks = synthesizeStacks(eksPlatform({ ...ZONE, grafanaCloud: GRAFANA }));
  report = await rehearseAssembly(stacks);
}, 600_000);

describe('rehearsal of the EKS platform', () => {
  it('authorizes every call of the deploy and of the running platform', () => {
    for (const phase of report.phases) {
      const denied = phase.calls.filter((c) => !c.allowed).map((c) => `${c.step}: ${c.action} ${c.reason}`);
      expect(denied, phase.name).toEqual([]);
      expect(phase.findings.filter((f) => f.blocking).map((f) => `${f.step}: ${f.problem}`)).toEqual([]);
    }
  });

  it('has CloudFormation read the pinned Bottlerocket release as the execution role, allowed', () => {
    const reads = bottlerocketRead(report);
    expect(reads).toHaveLength(1);
    expect(reads[0]?.principal).toMatch(/-cfn-exec-/);
    expect(reads[0]?.allowed).toBe(true);
  });

  it('is refused when the execution role may not read SSM parameters', async () => {
    const broken = mutate(stacks, 'acme-prod-bootstrap', (res) => dropAction(res, 'ssm:*'));
    const r = await rehearseAssembly(broken, { environments: ['prod'] });
    const reads = bottlerocketRead(r);
    expect(reads.length).toBe(1);
    expect(reads[0]?.allowed).toBe(false);
  });
});
