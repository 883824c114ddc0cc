import { resolve } from 'node:path';
import { AmplifyClient, ListAppsCommand } from '@aws-sdk/client-amplify';
import { CodeStarConnectionsClient, GetConnectionCommand } from '@aws-sdk/client-codestar-connections';
import {
  DescribeAddressesCommand,
  DescribeNatGatewaysCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  DescribeAddonConfigurationCommand,
  DescribeAddonVersionsCommand,
  EKSClient,
  ListClustersCommand,
} from '@aws-sdk/client-eks';
import { KafkaClient, ListClustersV2Command } from '@aws-sdk/client-kafka';
import {
  GetAWSDefaultServiceQuotaCommand,
  GetServiceQuotaCommand,
  ServiceQuotasClient,
} from '@aws-sdk/client-service-quotas';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import { loadConfig } from '../../src/config';
import {
  type Fetch,
  QUOTAS,
  type Requirements,
  schemaErrors,
  synthRequirements,
} from '../../src/release/preflight';
import { VERSIONS } from '../../src/versions';
import { chartRepos, SCHEMAS } from './preflight-fakes';

const CONFIG = resolve('test/release/fixtures/preflight.yaml');
const ACCOUNT = '222222222222';
const CONNECTION =
  'arn:aws:codeconnections:eu-west-1:222222222222:connection/0b7d8f0e-1f7e-4b9c-9a53-2d1c3c8e6a11';
const { addons, charts } = VERSIONS.eks;
const K8S = VERSIONS.eks.kubernetes;
const BR = VERSIONS.eks.bottlerocket.replace(/^v/, '');
const VPC_CNI_VALUES = { env: { ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '1' } };
const TOLERATIONS = { tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }] };

/** What the fixture environment needs (the command tests inject it; the synthesized one is tested below). */
const REQ: Requirements = {
  environment: 'dev',
  account: ACCOUNT,
  region: 'eu-west-1',
  stackNames: ['acme-dev-webapp', 'acme-dev-eks', 'acme-dev-druid'],
  kubernetesVersion: K8S,
  clusterNames: ['acme-dev-eks'],
  addons: [
    { name: 'kube-proxy', version: addons.kubeProxy },
    { name: 'vpc-cni', version: addons.vpcCni, configurationValues: JSON.stringify(VPC_CNI_VALUES) },
    { name: 'coredns', version: addons.coreDns, configurationValues: JSON.stringify(TOLERATIONS) },
  ],
  charts: [charts.karpenter, charts.certManager, charts.awsLoadBalancerController].map(
    ({ repository, chart, version }) => ({ repository, chart, version }),
  ),
  parameters: [
    { name: `/aws/service/bottlerocket/aws-k8s-${K8S}/x86_64/${BR}/image_id`, purpose: 'Karpenter (x86_64)' },
    { name: `/aws/service/bottlerocket/aws-k8s-${K8S}/arm64/${BR}/image_id`, purpose: 'Karpenter (arm64)' },
    {
      name: `/aws/service/bottlerocket/aws-k8s-${K8S}/arm64/${BR}/image_version`,
      purpose: 'dynamic reference',
    },
  ],
  vpcs: 1,
  elasticIps: 2,
  natGatewaysPerAz: { 'eu-west-1a': 1, 'eu-west-1b': 1 },
  eksClusters: 1,
  reservedConcurrency: 50,
  amplify: true,
  mskServerless: true,
  connectionArn: CONNECTION,
};

const OFFERED: Record<string, string[]> = {
  'kube-proxy': [addons.kubeProxy, 'v1.34.0-eksbuild.1'],
  'vpc-cni': [addons.vpcCni],
  coredns: [addons.coreDns],
};

const mocks = {
  sts: mockClient(STSClient),
  eks: mockClient(EKSClient),
  ssm: mockClient(SSMClient),
  quotas: mockClient(ServiceQuotasClient),
  ec2: mockClient(EC2Client),
  connections: mockClient(CodeStarConnectionsClient),
  amplify: mockClient(AmplifyClient),
  kafka: mockClient(KafkaClient),
};
const QUOTA_VALUES: Record<string, number> = {
  'L-F678F1CE': 5,
  'L-0263D0A3': 5,
  'L-FE5A380F': 5,
  'L-B99A9384': 1000,
  'L-1194D53C': 100,
};
const notFound = (name: string, message = name) => Object.assign(new Error(message), { name });
const dnsFailure = (host: string) =>
  Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });

beforeEach(() => {
  for (const m of Object.values(mocks)) m.reset();
  mocks.sts
    .on(GetCallerIdentityCommand)
    .resolves({ Account: ACCOUNT, Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/PlatformAdmins/ops` });
  mocks.eks.on(DescribeAddonVersionsCommand).callsFake(({ addonName, kubernetesVersion }) => ({
    addons: [
      {
        addonName,
        addonVersions: (OFFERED[addonName] ?? []).map((addonVersion) => ({
          addonVersion,
          compatibilities: [{ clusterVersion: kubernetesVersion, defaultVersion: false }],
        })),
      },
    ],
  }));
  mocks.eks
    .on(DescribeAddonConfigurationCommand)
    .callsFake(({ addonName }) => ({ configurationSchema: JSON.stringify(SCHEMAS[addonName] ?? {}) }));
  mocks.eks.on(ListClustersCommand).resolves({ clusters: ['acme-dev-eks', 'other-team'] });
  mocks.ssm.on(GetParameterCommand).callsFake(({ Name }) => ({ Parameter: { Name, Value: 'ami-0abc' } }));
  mocks.quotas
    .on(GetServiceQuotaCommand)
    .callsFake(({ QuotaCode }) => ({ Quota: { QuotaCode, Value: QUOTA_VALUES[QuotaCode] } }));
  mocks.ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: 'vpc-default' }] });
  mocks.ec2.on(DescribeAddressesCommand).resolves({ Addresses: [] });
  mocks.ec2.on(DescribeNatGatewaysCommand).resolves({ NatGateways: [] });
  mocks.ec2.on(DescribeSubnetsCommand).resolves({ Subnets: [] });
  mocks.connections.on(GetConnectionCommand).resolves({
    Connection: { ConnectionArn: CONNECTION, ConnectionStatus: 'AVAILABLE', ProviderType: 'GitHub' },
  });
  mocks.amplify.on(ListAppsCommand).resolves({ apps: [] });
  mocks.kafka.on(ListClustersV2Command).resolves({ ClusterInfoList: [] });
});

async function preflight(options: { fetch?: Fetch; req?: Partial<Requirements>; args?: string[] } = {}) {
  const out = { code: -1, out: '', err: '' };
  const { runPreflightCommand } = await import('../../src/cli/commands/preflight');
  out.code = await runPreflightCommand(
    options.args ?? ['--env', 'dev', '--config', CONFIG],
    { out: (t) => (out.out += t), err: (t) => (out.err += t) },
    { fetch: options.fetch ?? chartRepos(), requirements: () => ({ ...REQ, ...options.req }) },
  );
  return out;
}

describe('fastish preflight (AWS mocked, chart repositories faked)', () => {
  it('passes every check when the account, region and repositories have what the environment needs', async () => {
    const fetch = chartRepos();
    const r = await preflight({ fetch });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(`Preflight dev (${ACCOUNT}/eu-west-1)`);
    expect(r.out).toMatch(/identity\s+pass\s+arn:aws:sts::222222222222:assumed-role\/PlatformAdmins\/ops/);
    expect(r.out).toMatch(
      /eks add-on kube-proxy\s+pass\s+v1\.34\.1-eksbuild\.2 on Kubernetes 1\.34 offered; no configuration/,
    );
    expect(r.out).toMatch(/eks add-on vpc-cni\s+pass\s+.*configuration values match its schema/);
    expect(r.out).toMatch(
      /bottlerocket ami\s+pass\s+Karpenter \(arm64\): \/aws\/service\/bottlerocket\/aws-k8s-1\.34\/arm64\/1\.53\.0\/image_id = ami-0abc/,
    );
    expect(r.out).toMatch(
      /helm chart karpenter\s+pass\s+karpenter 1\.8\.1 from oci:\/\/public\.ecr\.aws\/karpenter\/karpenter: tag found/,
    );
    expect(r.out).toMatch(
      /helm chart cert-manager\s+pass\s+.*listed in https:\/\/charts\.jetstack\.io\/index\.yaml/,
    );
    expect(r.out).toMatch(
      /quota VPCs per Region\s+pass\s+need 1, 1 in use by others, quota 5 \(vpc L-F678F1CE\)/,
    );
    expect(r.out).toMatch(
      /quota NAT gateways per Availability Zone \(eu-west-1b\)\s+pass\s+need 1 in eu-west-1b, 0 in use/,
    );
    expect(r.out).toMatch(/quota Clusters\s+pass\s+need 1, 1 in use by others, quota 100/);
    expect(r.out).toMatch(
      /quota Lambda concurrent executions\s+pass\s+quota 1000 .*reserved by the functions: 50/,
    );
    expect(r.out).toMatch(/source connection\s+pass\s+.* is AVAILABLE/);
    expect(r.out).toMatch(/amplify hosting\s+pass\s+Amplify answers in eu-west-1/);
    expect(r.out).toMatch(/msk serverless\s+pass\s+MSK answers in eu-west-1/);
    expect(r.out).toContain('no blockers, 0 warning(s)');
    // The registry's anonymous-token flow: challenge, token for the repository's pull scope, manifest.
    expect(fetch.calls.filter((c) => c.includes('public.ecr.aws'))).toEqual([
      'HEAD https://public.ecr.aws/v2/karpenter/karpenter/manifests/1.8.1',
      'GET https://public.ecr.aws/token?service=public.ecr.aws&scope=repository%3Akarpenter%2Fkarpenter%3Apull',
      'HEAD https://public.ecr.aws/v2/karpenter/karpenter/manifests/1.8.1',
    ]);
  });

  it('identity: credentials of another account are a blocker and nothing else runs', async () => {
    mocks.sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: '999999999999', Arn: 'arn:aws:iam::999999999999:user/me' });
    const r = await preflight();
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /identity\s+FAIL\s+the credentials are for account 999999999999 .*environment dev is account 222222222222/,
    );
    expect(r.out).toMatch(/other checks\s+skip\s+not run/);
    expect(mocks.eks.calls()).toHaveLength(0);
  });

  it('eks add-on: a build not offered for the cluster version is a blocker that lists what is', async () => {
    OFFERED['kube-proxy'] = ['v1.34.0-eksbuild.1'];
    try {
      const r = await preflight();
      expect(r.code).toBe(1);
      expect(r.out).toMatch(
        /eks add-on kube-proxy\s+FAIL\s+v1\.34\.1-eksbuild\.2 on Kubernetes 1\.34 is not offered .*lists v1\.34\.0-eksbuild\.1/,
      );
    } finally {
      OFFERED['kube-proxy'] = [addons.kubeProxy];
    }
  });

  it('eks add-on: configuration values the published schema rejects are a blocker naming the key', async () => {
    const r = await preflight({
      req: {
        addons: [
          { name: 'vpc-cni', version: addons.vpcCni, configurationValues: '{"env":{"WARM_PREFIX":"1"}}' },
        ],
      },
    });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /eks add-on vpc-cni\s+FAIL\s+.*rejected by its schema: env\.WARM_PREFIX: unknown key \(the schema allows ENABLE_PREFIX_DELEGATION, WARM_PREFIX_TARGET\)/,
    );
  });

  it('bottlerocket ami: a release without an AMI for an architecture is a blocker', async () => {
    mocks.ssm
      .on(GetParameterCommand, { Name: REQ.parameters[1]?.name })
      .rejects(notFound('ParameterNotFound'));
    const r = await preflight();
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /bottlerocket ami\s+FAIL\s+Karpenter \(arm64\): .*arm64\/1\.53\.0\/image_id does not exist in eu-west-1/,
    );
    expect(r.out).toMatch(/bottlerocket ami\s+pass\s+Karpenter \(x86_64\)/);
  });

  it('helm chart: a version missing from index.yaml or from the OCI registry is a blocker', async () => {
    const r = await preflight({
      fetch: chartRepos({
        index: { 'https://charts.jetstack.io': ['v1.19.2'], 'https://aws.github.io/eks-charts': ['3.2.2'] },
        tags: [],
      }),
    });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /helm chart cert-manager\s+FAIL\s+cert-manager v1\.19\.1 .*not in https:\/\/charts\.jetstack\.io\/index\.yaml \(newest listed: v1\.19\.2\)/,
    );
    expect(r.out).toMatch(/helm chart karpenter\s+FAIL\s+karpenter 1\.8\.1 .*no such tag in the registry/);
    expect(r.out).toMatch(/helm chart aws-load-balancer-controller\s+pass/);
  });

  it('helm chart: a repository unreachable from here is a warning, not a blocker', async () => {
    const r = await preflight({ fetch: chartRepos({ unreachable: 'https://charts.jetstack.io' }) });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /helm chart cert-manager\s+warn\s+.*could not check from here: TypeError: fetch failed \(ENOTFOUND\)/,
    );
  });

  it('quota: VPCs, Elastic IPs and clusters used by others leave no room: blockers', async () => {
    const others = Array.from({ length: 5 }, (_, i) => ({ VpcId: `vpc-${i}` }));
    // Resources of the environment's own stacks (a re-run after a deploy) are not counted again.
    const ours = {
      VpcId: 'vpc-ours',
      Tags: [{ Key: 'aws:cloudformation:stack-name', Value: 'acme-dev-eks' }],
    };
    mocks.ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [...others.slice(0, 4), ours] });
    const vpcOk = await preflight();
    expect(vpcOk.out).toMatch(/quota VPCs per Region\s+pass\s+need 1, 4 in use by others, quota 5/);
    mocks.ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [...others, ours] });
    mocks.ec2.on(DescribeAddressesCommand).resolves({ Addresses: [{}, {}, {}, {}] });
    mocks.eks.on(ListClustersCommand).resolves({ clusters: ['acme-dev-eks', 'a', 'b'] });
    mocks.quotas
      .on(GetServiceQuotaCommand, { QuotaCode: QUOTAS.eksClusters.code })
      .rejects(notFound('NoSuchResourceException'));
    mocks.quotas.on(GetAWSDefaultServiceQuotaCommand).resolves({ Quota: { Value: 2 } });
    const r = await preflight();
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /quota VPCs per Region\s+FAIL\s+need 1, 5 in use by others, quota 5 \(vpc L-F678F1CE\): request an increase/,
    );
    expect(r.out).toMatch(
      /quota EC2-VPC Elastic IPs\s+FAIL\s+need 2, 4 in use by others, quota 5 \(ec2 L-0263D0A3\)/,
    );
    // The default quota stands in when the account never changed it.
    expect(r.out).toMatch(/quota Clusters\s+FAIL\s+need 1, 2 in use by others, quota 2 \(eks L-1194D53C\)/);
  });

  it('quota: NAT gateways are counted per availability zone', async () => {
    mocks.ec2.on(DescribeNatGatewaysCommand).resolves({
      NatGateways: Array.from({ length: 5 }, (_, i) => ({ NatGatewayId: `nat-${i}`, SubnetId: 'subnet-b' })),
    });
    mocks.ec2
      .on(DescribeSubnetsCommand)
      .resolves({ Subnets: [{ SubnetId: 'subnet-b', AvailabilityZone: 'eu-west-1b' }] });
    const r = await preflight();
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/quota NAT gateways per Availability Zone \(eu-west-1a\)\s+pass/);
    expect(r.out).toMatch(
      /quota NAT gateways per Availability Zone \(eu-west-1b\)\s+FAIL\s+need 1 in eu-west-1b, 5 in use/,
    );
  });

  it('quota: Lambda reservations beyond quota - 100 are a blocker; a new-account quota a warning', async () => {
    QUOTA_VALUES['L-B99A9384'] = 10;
    try {
      const blocked = await preflight();
      expect(blocked.code).toBe(1);
      expect(blocked.out).toMatch(
        /quota Lambda concurrent executions\s+FAIL\s+the functions reserve 50, but Lambda lets a region reserve at most quota - 100 = 0/,
      );
      const warned = await preflight({ req: { reservedConcurrency: 0 } });
      expect(warned.code, warned.out).toBe(0);
      expect(warned.out).toMatch(
        /quota Lambda concurrent executions\s+warn\s+quota 10 .*below the usual 1000/,
      );
    } finally {
      QUOTA_VALUES['L-B99A9384'] = 1000;
    }
  });

  it('source connection: a connection still PENDING is a blocker', async () => {
    mocks.connections
      .on(GetConnectionCommand)
      .resolves({ Connection: { ConnectionStatus: 'PENDING', ProviderType: 'GitHub' } });
    const r = await preflight();
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/source connection\s+FAIL\s+.* is PENDING: complete the handshake in the console/);
    expect(mocks.connections.commandCalls(GetConnectionCommand)[0]?.args[0].input).toEqual({
      ConnectionArn: CONNECTION,
    });
  });

  it('amplify hosting, msk serverless: a region without the service endpoint is a blocker', async () => {
    mocks.amplify.on(ListAppsCommand).rejects(dnsFailure('amplify.eu-west-1.amazonaws.com'));
    mocks.kafka.on(ListClustersV2Command).rejects(dnsFailure('kafka.eu-west-1.amazonaws.com'));
    const r = await preflight();
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /amplify hosting\s+FAIL\s+Amplify is not offered in eu-west-1 \(no endpoint: ENOTFOUND/,
    );
    expect(r.out).toMatch(/msk serverless\s+FAIL\s+MSK is not offered in eu-west-1/);
    // Another error (no permission) cannot tell: a warning.
    mocks.kafka.on(ListClustersV2Command).rejects(notFound('AccessDeniedException', 'not authorized'));
    const denied = await preflight();
    expect(denied.out).toMatch(
      /msk serverless\s+warn\s+could not check MSK in eu-west-1: AccessDeniedException/,
    );
  });

  it('--env is required and must name an environment of the config (exit 2); the CLI lists the command', async () => {
    const io = { out: '', err: '' };
    const cli = (argv: string[]) => main(argv, { out: (t) => (io.out += t), err: (t) => (io.err += t) });
    expect(await cli(['preflight', '--config', CONFIG])).toBe(2);
    expect(io.err).toContain('--env <name> is required');
    expect(await cli(['preflight', '--env', 'prod', '--config', CONFIG])).toBe(2);
    expect(io.err).toContain('no environment "prod" (environments: dev)');
    expect(await cli(['--help'])).toBe(0);
    expect(io.out).toMatch(/preflight\s+Read-only account checks/);
  });

  it('--json reports the rows', async () => {
    const r = await preflight({ args: ['--env', 'dev', '--config', CONFIG, '--json'] });
    const report = JSON.parse(r.out) as { rows: { check: string; status: string }[] };
    expect(report.rows[0]).toMatchObject({ check: 'identity', status: 'pass' });
    expect(report.rows.every((x) => x.status === 'pass')).toBe(true);
  });
});

describe('preflight requirements: read from the synthesized templates', () => {
  let req: Requirements;
  beforeAll(() => {
    const model = loadConfig(CONFIG);
    req = synthRequirements(model, model.environments[0] as never);
  }, 120_000);

  it('the pinned add-ons, charts, Bottlerocket parameters, resource counts and services of the environment', () => {
    expect(req.kubernetesVersion).toBe(K8S);
    expect(new Map(req.addons.map((a) => [a.name, a.version]))).toEqual(
      new Map([
        ['eks-pod-identity-agent', addons.podIdentityAgent],
        ['vpc-cni', addons.vpcCni],
        ['kube-proxy', addons.kubeProxy],
        ['coredns', addons.coreDns],
        ['aws-ebs-csi-driver', addons.ebsCsi],
        ['metrics-server', addons.metricsServer],
      ]),
    );
    for (const a of req.addons.filter((x) => x.configurationValues))
      expect(() => JSON.parse(a.configurationValues ?? '')).not.toThrow();
    expect(req.charts).toContainEqual({ ...charts.karpenter, version: charts.karpenter.version });
    expect(req.charts.map((c) => c.chart)).toContain(VERSIONS.druid.operatorChart.chart);
    expect(req.parameters.map((p) => p.name).sort()).toEqual(
      [
        `/aws/service/bottlerocket/aws-k8s-${K8S}/arm64/${BR}/image_id`,
        `/aws/service/bottlerocket/aws-k8s-${K8S}/arm64/${BR}/image_version`,
        `/aws/service/bottlerocket/aws-k8s-${K8S}/x86_64/${BR}/image_id`,
      ].sort(),
    );
    expect(req).toMatchObject({
      vpcs: 1,
      elasticIps: 2,
      natGatewaysPerAz: { 'eu-west-1a': 1, 'eu-west-1b': 1 },
      eksClusters: 1,
      clusterNames: ['acme-dev-eks'],
      reservedConcurrency: 50,
      amplify: true,
      mskServerless: true,
      connectionArn: CONNECTION,
    });
    expect(req.stackNames).toEqual(
      expect.arrayContaining(['acme-dev-webapp', 'acme-dev-eks', 'acme-dev-druid']),
    );
  });
});

describe('the structural add-on schema check', () => {
  const schema = {
    $ref: '#/definitions/Root',
    definitions: {
      Root: {
        type: 'object',
        additionalProperties: false,
        required: ['mode'],
        properties: {
          mode: { enum: ['a', 'b'] },
          n: { type: ['integer', 'null'] },
          list: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  };
  it('accepts conforming values and names every mismatch by path', () => {
    expect(schemaErrors({ mode: 'a', n: null, list: ['x'] }, schema)).toEqual([]);
    expect(schemaErrors({ n: 1.5, list: ['x', 2], extra: true }, schema)).toEqual([
      'mode: required',
      'n: 1.5 is number, expected integer or null',
      'list[1]: 2 is integer, expected string',
      'extra: unknown key (the schema allows mode, n, list)',
    ]);
    expect(schemaErrors({ mode: 'c' }, schema)).toEqual(['mode: "c" is not one of "a", "b"']);
  });
});
