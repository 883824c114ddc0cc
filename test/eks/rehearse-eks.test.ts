/**
 * The deploy rehearsal of an EKS-only platform: the calls the EKS review fixes add (the system node group's
 * Bottlerocket release read from SSM by CloudFormation, External Secrets through namespace-restricted
 * ClusterSecretStores) are authorized, and break when the permission they need is taken away.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type RehearsalReport, type RehearsalStack, rehearseAssembly } from '../../src/rehearse';
import { authorize, type Call } from '../../src/rehearse/calls';
import { distinctStacks } from '../../src/rehearse/context';
import { loadEvaluator } from '../../src/rehearse/evaluator';
import { World } from '../../src/rehearse/world';
import { dropAction, mutate, synthesizeStacks } from '../rehearse/fixture';
import { eksPlatform } from './fixture';

const ZONE = { hostedZone: 'apps.acme.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' };
const GRAFANA = {
  prometheusUrl: 'https://prometheus-prod-01-eu-west-0.grafana.net/api/prom/push',
  lokiUrl: 'https://logs-prod-eu-west-0.grafana.net/loki/api/v1/push',
};

let stacks: RehearsalStack[];
let report: RehearsalReport;
/** Every stack deployed: the roles and policies the must-deny paths are evaluated against. */
let world: World;
const roleArn = (suffix: string) => {
  const arn = [...world.roles.keys()].find((a) => a.includes(`:role/acme-prod-${suffix}-`));
  if (!arn) throw new Error(`no role acme-prod-${suffix}-*`);
  return arn;
};
async function allowed(call: Omit<Call, 'phase' | 'step'>): Promise<boolean> {
  return (await authorize(world, await loadEvaluator(), { phase: 'runtime', step: 'must-deny', ...call }))
    .allowed;
}

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
  world = new World();
  for (const s of distinctStacks(stacks)) world.deploy(s);
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

describe('cert-manager DNS-01 role', () => {
  const txt = (zoneId: string) => ({
    action: 'route53:ChangeResourceRecordSets',
    resource: `arn:aws:route53:::hostedzone/${zoneId}`,
    context: {
      'route53:ChangeResourceRecordSetsActions': ['UPSERT'],
      'route53:ChangeResourceRecordSetsRecordTypes': ['TXT'],
      'route53:ChangeResourceRecordSetsNormalizedRecordNames': [`_acme-challenge.${ZONE.hostedZone}`],
    },
  });

  it('may change records in the configured zone', async () => {
    expect(await allowed({ principal: roleArn('eks-cert-manager'), ...txt(ZONE.hostedZoneId) })).toBe(true);
  });

  it('may not change records in any other zone', async () => {
    expect(await allowed({ principal: roleArn('eks-cert-manager'), ...txt('Z9999999999OTHERZONE') })).toBe(
      false,
    );
  });
});
