// biome-ignore-all lint/suspicious/noExplicitAny: synthesized template JSON is untyped; assertions narrow it
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DruidCluster,
  DruidIngestion,
  DruidMetricType,
  DruidStreamSource,
  EksPlatform,
  type EksPlatformProps,
} from '../../src';
import { druidSettings } from '../../src/config/architectures/druid';
import { resolveDruidSettings } from '../../src/constructs/druid/resolve';

// A consumer's own CDK app (`cdk init` flags), its own VPC and roles: no Fastish config, no naming module.
const ZONES = ['eu-central-1a', 'eu-central-1b', 'eu-central-1c'];

function consumerApp(platformProps: Omit<EksPlatformProps, 'vpc'> = {}) {
  const app = new App({ context: cxapi.CURRENTLY_RECOMMENDED_FLAGS });
  const stack = new Stack(app, 'Analytics', { env: { account: '444444444444', region: 'eu-central-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: ZONES, natGateways: 1 });
  const dataAdmins = new iam.Role(stack, 'DataAdmins', { assumedBy: new iam.AccountRootPrincipal() });
  const platform = new EksPlatform(stack, 'Platform', {
    vpc,
    teams: [{ name: 'data', adminRole: dataAdmins }],
    ...platformProps,
  });
  const druid = new DruidCluster(stack, 'Druid', {
    platform,
    routerHostname: 'druid.analytics.internal',
    datasources: [
      {
        name: 'clicks',
        source: DruidStreamSource.kafka('clicks', 6),
        metrics: [{ type: DruidMetricType.LONG_SUM, name: 'amount', fieldName: 'amount' }],
      },
    ],
  });
  return { app, stack, vpc, dataAdmins, platform, druid };
}

const ofType = (t: Template, type: string) => Object.entries(t.findResources(type)) as [string, any][];
const statementsOf = (t: Template, roleLogicalId: string) =>
  ofType(t, 'AWS::IAM::Policy')
    .filter(([, p]) => p.Properties.Roles?.some((r: any) => r.Ref === roleLogicalId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
const actionsOf = (statements: any[]) => statements.flatMap((s) => [s.Action].flat());

describe('EksPlatform and DruidCluster in a plain CDK app', () => {
  let c: ReturnType<typeof consumerApp>;
  let t: Template;
  beforeAll(() => {
    c = consumerApp();
    t = Template.fromStack(c.stack);
  });

  it('runs the cluster in the consumer VPC, private endpoint, secrets encrypted with its own rotating key', () => {
    const [, cluster] = ofType(t, 'Custom::AWSCDK-EKS-Cluster')[0] ?? ofType(t, 'AWS::EKS::Cluster')[0] ?? [];
    expect(cluster).toBeDefined();
    const p = cluster.Properties.Config ?? cluster.Properties;
    expect(p.Name).toBe(c.platform.clusterName);
    expect(c.platform.clusterName).toMatch(/^Analytics-Platform-/);
    expect(p.ResourcesVpcConfig.EndpointPublicAccess).toBe(false);
    expect(p.ResourcesVpcConfig.EndpointPrivateAccess).toBe(true);
    const privateSubnets = c.vpc.privateSubnets.map((s) => c.stack.resolve(s.subnetId));
    expect(p.ResourcesVpcConfig.SubnetIds).toEqual(privateSubnets);
    const keyRef = c.stack.resolve((c.platform.secretsKey as any).keyArn);
    expect(p.EncryptionConfig[0].Provider.KeyArn).toEqual(keyRef);
    for (const [, key] of ofType(t, 'AWS::KMS::Key')) expect(key.Properties.EnableKeyRotation).toBe(true);
  });

  it('tags the consumer subnets so Karpenter and the load balancer controller find them', () => {
    for (const subnet of c.vpc.privateSubnets) {
      const id = c.stack.getLogicalId(subnet.node.defaultChild as ec2.CfnSubnet);
      const tags = t.toJSON().Resources[id].Properties.Tags as { Key: string; Value: string }[];
      expect(tags).toContainEqual({ Key: 'karpenter.sh/discovery', Value: c.platform.clusterName });
      expect(tags).toContainEqual({ Key: 'kubernetes.io/role/internal-elb', Value: '1' });
    }
    expect(c.platform.vpcCidr).toBe(c.vpc.vpcCidrBlock);
  });

  it('maps the team role of the consumer into its namespace, not cluster-wide', () => {
    const entries = ofType(t, 'AWS::EKS::AccessEntry').filter(([, e]) =>
      e.Properties.KubernetesGroups?.includes('fastish:data:admin'),
    );
    expect(entries).toHaveLength(1);
    const [, entry] = entries[0] as [string, any];
    expect(entry.Properties.PrincipalArn).toEqual(c.stack.resolve(c.dataAdmins.roleArn));
    expect(entry.Properties.AccessPolicies ?? []).toEqual([]);
  });

  it('encrypts every log group and keeps the control-plane logs a year by default', () => {
    const groups = ofType(t, 'AWS::Logs::LogGroup');
    expect(groups.length).toBeGreaterThan(0);
    for (const [id, g] of groups) {
      expect(g.Properties.KmsKeyId, id).toBeDefined();
      expect(g.Properties.RetentionInDays, id).toBeGreaterThanOrEqual(365);
    }
    t.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: `/aws/eks/${c.platform.clusterName}/cluster`,
      RetentionInDays: 365,
    });
  });

  it('stores Druid segments in a versioned, KMS-encrypted, private, retained bucket', () => {
    const id = c.stack.getLogicalId(c.druid.deepStorageBucket.node.defaultChild as any);
    const bucket = t.toJSON().Resources[id];
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties.VersioningConfiguration.Status).toBe('Enabled');
    const sse = bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0];
    expect(sse.ServerSideEncryptionByDefault.SSEAlgorithm).toBe('aws:kms');
    expect(sse.ServerSideEncryptionByDefault.KMSMasterKeyID).toEqual(
      c.stack.resolve((c.druid.key as any).keyArn),
    );
    expect(bucket.Properties.PublicAccessBlockConfiguration).toMatchObject({
      BlockPublicAcls: true,
      RestrictPublicBuckets: true,
    });
  });

  it('gives historicals read-only deep storage and the coordinator read-write', () => {
    const logical = (r: iam.IRole) => c.stack.getLogicalId(r.node.defaultChild as iam.CfnRole);
    const historical = actionsOf(statementsOf(t, logical(c.druid.historicalRole.role)));
    const coordinator = actionsOf(statementsOf(t, logical(c.druid.coordinatorRole.role)));
    expect(historical).toContain('s3:GetObject*');
    expect(historical.filter((a) => /^s3:(Put|Delete)/.test(a))).toEqual([]);
    expect(coordinator).toEqual(expect.arrayContaining(['s3:PutObject', 's3:DeleteObject*']));
  });

  it('binds each Druid service account to its role through Pod Identity on the platform cluster', () => {
    t.hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
      Namespace: 'druid',
      ServiceAccount: 'druid-historical',
      ClusterName: c.platform.clusterName,
    });
  });

  it("lets the platform's External Secrets role read exactly Druid's secrets", () => {
    const eso = c.stack.getLogicalId(c.platform.externalSecretsRole.node.defaultChild as iam.CfnRole);
    const reads = statementsOf(t, eso).filter((s) =>
      [s.Action].flat().includes('secretsmanager:GetSecretValue'),
    );
    const resources = reads.flatMap((s) => [s.Resource].flat()).map((r) => JSON.stringify(r));
    for (const secret of [
      c.druid.adminSecret,
      c.druid.internalClientSecret,
      c.druid.keystoreSecret,
      c.druid.metadataSecret,
    ])
      expect(resources).toContain(JSON.stringify(c.stack.resolve(secret.secretArn)));
  });

  it('encrypts the metadata store and keeps two weeks of backups by default', () => {
    t.hasResourceProperties('AWS::RDS::DBCluster', {
      StorageEncrypted: true,
      KmsKeyId: Match.anyValue(),
      BackupRetentionPeriod: 14,
    });
  });

  it('grantReadAdminPassword gives a client read on the admin password only', () => {
    const own = consumerApp();
    const client = new iam.Role(own.stack, 'SqlClient', { assumedBy: new iam.AccountRootPrincipal() });
    const grant = own.druid.grantReadAdminPassword(client);
    expect(grant.success).toBe(true);
    const after = Template.fromStack(own.stack);
    const statements = statementsOf(after, own.stack.getLogicalId(client.node.defaultChild as iam.CfnRole));
    const resources = statements
      .filter((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue'))
      .map((s) => s.Resource);
    expect(resources).toEqual([own.stack.resolve(own.druid.adminSecret.secretArn)]);
  });

  it('has no unacknowledged AwsSolutions finding on the platform or Druid', () => {
    const report = new AwsSolutionsChecks().validateScope(c.stack);
    const ours = report.violations.flatMap((v: any) =>
      v.violatingResources
        .map((r: any) => `${v.ruleName} @ ${r.constructPath}`)
        .filter((s: string) => /\/(Platform|Druid)\//.test(s)),
    );
    expect(ours).toEqual([]);
  });
});

describe('DruidCluster in an app without feature flags (`new App()`)', () => {
  it('grants S3 log delivery to its access-log bucket by policy (ACLs are off on every bucket)', () => {
    const app = new App();
    const stack = new Stack(app, 'Plain', { env: { account: '444444444444', region: 'eu-central-1' } });
    const platform = new EksPlatform(stack, 'Platform', { network: { availabilityZones: ZONES } });
    new DruidCluster(stack, 'Druid', { platform, routerHostname: 'd.example.com' });
    const t = Template.fromStack(stack);
    for (const [id, b] of ofType(t, 'AWS::S3::Bucket')) {
      expect(b.Properties.AccessControl, id).toBeUndefined();
      expect(b.Properties.OwnershipControls.Rules, id).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
    }
    const delivery = ofType(t, 'AWS::S3::BucketPolicy').flatMap(([, p]) =>
      p.Properties.PolicyDocument.Statement.filter(
        (s: any) => s.Principal?.Service === 'logging.s3.amazonaws.com',
      ),
    );
    expect(delivery.length).toBeGreaterThan(0);
  });
});

describe('DruidCluster props are checked in prop terms', () => {
  /** A stack `S` with a platform of its own VPC, for one DruidCluster (or a few) to refuse its props. */
  const platformStack = () => {
    const app = new App({ context: cxapi.CURRENTLY_RECOMMENDED_FLAGS });
    const stack = new Stack(app, 'S', { env: { account: '444444444444', region: 'eu-central-1' } });
    return { stack, platform: new EksPlatform(stack, 'Platform', { network: { availabilityZones: ZONES } }) };
  };

  it('refuses a sum metric without its input column, naming the construct and datasource', () => {
    const { stack, platform } = platformStack();
    expect(
      () =>
        new DruidCluster(stack, 'Druid', {
          platform,
          routerHostname: 'd.example.com',
          datasources: [
            {
              name: 'orders',
              source: DruidStreamSource.kafka('orders'),
              metrics: [{ type: DruidMetricType.DOUBLE_SUM, name: 'revenue' }],
            },
          ],
        }),
    ).toThrow(/S\/Druid: datasource orders: metric revenue \(doubleSum\) needs a fieldName/);
    expect(
      () =>
        new DruidCluster(stack, 'Druid2', {
          platform,
          routerHostname: 'd.example.com',
          ingestion: DruidIngestion.MSK,
          datasources: [{ name: 'telemetry', source: DruidStreamSource.kinesis('telemetry') }],
        }),
    ).toThrow(/S\/Druid2: datasource telemetry reads Kinesis but ingestion is "msk"/);
  });

  it("refuses a namespace the platform or the druid-operator uses: the cluster's namespace is deleted with it", () => {
    for (const namespace of ['monitoring', 'kube-system', 'druid-operator']) {
      const { stack, platform } = platformStack();
      expect(
        () =>
          new DruidCluster(stack, 'Druid', {
            platform,
            routerHostname: 'd.example.com',
            namespace,
            datasources: [{ name: 'orders', source: DruidStreamSource.kafka('orders') }],
          }),
      ).toThrow(
        new RegExp(
          `^S/Druid/.*: namespace "${namespace}" (is a namespace the platform uses|is the druid-operator's namespace)`,
        ),
      );
    }
  });

  it('has the same defaults as the config schema (an empty `druid: {}`)', () => {
    const fromConfig = druidSettings.parse({});
    const { hostname, ...router } = resolveDruidSettings({ routerHostname: 'h' }, 'x').router;
    const resolved = { ...resolveDruidSettings({ routerHostname: 'h' }, 'x'), router };
    expect(hostname).toBe('h');
    const { team: _team, ...config } = fromConfig as typeof fromConfig & { team?: string };
    expect(resolved).toEqual(config);
  });
});
