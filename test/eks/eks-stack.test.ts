import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { VERSIONS } from '../../src/versions';
import { buildEksStack, eksPlatform } from './fixture';
import { type HelmRelease, helmReleasesOf, type K8sDoc, manifestsOf, validateK8s } from './manifests';

const ZONE = { hostedZone: 'apps.acme.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' };
const GRAFANA = {
  prometheusUrl: 'https://prometheus-prod-01-eu-west-0.grafana.net/api/prom/push',
  lokiUrl: 'https://logs-prod-eu-west-0.grafana.net/loki/api/v1/push',
};

type Tpl = ReturnType<Template['toJSON']> & {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; DependsOn?: string[] }>;
};

let template: Template;
let json: Tpl;
let docs: K8sDoc[];
let releases: HelmRelease[];
let nag: { aws: string[]; serverless: string[] };
let synthMs: number;
/** Second stack: public endpoint allowlist, no hosted zone, no Grafana Cloud, default pools. */
let minimal: Template;

const findingsOf = (r: {
  violations: { ruleName: string; violatingResources: { constructPath?: string }[] }[];
}) => r.violations.flatMap((v) => v.violatingResources.map((x) => `${v.ruleName} @ ${x.constructPath}`));

beforeAll(() => {
  const full = buildEksStack(
    eksPlatform({
      ...ZONE,
      grafanaCloud: GRAFANA,
      nodePools: { gpu: { enabled: true }, localNvme: { enabled: true } },
    }),
  );
  full.app.synth();
  template = Template.fromStack(full.stack);
  json = template.toJSON() as Tpl;
  docs = manifestsOf(json).flatMap((m) => m.docs);
  releases = helmReleasesOf(json);
  nag = {
    aws: findingsOf(new AwsSolutionsChecks().validateScope(full.stack)),
    serverless: findingsOf(new ServerlessChecks().validateScope(full.stack)),
  };
  const small = buildEksStack(eksPlatform({ publicEndpointCidrs: ['203.0.113.0/24'] }));
  const t0 = Date.now();
  small.app.synth();
  synthMs = Date.now() - t0;
  minimal = Template.fromStack(small.stack);
});

const resourcesOf = (type: string) => Object.values(json.Resources).filter((r) => r.Type === type);
const release = (chart: string) => {
  const r = releases.find((x) => x.chart === chart);
  if (!r) throw new Error(`no release of ${chart}`);
  return r;
};
const kinds = (kind: string) => docs.filter((d) => d.kind === kind);

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

describe('ingress, certificates, DNS, observability', () => {
  it('installs External Secrets even without Grafana Cloud, with a role that can read nothing by default', () => {
    const minimalJson = minimal.toJSON() as Tpl;
    const eso = helmReleasesOf(minimalJson).find((r) => r.chart === 'external-secrets');
    expect(eso?.namespace).toBe('external-secrets');
    // No Grafana secret in the minimal stack, so no Secrets Manager grant on the operator's role.
    const policies = Object.values(minimalJson.Resources).filter((r) => r.Type === 'AWS::IAM::Policy');
    const esoPolicies = policies.filter((p) => JSON.stringify(p.Properties).includes('ExternalSecretsRole'));
    expect(JSON.stringify(esoPolicies)).not.toContain('secretsmanager:GetSecretValue');
    // With Grafana Cloud, the operator may read exactly the credentials secret.
    const grants = resourcesOf('AWS::IAM::Policy').filter((p) =>
      JSON.stringify(p.Properties).includes('secretsmanager:GetSecretValue'),
    );
    expect(JSON.stringify(grants)).toContain('ObservabilityCredentials');
  });

  it('attaches the WAF web ACL to the internet-facing class only; the internal class is the default', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      Rules: Match.arrayWith([Match.objectLike({ Name: 'RateLimitPerIp' })]),
    });
    const params = kinds('IngressClassParams') as unknown as {
      metadata: { name: string };
      spec: Record<string, unknown>;
    }[];
    const pub = params.find((p) => p.metadata.name === 'alb-public');
    const internal = params.find((p) => p.metadata.name === 'alb-internal');
    expect(pub?.spec).toMatchObject({ scheme: 'internet-facing', targetType: 'ip', wafv2AclArn: 'TOKEN' });
    expect(internal?.spec).toMatchObject({ scheme: 'internal', targetType: 'ip' });
    expect(internal?.spec.wafv2AclArn).toBeUndefined();
    const defaults = kinds('IngressClass').filter(
      (c) =>
        (c.metadata.annotations as Record<string, string> | undefined)?.[
          'ingressclass.kubernetes.io/is-default-class'
        ] === 'true',
    );
    expect(defaults.map((c) => c.metadata.name)).toEqual(['alb-internal']);
  });

  it("issues Let's Encrypt certificates through DNS-01 in the configured zone", () => {
    const issuers = kinds('ClusterIssuer') as unknown as {
      metadata: { name: string };
      spec: { acme: { server: string; solvers: { dns01?: { route53: { hostedZoneID: string } } }[] } };
    }[];
    expect(issuers.map((i) => i.metadata.name).sort()).toEqual(['letsencrypt', 'letsencrypt-staging']);
    expect(issuers[0]?.spec.acme.solvers[0]?.dns01?.route53.hostedZoneID).toBe(ZONE.hostedZoneId);
  });

  it('limits external-dns to the configured zone, and installs it only when one is set', () => {
    const dns = release('external-dns');
    expect(dns.values).toMatchObject({ domainFilters: [ZONE.hostedZone], policy: 'upsert-only' });
    expect(dns.values.extraArgs).toContain(`--zone-id-filter=${ZONE.hostedZoneId}`);
    const policy = JSON.stringify(
      resourcesOf('AWS::IAM::Policy').find(
        (p) =>
          JSON.stringify(p).includes('route53:ChangeResourceRecordSets') &&
          JSON.stringify(p).includes('ListTagsForResource'),
      ),
    );
    expect(policy).toContain(`hostedzone/${ZONE.hostedZoneId}`);
    expect(helmReleasesOf(minimal.toJSON() as Tpl).map((r) => r.chart)).not.toContain('external-dns');
  });

  it('keeps Grafana Cloud credentials out of the template, Helm values and pod env', () => {
    const mon = release('k8s-monitoring');
    const dests = mon.values.destinations as {
      secret: { create: boolean; name: string };
      auth: Record<string, string>;
    }[];
    expect(dests).toHaveLength(2);
    for (const d of dests) {
      expect(d.secret).toMatchObject({ create: false, name: 'grafana-cloud-credentials' });
      expect(Object.keys(d.auth).sort()).toEqual(['passwordKey', 'type', 'usernameKey']);
    }
    expect(mon.rawValues).not.toMatch(/"(password|token|username)"\s*:/i);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      KmsKeyId: Match.anyValue(),
      GenerateSecretString: Match.objectLike({ GenerateStringKey: 'token' }),
    });
    const es = kinds('ExternalSecret')[0] as unknown as {
      spec: { dataFrom: { extract: { key: string } }[] };
    };
    expect(es.spec.dataFrom[0]?.extract.key).toBe('acme-prod-eks-grafana-cloud');
  });
});

describe('teams', () => {
  it('gives each team a namespace with quota, limits, default-deny network policy and RBAC', () => {
    for (const team of ['platform', 'analytics', 'product']) {
      const own = docs.filter(
        (d) => d.metadata.namespace === team || (d.kind === 'Namespace' && d.metadata.name === team),
      );
      const byKind = (k: string) => own.filter((d) => d.kind === k).map((d) => d.metadata.name);
      expect(byKind('Namespace')).toEqual([team]);
      expect(byKind('ResourceQuota')).toHaveLength(1);
      expect(byKind('LimitRange')).toHaveLength(1);
      expect(byKind('NetworkPolicy')).toEqual(
        expect.arrayContaining(['default-deny-all', 'allow-dns', 'allow-same-namespace']),
      );
    }
    const deny = docs.find(
      (d) => d.kind === 'NetworkPolicy' && d.metadata.name === 'default-deny-all',
    ) as unknown as {
      spec: { podSelector: object; policyTypes: string[]; ingress?: unknown; egress?: unknown };
    };
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const bindings = kinds('RoleBinding') as unknown as {
      metadata: { namespace: string };
      subjects: { name: string }[];
      roleRef: { name: string };
    }[];
    const summary = bindings
      .map((b) => `${b.metadata.namespace}:${b.subjects[0]?.name}->${b.roleRef.name}`)
      .sort();
    expect(summary).toEqual([
      'analytics:fastish:analytics:developer->edit',
      'analytics:fastish:analytics:read-only->view',
      'platform:fastish:platform:admin->admin',
      'platform:fastish:platform:developer->edit',
    ]);
  });
});

describe('schemas', () => {
  it('validates every manifest the stack applies against its schema', () => {
    expect(docs.length).toBeGreaterThan(30);
    for (const d of docs) expect(() => validateK8s(d), `${d.kind}/${d.metadata.name}`).not.toThrow();
    const covered = new Set(docs.map((d) => d.kind));
    for (const k of [
      'NodePool',
      'EC2NodeClass',
      'ClusterIssuer',
      'StorageClass',
      'IngressClassParams',
      'ExternalSecret',
    ]) {
      expect(covered.has(k)).toBe(true);
    }
  });

  it('rejects invalid objects (the validators are live)', () => {
    const pool = kinds('NodePool')[0] as K8sDoc;
    const broken = {
      ...pool,
      spec: { ...(pool.spec as object), limits: { cpu: { nested: true } } },
    } as K8sDoc;
    expect(() => validateK8s(broken)).toThrow();
    const params = kinds('IngressClassParams')[0] as K8sDoc;
    expect(() => validateK8s({ ...params, spec: { scheme: 'public' } } as K8sDoc)).toThrow();
    expect(() => validateK8s({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } })).toThrow(
      /no schema/,
    );
  });
});

describe('outputs and gates', () => {
  it('publishes cluster details under /fastish/<env>/eks/', () => {
    for (const key of [
      'cluster/name',
      'cluster/endpoint',
      'cluster/oidc-issuer',
      'pod-identity/trust-principal',
      'kubeconfig-command',
    ]) {
      template.hasResourceProperties('AWS::SSM::Parameter', { Name: `/fastish/prod/eks/${key}` });
    }
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/fastish/prod/eks/kubeconfig-command',
      Value: Match.stringLikeRegexp(
        'aws eks update-kubeconfig --name acme-prod-eks --region eu-west-1 --role-arn .*team-platform-admin',
      ),
    });
  });

  it('grants no IAM action wildcard', () => {
    const actions = resourcesOf('AWS::IAM::Policy')
      .concat(resourcesOf('AWS::IAM::ManagedPolicy'))
      .flatMap(
        (p) =>
          (p.Properties as { PolicyDocument: { Statement: { Action: string | string[] }[] } }).PolicyDocument
            .Statement,
      )
      .flatMap((s) => [s.Action].flat());
    expect(actions.filter((a) => a === '*' || a.endsWith(':*'))).toEqual([]);
  });

  it('has zero unacknowledged cdk-nag findings (AwsSolutions + Serverless)', () => {
    expect(nag.aws).toEqual([]);
    expect(nag.serverless).toEqual([]);
  });

  it('synthesizes a small stack quickly once the validator is warm', () => {
    console.log(`eks synth: ${synthMs} ms, ${Object.keys(json.Resources).length} resources (full config)`);
    expect(Object.keys(json.Resources).length).toBeLessThan(450);
    expect(synthMs).toBeLessThan(15_000);
  });
});
