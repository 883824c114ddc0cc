import { Certificate } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate';
import { Issuer } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Issuer';
import { ExternalSecret } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret';
import { SecretStore } from '@kubernetes-models/external-secrets/external-secrets.io/v1/SecretStore';
import { EC2NodeClass } from '@kubernetes-models/karpenter/karpenter.k8s.aws/v1/EC2NodeClass';
import { NodePool } from '@kubernetes-models/karpenter/karpenter.sh/v1/NodePool';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { beforeAll, describe, expect, it } from 'vitest';
import { runNag } from '../../src/checks/nag';
import { type DruidResource, validateDruidResource } from '../../src/constructs/druid/druid-resource';
import { parseRuntimeProperties } from '../../src/constructs/druid/runtime-properties';
import type { DruidStack } from '../../src/stacks/druid/druid-stack';
import { synthDruid } from './fixture';

// biome-ignore lint/suspicious/noExplicitAny: tests read untyped JSON and manifests
type Any = Record<string, any>;
let stack: DruidStack;
let template: Template;
let resources: Record<string, Any>;
let manifests: Any[];
const find = (pred: (m: Any) => boolean): Any => {
  const m = manifests.find(pred);
  if (!m) throw new Error('manifest not found');
  return m;
};

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

beforeAll(() => {
  const result = synthDruid();
  stack = result.stack;
  const json = result.assembly.getStackArtifact(stack.artifactId).template;
  template = Template.fromJSON(json);
  resources = json.Resources;
  manifests = stack.kubernetes.objects as Any[];
});

describe('storage', () => {
  it('encrypts every bucket with the stack KMS key and blocks public access', () => {
    const kms = ofType('AWS::S3::Bucket').filter(([, b]) =>
      b.Properties.BucketEncryption.ServerSideEncryptionConfiguration.some(
        (c: Any) => c.ServerSideEncryptionByDefault.SSEAlgorithm === 'aws:kms',
      ),
    );
    expect(kms.length).toBe(3);
  });
  it('never expires current segments in deep storage (only noncurrent versions and multipart uploads)', () => {
    const deep = stack.getLogicalId(stack.storage.deepStorage.node.defaultChild as never);
    const rules: Any[] = resources[deep]?.Properties.LifecycleConfiguration.Rules;
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.ExpirationInDays).toBeUndefined();
      expect(rule.ExpirationDate).toBeUndefined();
      expect(rule.ExpiredObjectDeleteMarker).toBeUndefined();
      expect(rule.Transitions).toBeUndefined();
    }
    expect(resources[deep]?.DeletionPolicy).toBe('Retain');
    expect(resources[deep]?.Properties.VersioningConfiguration.Status).toBe('Enabled');
  });
  it('bounds task logs and MSQ scratch', () => {
    const days = ofType('AWS::S3::Bucket')
      .flatMap(([, b]) => b.Properties.LifecycleConfiguration?.Rules ?? [])
      .filter((r: Any) => r.ExpirationInDays)
      .map((r: Any) => r.Id);
    expect(days).toEqual(expect.arrayContaining(['expire-task-logs', 'expire-msq-scratch']));
  });
});

describe('metadata store', () => {
  it('is Aurora PostgreSQL Serverless v2, encrypted with the CMK, deletion-protected, backed up', () => {
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      Engine: 'aurora-postgresql',
      StorageEncrypted: true,
      KmsKeyId: Match.anyValue(),
      DeletionProtection: true,
      BackupRetentionPeriod: 14,
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 4 },
    });
    template.resourcePropertiesCountIs('AWS::RDS::DBInstance', { DBInstanceClass: 'db.serverless' }, 2);
    const secrets = ofType('AWS::SecretsManager::Secret');
    expect(secrets.every(([, s]) => s.Properties.KmsKeyId && s.Properties.GenerateSecretString)).toBe(true);
  });
  it('admits PostgreSQL only from the EKS cluster security group', () => {
    const sgId = stack.metadata.securityGroup.node.defaultChild as never;
    const logical = stack.getLogicalId(sgId);
    const sg = resources[logical]?.Properties;
    expect(sg.SecurityGroupIngress ?? []).toEqual([]);
    const ingress = ofType('AWS::EC2::SecurityGroupIngress').filter(
      ([, r]) => r.Properties.GroupId['Fn::GetAtt']?.[0] === logical,
    );
    expect(ingress).toHaveLength(1);
    expect(ingress[0]?.[1].Properties).toMatchObject({ FromPort: 5432, ToPort: 5432, IpProtocol: 'tcp' });
    expect(JSON.stringify(ingress[0]?.[1].Properties.SourceSecurityGroupId)).toContain(
      'ClusterSecurityGroupId',
    );
    expect(JSON.stringify(ofType('AWS::EC2::SecurityGroupIngress'))).not.toContain('0.0.0.0/0');
  });
});

describe('streams', () => {
  it('creates MSK Serverless with IAM auth and KMS-encrypted Kinesis streams', () => {
    template.hasResourceProperties('AWS::MSK::ServerlessCluster', {
      ClientAuthentication: { Sasl: { Iam: { Enabled: true } } },
    });
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      Name: 'acme-dev-druid-orders',
      ShardCount: 2,
      StreamEncryption: { EncryptionType: 'KMS', KeyId: Match.anyValue() },
    });
  });
});

describe('Pod Identity scoping', () => {
  const policyOf = (role: 'coordinator' | 'historical' | 'middlemanager') => {
    const roleLogical = stack.getLogicalId(stack.roles[role].role.node.defaultChild as never);
    return ofType('AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(roleLogical))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Any[]);
  };
  it('binds each role to exactly its namespace/service account', () => {
    // coordinator, historical, middlemanager, and the Job creating the MSK topics
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 4);
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
      Namespace: 'druid',
      ServiceAccount: 'druid-historical',
    });
  });
  it('historicals only read segments: no writes, no streams, no secrets', () => {
    const actions = policyOf('historical').flatMap((s) => [s.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(['s3:GetObject*']));
    expect(actions.some((a: string) => /Put|Delete|kafka|kinesis|secretsmanager/.test(a))).toBe(false);
  });
  it('tasks read exactly the configured topics, streams and data-lake prefixes', () => {
    const statements = policyOf('middlemanager');
    const text = JSON.stringify(statements);
    expect(text).toContain('kafka-cluster:ReadData');
    expect(text).toContain('/clicks');
    expect(text).toContain('kinesis:GetRecords');
    expect(text).toContain('acme-data-lake/clickstream/*');
    expect(text).toContain('acme-data-lake/orders/*');
    expect(text).not.toContain('"Resource":"*"');
    expect(text).not.toContain('secretsmanager');
  });
  it('only the External Secrets controller reads the Druid secrets, through the stack key', () => {
    const es = ofType('AWS::IAM::Policy').filter(([, p]) =>
      JSON.stringify(p.Properties.Roles).includes('eks-external-secrets'),
    );
    expect(es).toHaveLength(1);
    const st = es[0]?.[1].Properties.PolicyDocument.Statement as Any[];
    expect(st[0].Resource).toHaveLength(4);
    expect(st[1].Condition.StringEquals['kms:ViaService']).toBe('secretsmanager.eu-west-1.amazonaws.com');
  });
});

describe('Kubernetes manifests', () => {
  // biome-ignore lint/suspicious/noExplicitAny: tests read untyped JSON and manifests
  const MODELS: Record<string, new (data: any) => { validate(): void }> = {
    Namespace,
    ServiceAccount,
    Role,
    RoleBinding,
    NetworkPolicy,
    ConfigMap,
    Job,
    Ingress,
    Certificate,
    Issuer,
    SecretStore,
    ExternalSecret,
    EC2NodeClass,
    NodePool,
  };
  it('every object validates against its schema (core, cert-manager, ESO, Karpenter, Druid CRD)', () => {
    // Deploy-time values (ARNs, bucket names) are CloudFormation intrinsics here: validate them as strings.
    const strings = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(strings);
      if (v && typeof v === 'object') {
        const keys = Object.keys(v);
        if (keys.length === 1 && (keys[0] === 'Ref' || keys[0]?.startsWith('Fn::'))) return '<deploy-time>';
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, strings(x)]));
      }
      return v;
    };
    const resolved = strings(stack.resolve(manifests)) as Any[];
    const kinds = new Set<string>();
    for (const m of resolved) {
      kinds.add(m.kind);
      if (m.kind === 'Druid') {
        validateDruidResource(m as DruidResource, 'test');
        continue;
      }
      const Model = MODELS[m.kind];
      if (!Model) throw new Error(`no schema for ${m.kind}`);
      expect(() => new Model(m).validate(), `${m.kind}/${m.metadata?.name}`).not.toThrow();
    }
    expect([...kinds].sort()).toEqual(Object.keys(MODELS).concat('Druid').sort());
  });
  it('validation catches a broken Druid resource', () => {
    // biome-ignore lint/suspicious/noExplicitAny: tests read untyped JSON and manifests
    const bad = structuredClone(stack.kubernetes.resource) as any;
    bad.spec.nodes.brokers.nodeType = 'querier';
    expect(() => validateDruidResource(bad, 'x')).toThrow(/nodeType/);
    // biome-ignore lint/suspicious/noExplicitAny: tests read untyped JSON and manifests
    const badMount = structuredClone(stack.kubernetes.resource) as any;
    badMount.spec.volumeMounts.push({ name: 'missing', mountPath: '/x' });
    expect(() => validateDruidResource(badMount, 'x')).toThrow(/volumeMount "missing" has no volume/);
  });
  it('runs ZooKeeper-less with Kubernetes discovery, TLS only and secrets from the environment', () => {
    const common = parseRuntimeProperties(stack.kubernetes.resource.spec['common.runtime.properties']);
    expect(common).toMatchObject({
      'druid.zk.service.enabled': 'false',
      'druid.discovery.type': 'k8s',
      'druid.serverview.type': 'http',
      'druid.indexer.runner.type': 'httpRemote',
      'druid.enablePlaintextPort': 'false',
      'druid.enableTlsPort': 'true',
      'druid.coordinator.kill.on': 'false',
      'druid.metadata.storage.connector.password':
        '{"type":"environment","variable":"DRUID_METADATA_PASSWORD"}',
    });
    for (const ext of [
      'druid-s3-extensions',
      'postgresql-metadata-storage',
      'druid-kafka-indexing-service',
      'druid-kinesis-indexing-service',
      'druid-kubernetes-extensions',
      'druid-basic-security',
      'prometheus-emitter',
      'druid-datasketches',
    ]) {
      expect(common['druid.extensions.loadList']).toContain(`"${ext}"`);
    }
    const env = stack.kubernetes.resource.spec.env ?? [];
    expect(
      env.filter((e) => e.name.endsWith('PASSWORD')).every((e) => e.valueFrom?.secretKeyRef && !e.value),
    ).toBe(true);
  });
  it('never puts a secret value into the template', () => {
    const text = JSON.stringify(resources);
    expect(text).not.toMatch(/"SecretString"|"password":"[^$]/);
    expect(text).not.toMatch(/keystorePassword|keyStorePassword=[^{]/);
  });
  it('issues the PKCS12 keystore with its password from a synced generated secret', () => {
    const cert = find((m) => m.kind === 'Certificate' && m.metadata.name === 'druid-tls');
    expect(cert.spec.keystores.pkcs12).toEqual({
      create: true,
      passwordSecretRef: { name: 'druid-keystore-password', key: 'password' },
    });
    const sync = find((m) => m.kind === 'ExternalSecret' && m.metadata.name === 'druid-keystore-password');
    expect(stack.resolve(sync.spec.data[0].remoteRef.key)).toEqual(
      stack.resolve(stack.secrets.keystore.secretArn),
    );
  });
  it('puts the router behind an internal ALB with TLS, historicals on NVMe NodePools', () => {
    const ingress = find((m) => m.kind === 'Ingress');
    expect(ingress.metadata.annotations['alb.ingress.kubernetes.io/scheme']).toBe('internal');
    expect(ingress.metadata.annotations['alb.ingress.kubernetes.io/listen-ports']).toBe('[{"HTTPS":443}]');
    expect(ingress.metadata.annotations['alb.ingress.kubernetes.io/backend-protocol']).toBe('HTTPS');
    expect(ingress.spec.tls[0].hosts).toEqual(['druid.dev.acme.example.com']);
    const nodeClass = find((m) => m.kind === 'EC2NodeClass');
    expect(nodeClass.spec.instanceStorePolicy).toBe('RAID0');
    const hist = find((m) => m.kind === 'NodePool' && m.metadata.name === 'druid-analytics-historicals');
    expect(hist.spec.template.spec.nodeClassRef.name).toBe(nodeClass.metadata.name);
    expect(hist.spec.template.spec.requirements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: 'karpenter.k8s.aws/instance-local-nvme', operator: 'Gt' }),
      ]),
    );
  });
  it('applies every generated spec through a Job whose name follows the content', () => {
    const cm = stack.resolve(
      find((m) => m.kind === 'ConfigMap' && m.metadata.name.startsWith('druid-apply-specs-')),
    );
    expect(Object.keys(cm.data).sort()).toEqual(
      [
        'apply.sh',
        'clickstream.compaction.json',
        'clickstream.rules.json',
        'clickstream.supervisor.json',
        'orders.rules.json',
        'orders.supervisor.json',
      ].sort(),
    );
    expect(cm.data['apply.sh']).toContain(
      "call '/druid/indexer/v1/supervisor' 'clickstream.supervisor.json'",
    );
    expect(cm.data['apply.sh']).not.toMatch(/-u |--user /);
    const job = find((m) => m.kind === 'Job' && m.metadata.name.startsWith('druid-apply-specs-'));
    expect(job.metadata.name).toBe(cm.metadata.name);
  });
  it('fits every container: sizing reports have headroom', () => {
    for (const [name, r] of Object.entries(stack.kubernetes.sizing)) {
      expect(r.requiredMiB, name).toBeLessThanOrEqual(r.limitMiB);
    }
    expect(Object.keys(stack.kubernetes.sizing)).toEqual(
      expect.arrayContaining(['coordinator', 'broker', 'router', 'historicals', 'middlemanager']),
    );
  });
});

describe('gates', () => {
  it('cdk-nag: zero unacknowledged findings', () => {
    const open = runNag(stack).filter((f) => !f.acknowledged);
    expect(open.map((f) => `${f.ruleId} ${f.path}`)).toEqual([]);
  });
  it('publishes endpoints and secret ARNs (never values) under /fastish/dev/druid/', () => {
    const names = ofType('AWS::SSM::Parameter').map(([, p]) => p.Properties.Name);
    expect(names).toEqual(
      expect.arrayContaining([
        '/fastish/dev/druid/router/url',
        '/fastish/dev/druid/buckets/deep-storage',
        '/fastish/dev/druid/metadata/endpoint',
        '/fastish/dev/druid/secrets/admin-password-arn',
      ]),
    );
  });
  it('a sizing that does not fit is a config error at validate, with the config path and the arithmetic', () => {
    expect(() =>
      synthDruid((raw) => {
        const d = (raw.defaults as Any).druid;
        d.broker = { memoryMiB: 8192, heapMiB: 6144, directMemoryMiB: 4096 };
      }),
    ).toThrow(
      /defaults\.druid\.broker\.memoryMiB: 8192 Druid memory sizing does not fit: JVMs need 10752 MiB/,
    );
  });
});
