// biome-ignore-all lint/suspicious/noExplicitAny: tests mutate raw, untyped config data
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../src/cli/docs';
import { validateConfig } from '../../src/config';
import { type BadCase, errorOf, expectBadCase } from './bad-case';
import { validRaw } from './fixtures';

const druidEnv = (c: any) => (c.environments.prod.architectures = ['webapp', 'eks', 'druid']);
const tier = (name: string) => ({ name });
const kinesis = (name: string, stream: string) => ({ name, source: { type: 'kinesis', stream } });

/** §1 of issue 13: nothing the config says is silently changed or accepted beyond what AWS takes. */
const CASES: BadCase[] = [
  {
    name: 'VPC CIDR with host bits set',
    mutate: (c) => (c.defaults.eks = { vpcCidr: '10.20.30.0/16' }),
    path: 'defaults.eks.vpcCidr',
    value: '10.20.30.0/16',
    says: /has host bits set: as a \/16 it is the network 10\.20\.0\.0\/16; write 10\.20\.0\.0\/16/,
  },
  {
    name: 'public endpoint CIDR with host bits set',
    mutate: (c) => (c.environments.prod.overrides = { eks: { publicEndpointCidrs: ['203.0.113.7/24'] } }),
    path: 'environments.prod.overrides.eks.publicEndpointCidrs[0]',
    value: '203.0.113.7/24',
    says: /host bits set.*203\.0\.113\.0\/24/,
  },
  {
    name: 'Druid router CIDR with host bits set',
    mutate: (c) => (c.defaults.druid = { router: { allowedCidrs: ['10.1.2.3/8'] } }),
    path: 'defaults.druid.router.allowedCidrs[0]',
    value: '10.1.2.3/8',
    says: /host bits set.*10\.0\.0\.0\/8/,
  },
  {
    name: 'VPC CIDR larger than AWS allows',
    mutate: (c) => (c.defaults.eks = { vpcCidr: '10.0.0.0/8' }),
    path: 'defaults.eks.vpcCidr',
    value: '10.0.0.0/8',
    says: /prefix \/8; an AWS VPC block is \/16 .* to \/28/,
  },
  {
    name: 'zone letter beyond the region’s zones',
    mutate: (c) => (c.environments.prod.availabilityZones[2] = 'eu-west-1d'),
    path: 'environments.prod.availabilityZones[2]',
    value: 'eu-west-1d',
    says: /is not an availability zone of eu-west-1; its zones are eu-west-1a, eu-west-1b, eu-west-1c$/,
  },
  {
    name: 'zone letter a region skipped',
    mutate: (c) =>
      Object.assign(c.environments.dev, {
        region: 'us-east-2',
        availabilityZones: ['us-east-2a', 'us-east-2e'],
      }),
    path: 'environments.dev.availabilityZones[1]',
    value: 'us-east-2e',
    says: /its zones are us-east-2a, us-east-2b, us-east-2c/,
  },
  {
    name: 'system node group beyond the EKS node group limit',
    mutate: (c) => (c.defaults.eks = { systemNodes: { maxSize: 100_000 } }),
    path: 'defaults.eks.systemNodes.maxSize',
    value: 100_000,
    says: /must be at most 450 \(EKS: nodes per managed node group\)/,
  },
  {
    name: 'Karpenter CPU limit of 2^53',
    mutate: (c) => (c.environments.prod.overrides = { eks: { karpenterLimits: { cpu: 2 ** 53 - 1 } } }),
    path: 'environments.prod.overrides.eks.karpenterLimits.cpu',
    value: 2 ** 53 - 1,
    says: /must be at most 4480000 vCPU \(5000 nodes of 896 vCPUs\)/,
  },
  {
    name: 'GPU pool memory beyond any cluster',
    mutate: (c) => (c.defaults.eks = { nodePools: { gpu: { limits: { memoryGiB: 1e12 } } } }),
    path: 'defaults.eks.nodePools.gpu.limits.memoryGiB',
    value: 1e12,
    says: /must be at most 163840000 GiB/,
  },
  {
    name: 'team pod quota beyond a cluster',
    mutate: (c) => (c.defaults.eks = { teamQuota: { pods: 1_000_000 } }),
    path: 'defaults.eks.teamQuota.pods',
    value: 1_000_000,
    says: /at most 150000 \(pods per Kubernetes cluster\)/,
  },
  {
    name: 'team memory quota that is not a quantity',
    mutate: (c) => (c.defaults.eks = { teamQuota: { memory: 'lots' } }),
    path: 'defaults.eks.teamQuota.memory',
    value: 'lots',
    says: /not a Kubernetes quantity/,
  },
  {
    name: 'Druid broker memory beyond any instance',
    mutate: (c) => (c.defaults.druid = { broker: { memoryMiB: 2 ** 40 } }),
    path: 'defaults.druid.broker.memoryMiB',
    value: 2 ** 40,
    says: /at most 33554432 MiB \(the largest EC2 instance's memory\)/,
  },
  {
    name: 'Druid reading tasks beyond any stream',
    mutate: (c) => (c.defaults.druid = { datasources: [{ ...kinesis('a', 's'), taskCount: 1e9 }] }),
    path: 'defaults.druid.datasources[0].taskCount',
    value: 1e9,
    says: /at most 2400/,
  },
  {
    name: 'usage-plan quota beyond a 32-bit integer',
    mutate: (c) =>
      (c.defaults.webapp = {
        tiers: {
          basic: { rateLimit: 1, burstLimit: 1, quotaPerDay: 1e10 },
          standard: { rateLimit: 1, burstLimit: 1, quotaPerDay: 1 },
          premium: { rateLimit: 1, burstLimit: 1, quotaPerDay: 1 },
        },
      }),
    path: 'defaults.webapp.tiers.basic.quotaPerDay',
    value: 1e10,
    says: /at most 2147483647 \(API Gateway usage-plan quota\)/,
  },
  {
    name: 'two historical tiers with one name',
    mutate: (c) => {
      druidEnv(c);
      c.environments.prod.overrides = {
        druid: { historicalTiers: [tier('hot'), tier('cold'), tier('hot')] },
      };
    },
    path: 'environments.prod.overrides.druid.historicalTiers[2].name',
    value: 'hot',
    says: /is listed twice \(also at \[0\]\)/,
  },
  {
    name: 'two datasources with one name (in defaults)',
    mutate: (c) => (c.defaults.druid = { datasources: [kinesis('clicks', 'a'), kinesis('clicks', 'b')] }),
    path: 'defaults.druid.datasources[1].name',
    value: 'clicks',
    says: /is listed twice/,
  },
  {
    name: 'an instance type listed twice',
    mutate: (c) => (c.defaults.eks = { systemNodes: { instanceTypes: ['m7g.large', 'm7g.large'] } }),
    path: 'defaults.eks.systemNodes.instanceTypes[1]',
    value: 'm7g.large',
    says: /is listed twice/,
  },
  {
    name: 'a dimension listed twice, once as an object',
    mutate: (c) =>
      (c.defaults.druid = {
        datasources: [{ ...kinesis('a', 's'), dimensions: ['page', { name: 'page', type: 'long' }] }],
      }),
    path: 'defaults.druid.datasources[0].dimensions[1].name',
    value: 'page',
    says: /is listed twice/,
  },
  {
    name: 'more tags than fit beside Fastish’s own',
    mutate: (c) => (c.tags = Object.fromEntries(Array.from({ length: 41 }, (_, i) => [`k${i}`, 'v']))),
    path: 'tags',
    value: Object.fromEntries(Array.from({ length: 41 }, (_, i) => [`k${i}`, 'v'])),
    says: /has 41 tags; Fastish takes at most 40 \(AWS takes 50 tags per resource and Fastish adds up to 10/,
  },
  {
    name: 'tag keys and values too long to repeat on every resource',
    mutate: (c) =>
      (c.tags = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`k${i}`, 'v'.repeat(250)]))),
    path: 'tags',
    value: Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`k${i}`, 'v'.repeat(250)])),
    says: /has 2268 characters of tag keys and values; Fastish takes at most 1024/,
  },
  {
    name: 'tens of thousands of teams',
    mutate: (c) =>
      (c.teams = Object.fromEntries(
        Array.from({ length: 20_000 }, (_, i) => [`t${i}`, { costCenter: 'C' }]),
      )),
    path: 'teams',
    value: Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`t${i}`, { costCenter: 'C' }])),
    says: /has 20000 teams; Fastish takes at most 20 \(the teams stack's template grows/,
  },
  {
    name: 'more public endpoint CIDRs than EKS takes',
    mutate: (c) =>
      (c.defaults.eks = { publicEndpointCidrs: Array.from({ length: 41 }, (_, i) => `198.51.${i}.0/24`) }),
    path: 'defaults.eks.publicEndpointCidrs',
    value: Array.from({ length: 41 }, (_, i) => `198.51.${i}.0/24`),
    says: /at most 40 CIDR blocks \(EKS public access CIDRs\)/,
  },
];

const withDruid = (c: any, druid: Record<string, unknown>) => {
  druidEnv(c);
  c.environments.prod.overrides = { druid };
};

/** §2 of issue 13: what validate accepts, synth builds — these used to validate, then fail at synth. */
const SYNTH_CASES: BadCase[] = [
  {
    name: 'node group minimum above its maximum',
    mutate: (c) => (c.defaults.eks = { systemNodes: { minSize: 5, maxSize: 3 } }),
    path: 'defaults.eks.systemNodes.maxSize',
    value: 3,
    says: /is below systemNodes.minSize \(5\); a node group needs minSize ≤ maxSize/,
  },
  {
    name: 'environment named like the release stack',
    mutate: (c) => {
      c.environments.release = c.environments.dev;
      delete c.environments.dev;
      c.release.pipelineEnvironment = 'release';
    },
    path: 'environments.release',
    value: 'release',
    says: /is reserved \(release, bootstrap, teams, webapp, eks, druid/,
  },
  {
    name: 'environment named like a stack of every environment',
    mutate: (c) => (c.environments.teams = { ...c.environments.prod, account: '444444444444' }),
    path: 'environments.teams',
    value: 'teams',
    says: /is reserved/,
  },
  {
    name: 'subnets that do not fit the VPC',
    mutate: (c) => (c.environments.prod.overrides = { eks: { vpcCidr: '10.0.0.0/20' } }),
    path: 'environments.prod.overrides.eks.privateSubnetMask',
    value: 19,
    says: /3 public \/22 and 3 private \/19 subnets .* do not fit vpcCidr 10\.0\.0\.0\/20 \(4096 addresses\)/,
  },
  {
    name: 'Druid heap larger than the pod memory',
    mutate: (c) => withDruid(c, { broker: { heapMiB: 20_000 } }),
    path: 'environments.prod.overrides.druid.broker.memoryMiB',
    value: 14_336,
    says: /JVMs need \d+ MiB .*heap 20000.* but the container limit is 14336 MiB/,
  },
  {
    name: 'MiddleManager peons beyond its memory',
    mutate: (c) => withDruid(c, { middleManager: { workerCapacity: 64 } }),
    path: 'environments.prod.overrides.druid.middleManager.memoryMiB',
    value: 24_576,
    says: /64 x peon/,
  },
  {
    name: 'Druid pod no node of its pool can hold',
    mutate: (c) => withDruid(c, { broker: { cpu: 192 } }),
    path: 'environments.prod.overrides.druid.broker.cpu',
    value: 192,
    says: /a pod of 192 vCPU .* fits no size of r7g, r6g, r7i, r6i/,
  },
  {
    name: 'hosted zone without its id',
    mutate: (c) => (c.environments.prod.overrides = { eks: { hostedZone: 'acme.example.com' } }),
    path: 'environments.prod.overrides.eks.hostedZoneId',
    value: undefined,
    says: /is required with hostedZone "acme.example.com"/,
  },
  {
    name: 'Kafka datasource with Kinesis-only ingestion',
    mutate: (c) =>
      withDruid(c, {
        ingestion: 'kinesis',
        datasources: [{ name: 'a', source: { type: 'kafka', topic: 't' } }],
      }),
    path: 'environments.prod.overrides.druid.datasources[0].source.type',
    value: 'kafka',
    says: /needs druid.ingestion "msk" or "both", but it is "kinesis"/,
  },
  {
    name: 'CSV datasource without columns',
    mutate: (c) =>
      withDruid(c, { ingestion: 'kinesis', datasources: [{ ...kinesis('a', 's'), inputFormat: 'csv' }] }),
    path: 'environments.prod.overrides.druid.datasources[0].csvColumns',
    value: undefined,
    says: /is required \(and not empty\) when inputFormat is csv/,
  },
  {
    name: 'batch backfill without a data lake',
    mutate: (c) =>
      withDruid(c, {
        ingestion: 'kinesis',
        datasources: [{ ...kinesis('a', 's'), batch: { prefix: 'a/', interval: '2025-01-01/2026-01-01' } }],
      }),
    path: 'environments.prod.overrides.druid.dataLake.bucketName',
    value: undefined,
    says: /datasource "a" backfills from the data lake/,
  },
  {
    name: 'two datasources on one Kinesis stream',
    mutate: (c) =>
      withDruid(c, { ingestion: 'kinesis', datasources: [kinesis('a', 's'), kinesis('b', 's')] }),
    path: 'environments.prod.overrides.druid.datasources[1].source.stream',
    value: 's',
    says: /is also the stream of datasources\[0\]/,
  },
  {
    name: "Druid namespace one of the platform's",
    mutate: (c) => withDruid(c, { namespace: 'cert-manager' }),
    path: 'environments.prod.overrides.druid.namespace',
    value: 'cert-manager',
    says: /is a namespace the platform uses .*; the Druid stack creates and owns its namespace/,
  },
  {
    name: 'Druid namespace kube-*',
    mutate: (c) => withDruid(c, { namespace: 'kube-druid' }),
    path: 'environments.prod.overrides.druid.namespace',
    value: 'kube-druid',
    says: /is a namespace the platform uses/,
  },
  {
    name: "Druid namespace the druid-operator's",
    mutate: (c) => withDruid(c, { namespace: 'druid-operator' }),
    path: 'environments.prod.overrides.druid.namespace',
    value: 'druid-operator',
    says: /is the druid-operator's namespace/,
  },
  {
    name: "team named like the druid-operator's namespace where Druid runs",
    mutate: (c) => {
      druidEnv(c);
      c.teams['druid-operator'] = { costCenter: 'CC-9' };
    },
    path: 'teams.druid-operator',
    value: 'druid-operator',
    says: /its namespace is the platform's \(.*druid-operator/,
  },
  {
    name: 'team named like a platform namespace',
    mutate: (c) => (c.teams.monitoring = { costCenter: 'CC-9' }),
    path: 'teams.monitoring',
    value: 'monitoring',
    says: /its namespace is the platform's/,
  },
  {
    name: 'system node types of two architectures',
    mutate: (c) => (c.defaults.eks = { systemNodes: { instanceTypes: ['m7g.large', 'm7i.large'] } }),
    path: 'defaults.eks.systemNodes.instanceTypes[1]',
    value: 'm7i.large',
    says: /is x86_64 but m7g.large is arm64/,
  },
  {
    name: 'organization name Cognito refuses in the sign-in domain',
    mutate: (c) => (c.organization.name = 'awsome'),
    path: 'organization.name',
    value: 'awsome',
    says: /contains "aws", which Cognito refuses/,
  },
];

describe('validate ⇒ synth: cross-field rules at validate (issue 13 §2)', () => {
  it.each(SYNTH_CASES.map((c) => [c.name, c] as const))('%s', (_, c) => expectBadCase(c));
});

describe('nothing silently changed or accepted (issue 13 §1)', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_, c) => expectBadCase(c));

  it('the network addresses themselves are valid', () => {
    const raw = validRaw();
    raw.defaults.eks = {
      vpcCidr: '10.20.0.0/16',
      publicEndpointCidrs: ['203.0.113.0/24', '198.51.100.7/32'],
    };
    raw.environments.prod.availabilityZones = ['eu-west-1a', 'eu-west-1c'];
    const prod = validateConfig(raw).environments[1];
    expect(prod?.settings.eks.vpcCidr).toBe('10.20.0.0/16');
  });

  it('a limit error on tens of thousands of teams is the only error, and the schema holds the limit', () => {
    const raw = validRaw();
    raw.teams = Object.fromEntries(Array.from({ length: 30_000 }, (_, i) => [`T${i}`, {}]));
    const err = errorOf(raw);
    // Counted before any entry is parsed: no issue per bad team name or missing cost center.
    expect(err.issues.filter((i) => i.path.startsWith('teams'))).toHaveLength(1);
  });

  it('every number and list of the schema has an upper bound below 2^53', () => {
    const unbounded: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (node === null || typeof node !== 'object') return;
      const n = node as Record<string, unknown>;
      const isNumber = n.type === 'number' || n.type === 'integer';
      if (isNumber && n.const === undefined && !(Number(n.maximum) < Number.MAX_SAFE_INTEGER))
        unbounded.push(path);
      if (n.type === 'array' && n.maxItems === undefined) unbounded.push(`${path}[]`);
      for (const [k, v] of Object.entries(n)) {
        if (k === 'properties' && v && typeof v === 'object')
          for (const [pk, pv] of Object.entries(v)) walk(pv, `${path}.${pk}`);
        else if (k !== 'properties') walk(v, k === 'items' ? `${path}[]` : path);
      }
    };
    walk(configJsonSchema(), '');
    expect(unbounded).toEqual([]);
  });
});
