import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { VERSIONS } from '../../src/versions';
import { type EksStacks, eksQueries, synthEksStacks, type Tpl } from './eks-stacks';
import { type K8sDoc, manifestsOf } from './manifests';

// The EKS stack: cluster security, network, add-ons, Karpenter (eks-stack-edge.test.ts: the rest).
let template: Template;
let json: Tpl;
let docs: K8sDoc[];
let minimal: Template;

let stacks: EksStacks;

beforeAll(() => {
  stacks = synthEksStacks();
  ({ template, json, docs, minimal } = stacks);
});

const { resourcesOf, release, kinds } = eksQueries(() => stacks);

describe('cluster security', () => {
  it('has a private-only API endpoint by default', () => {
    template.hasResourceProperties('AWS::EKS::Cluster', {
      ResourcesVpcConfig: Match.objectLike({ EndpointPrivateAccess: true, EndpointPublicAccess: false }),
    });
  });

  it('opens the public endpoint only to the configured CIDRs', () => {
    minimal.hasResourceProperties('AWS::EKS::Cluster', {
      ResourcesVpcConfig: Match.objectLike({
        EndpointPrivateAccess: true,
        EndpointPublicAccess: true,
        PublicAccessCidrs: ['203.0.113.0/24'],
      }),
    });
  });

  it('envelope-encrypts secrets with a rotating customer key', () => {
    const cluster = resourcesOf('AWS::EKS::Cluster')[0]?.Properties as {
      EncryptionConfig: { Provider: { KeyArn: { 'Fn::GetAtt': [string, string] } }; Resources: string[] }[];
    };
    const cfg = cluster.EncryptionConfig[0];
    expect(cfg?.Resources).toEqual(['secrets']);
    const keyId = cfg?.Provider.KeyArn['Fn::GetAtt'][0] ?? '';
    expect(json.Resources[keyId]?.Type).toBe('AWS::KMS::Key');
    expect(json.Resources[keyId]?.Properties?.EnableKeyRotation).toBe(true);
  });

  it('enables every control-plane log type', () => {
    template.hasResourceProperties('AWS::EKS::Cluster', {
      Logging: {
        ClusterLogging: {
          EnabledTypes: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'].map((type) => ({
            Type: type,
          })),
        },
      },
    });
  });

  it('authenticates through access entries only, without an implicit creator admin or aws-auth', () => {
    template.hasResourceProperties('AWS::EKS::Cluster', {
      AccessConfig: { AuthenticationMode: 'API', BootstrapClusterCreatorAdminPermissions: false },
    });
    expect(docs.filter((d) => d.kind === 'ConfigMap' && d.metadata.name === 'aws-auth')).toEqual([]);
    expect(JSON.stringify(json)).not.toContain('aws-auth');
  });

  it('maps each team role to its group; only platform admins are cluster admins', () => {
    const entries = resourcesOf('AWS::EKS::AccessEntry')
      .map(
        (r) =>
          r.Properties as { PrincipalArn: unknown; KubernetesGroups?: string[]; AccessPolicies?: unknown[] },
      )
      .filter((p) => p.KubernetesGroups);
    const groups = entries.flatMap((e) => e.KubernetesGroups ?? []).sort();
    expect(groups).toEqual([
      'fastish:analytics:developer',
      'fastish:analytics:read-only',
      'fastish:platform:admin',
      'fastish:platform:developer',
    ]);
    const admins = entries.filter((e) => (e.AccessPolicies ?? []).length > 0);
    expect(admins.map((e) => e.KubernetesGroups)).toEqual([['fastish:platform:admin']]);
    expect(JSON.stringify(admins[0]?.PrincipalArn)).toContain('acme-prod-team-platform-admin');
  });

  it('runs system nodes on Bottlerocket with IMDSv2 only and encrypted volumes', () => {
    template.hasResourceProperties('AWS::EKS::Nodegroup', {
      AmiType: 'BOTTLEROCKET_ARM_64',
      Taints: [{ Key: 'CriticalAddonsOnly', Value: 'true', Effect: 'NO_SCHEDULE' }],
    });
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
        BlockDeviceMappings: Match.arrayWith([
          Match.objectLike({ Ebs: Match.objectLike({ Encrypted: true }) }),
        ]),
      }),
    });
  });

  it('turns key rotation on for every KMS key', () => {
    const keys = resourcesOf('AWS::KMS::Key');
    expect(keys.length).toBeGreaterThanOrEqual(4);
    for (const k of keys) expect(k.Properties?.EnableKeyRotation).toBe(true);
  });
});

describe('network', () => {
  it('pins subnets to the configured zones with pod-sized private subnets', () => {
    const subnets = resourcesOf('AWS::EC2::Subnet').map(
      (s) => s.Properties as { AvailabilityZone: string; CidrBlock: string },
    );
    expect(new Set(subnets.map((s) => s.AvailabilityZone))).toEqual(
      new Set(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']),
    );
    expect(subnets.filter((s) => s.CidrBlock.endsWith('/19'))).toHaveLength(3);
  });

  it('logs all VPC traffic to a KMS-encrypted log group', () => {
    template.hasResourceProperties('AWS::EC2::FlowLog', {
      TrafficType: 'ALL',
      LogDestinationType: 'cloud-watch-logs',
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: Match.stringLikeRegexp('vpc-flow-logs'),
      KmsKeyId: Match.anyValue(),
    });
  });

  it('has the S3 gateway endpoint and private interface endpoints', () => {
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway' });
    const services = resourcesOf('AWS::EC2::VPCEndpoint')
      .filter((e) => e.Properties?.VpcEndpointType === 'Interface')
      .map((e) => JSON.stringify(e.Properties?.ServiceName));
    for (const svc of ['ecr.api', 'ecr.dkr', 'sts', 'logs', 'eks-auth', 'sqs']) {
      expect(services.some((s) => s.includes(`.${svc}"`))).toBe(true);
    }
  });

  it('tags private subnets for Karpenter discovery and internal load balancers', () => {
    template.hasResourceProperties('AWS::EC2::Subnet', {
      Tags: Match.arrayWith([
        { Key: 'karpenter.sh/discovery', Value: 'acme-prod-eks' },
        { Key: 'kubernetes.io/role/internal-elb', Value: '1' },
      ]),
    });
  });
});

describe('add-ons and install order', () => {
  it('pins every EKS add-on build from the versions module', () => {
    const addons = Object.fromEntries(
      resourcesOf('AWS::EKS::Addon').map((a) => [a.Properties?.AddonName, a.Properties?.AddonVersion]),
    );
    const a = VERSIONS.eks.addons;
    expect(addons).toEqual({
      'vpc-cni': a.vpcCni,
      coredns: a.coreDns,
      'kube-proxy': a.kubeProxy,
      'eks-pod-identity-agent': a.podIdentityAgent,
      'aws-ebs-csi-driver': a.ebsCsi,
      'metrics-server': a.metricsServer,
    });
  });

  it('pins every Helm chart and Kubernetes version', () => {
    template.hasResourceProperties('AWS::EKS::Cluster', { Version: VERSIONS.eks.kubernetes });
    for (const c of Object.values(VERSIONS.eks.charts)) {
      expect(release(c.chart).version).toBe(c.version);
      expect(release(c.chart).repository).toBe(c.repository);
    }
  });

  it('installs networking add-ons before nodes, and charts in a fixed order after CoreDNS', () => {
    const id = (type: string, pred: (p: Record<string, unknown>) => boolean) =>
      Object.entries(json.Resources).find(([, r]) => r.Type === type && pred(r.Properties ?? {}))?.[0] ?? '?';
    const addon = (name: string) => id('AWS::EKS::Addon', (p) => p.AddonName === name);
    const nodegroup = id('AWS::EKS::Nodegroup', () => true);
    const deps = (logicalId: string) => json.Resources[logicalId]?.DependsOn ?? [];
    expect(deps(nodegroup)).toEqual(
      expect.arrayContaining([addon('vpc-cni'), addon('kube-proxy'), addon('eks-pod-identity-agent')]),
    );
    expect(deps(addon('coredns'))).toContain(nodegroup);
    const order = [
      'karpenter',
      'aws-load-balancer-controller',
      'cert-manager',
      'external-dns',
      'external-secrets',
      'k8s-monitoring',
    ];
    expect(release('karpenter').dependsOn).toContain(addon('coredns'));
    for (let i = 1; i < order.length; i++) {
      const prev = release(order[i - 1] ?? '').logicalId;
      const cur = release(order[i] ?? '');
      const chain = new Set<string>();
      const walk = (lid: string) => {
        for (const d of deps(lid)) {
          if (chain.has(d)) continue;
          chain.add(d);
          walk(d);
        }
      };
      walk(cur.logicalId);
      expect(chain.has(prev), `${order[i]} installs after ${order[i - 1]}`).toBe(true);
    }
  });

  it('makes an encrypted gp3 StorageClass the default, keyed by a rotating CMK', () => {
    const [sc] = kinds('StorageClass') as unknown as {
      metadata: { annotations: Record<string, string> };
      parameters: Record<string, string>;
    }[];
    expect(sc?.metadata.annotations['storageclass.kubernetes.io/is-default-class']).toBe('true');
    expect(sc?.parameters).toMatchObject({ type: 'gp3', encrypted: 'true', kmsKeyId: 'TOKEN' });
  });

  it('binds add-on AWS permissions through Pod Identity, never IRSA', () => {
    template.resourceCountIs('AWS::IAM::OIDCProvider', 0);
    template.resourceCountIs('Custom::AWSCDKOpenIdConnectProvider', 0);
    const assoc = resourcesOf('AWS::EKS::PodIdentityAssociation').map(
      (r) => `${r.Properties?.Namespace}/${r.Properties?.ServiceAccount}`,
    );
    expect(assoc.sort()).toEqual([
      'cert-manager/cert-manager',
      'external-dns/external-dns',
      'external-secrets/external-secrets',
      'kube-system/aws-load-balancer-controller',
      'kube-system/karpenter',
    ]);
    template.hasResourceProperties('AWS::EKS::Addon', {
      AddonName: 'vpc-cni',
      PodIdentityAssociations: [Match.objectLike({ ServiceAccount: 'aws-node' })],
    });
  });
});

describe('Karpenter', () => {
  it('encrypts the interruption queue and feeds it four EventBridge rules', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: Match.anyValue(),
      MessageRetentionPeriod: 300,
    });
    const patterns = resourcesOf('AWS::Events::Rule').map(
      (r) => (r.Properties as { EventPattern: { 'detail-type': string[] } }).EventPattern['detail-type'][0],
    );
    expect(patterns.sort()).toEqual([
      'AWS Health Event',
      'EC2 Instance Rebalance Recommendation',
      'EC2 Instance State-change Notification',
      'EC2 Spot Instance Interruption Warning',
    ]);
  });

  it('uses a pinned Bottlerocket alias and IMDSv2 in every EC2NodeClass', () => {
    const classes = kinds('EC2NodeClass') as unknown as {
      spec: { amiSelectorTerms: { alias: string }[]; metadataOptions: { httpTokens: string } };
    }[];
    expect(classes.length).toBe(3);
    for (const c of classes) {
      expect(c.spec.amiSelectorTerms).toEqual([{ alias: `bottlerocket@${VERSIONS.eks.bottlerocket}` }]);
      expect(c.spec.amiSelectorTerms[0]?.alias).not.toMatch(/@latest$/);
      expect(c.spec.metadataOptions.httpTokens).toBe('required');
    }
  });

  it('creates default, Graviton, GPU and local-NVMe pools with spot+on-demand, consolidation and limits', () => {
    const pools = kinds('NodePool') as unknown as {
      metadata: { name: string };
      spec: {
        limits: { cpu: string; memory: string };
        disruption: { consolidationPolicy: string };
        template: { spec: { requirements: { key: string; values: string[] }[] } };
      };
    }[];
    expect(pools.map((p) => p.metadata.name).sort()).toEqual(['default', 'gpu', 'graviton', 'local-nvme']);
    const def = pools.find((p) => p.metadata.name === 'default');
    expect(def?.spec.limits).toEqual({ cpu: '1000', memory: '4000Gi' });
    expect(def?.spec.disruption.consolidationPolicy).toBe('WhenEmptyOrUnderutilized');
    const capacity = def?.spec.template.spec.requirements.find((r) => r.key === 'karpenter.sh/capacity-type');
    expect(capacity?.values).toEqual(['spot', 'on-demand']);
    const grav = pools.find((p) => p.metadata.name === 'graviton');
    expect(grav?.spec.template.spec.requirements.find((r) => r.key === 'kubernetes.io/arch')?.values).toEqual(
      ['arm64'],
    );
  });

  it('omits the optional pools when they are off (defaults)', () => {
    const pools = manifestsOf(minimal.toJSON() as Tpl)
      .flatMap((m) => m.docs)
      .filter((d) => d.kind === 'NodePool')
      .map((d) => d.metadata.name);
    expect(pools.sort()).toEqual(['default', 'graviton']);
  });
});
