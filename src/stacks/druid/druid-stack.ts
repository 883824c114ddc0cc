import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { acknowledge, acknowledgeIamWildcards } from '../../checks/acknowledgements';
import type { DruidSettings } from '../../config/architectures/druid';
import { DruidKubernetes } from '../../constructs/druid/druid-kubernetes';
import { TOPIC_JOB_SERVICE_ACCOUNT } from '../../constructs/druid/kubernetes/types';
import { DruidMetadataStore } from '../../constructs/druid/metadata-store';
import { datasourceApiCalls, type StreamEndpoints } from '../../constructs/druid/specs';
import { DruidStorage } from '../../constructs/druid/storage';
import { DruidStreams } from '../../constructs/druid/streams';
import { PodIdentityRole } from '../../constructs/eks/pod-identity';
import { EncryptionKey } from '../../constructs/encryption-key';
import { PublishedValue } from '../../constructs/published-value';
import { SecureBucket } from '../../constructs/secure-bucket';
import { VERSIONS } from '../../versions';
import type { EksStack } from '../eks/eks-stack';
import { EnvironmentStack, type EnvironmentStackProps } from '../environment-stack';

/**
 * What Druid needs from the EKS platform. `hostFromEksStack` adapts the `EksStack`; tests and other
 * platforms can provide it directly.
 */
export interface DruidClusterHost {
  readonly cluster: eks.ICluster;
  readonly vpc: ec2.IVpc;
  readonly vpcCidr: string;
  /** Physical EKS cluster name (Pod Identity associations, Karpenter discovery tags). */
  readonly clusterName: string;
  /** Role of Karpenter-launched nodes (the NVMe EC2NodeClass uses it). */
  readonly karpenterNodeRoleName: string;
  /** Bottlerocket release pinned by the platform. */
  readonly bottlerocketVersion: string;
  /** IngressClass of internal ALBs. */
  readonly internalIngressClass: string;
  /** Role of the External Secrets controller (namespaced SecretStores read with it). */
  readonly externalSecretsRole: iam.IRole;
  /** Platform components Druid's charts and manifests must come after. */
  readonly ready: readonly Construct[];
}

/** The DruidClusterHost of a Fastish EksStack. */
export function hostFromEksStack(eksStack: EksStack): DruidClusterHost {
  const s = eksStack.fastishEnv.settings.eks;
  return {
    cluster: eksStack.cluster,
    vpc: eksStack.vpc,
    vpcCidr: s.vpcCidr,
    clusterName: eksStack.cluster.clusterName,
    karpenterNodeRoleName: eksStack.karpenter.nodeRole.roleName,
    bottlerocketVersion: VERSIONS.eks.bottlerocket,
    internalIngressClass: eksStack.internalIngressClass,
    // The EKS platform always installs External Secrets under this role name; Druid attaches its own read
    // policy here rather than importing a cross-stack reference.
    externalSecretsRole: iam.Role.fromRoleName(
      eksStack,
      'DruidExternalSecretsRoleRef',
      eksStack.fastishEnv.naming.roleName('eks-external-secrets'),
      { mutable: false },
    ),
    ready: [eksStack.platformReady],
  };
}

export interface DruidStackProps extends Omit<EnvironmentStackProps, 'architecture'> {
  /** The EKS platform Druid runs on. */
  readonly host: DruidClusterHost;
}

/**
 * Apache Druid on the EKS platform (`druid` architecture): S3 deep storage (segments never expire),
 * task-log and MSQ scratch buckets, Aurora PostgreSQL Serverless v2 metadata, MSK Serverless (IAM)
 * and/or Kinesis ingestion, Pod Identity roles per Druid service, and the Kubernetes side
 * (`DruidKubernetes`): operator, typed `Druid` resource, TLS, internal ALB, NodePools, datasource specs.
 */
export class DruidStack extends EnvironmentStack {
  readonly settings: DruidSettings;
  readonly storage: DruidStorage;
  readonly metadata: DruidMetadataStore;
  readonly streams: DruidStreams;
  readonly kubernetes: DruidKubernetes;
  readonly roles: Record<'coordinator' | 'historical' | 'middlemanager', PodIdentityRole>;
  /** Pod Identity role of the Job creating the MSK topics (absent without MSK). */
  readonly topicRole?: PodIdentityRole;
  readonly secrets: Record<'admin' | 'internal' | 'keystore', secretsmanager.Secret>;
  readonly routerHostname: string;

  constructor(scope: Construct, id: string, props: DruidStackProps) {
    const env = props.environment;
    const settings = env.settings.druid;
    super(scope, id, { ...props, architecture: 'druid', team: props.team ?? settings.team });
    this.settings = settings;
    const n = env.naming;
    const host = props.host;
    const retention = env.settings.logRetentionDays as logs.RetentionDays;
    const clusterSg = host.cluster.clusterSecurityGroup;

    const key = new EncryptionKey(this, 'Key', {
      alias: n.kmsAlias('druid'),
      description: `Druid ${env.name}: segments, task logs, metadata store, secrets, streams`,
    }).key;
    key.grantEncryptDecrypt(new iam.ServicePrincipal(`logs.${env.region}.amazonaws.com`));

    // Storage
    const accessLogs = new SecureBucket(this, 'AccessLogs', {
      bucketName: n.bucketName('druid-access-logs'),
      accessLogsTarget: true,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
    }).bucket;
    this.storage = new DruidStorage(this, 'Storage', {
      names: {
        deepStorage: n.bucketName('druid-segments'),
        indexLogs: n.bucketName('druid-task-logs'),
        scratch: n.bucketName('druid-msq-scratch'),
      },
      key,
      accessLogs,
      noncurrentSegmentDays: settings.deepStorage.noncurrentVersionDays,
      indexLogsRetentionDays: settings.indexLogsRetentionDays,
      scratchRetentionDays: settings.scratchRetentionDays,
    });

    // Metadata
    this.metadata = new DruidMetadataStore(this, 'Metadata', {
      vpc: host.vpc,
      clientSecurityGroup: clusterSg,
      engineVersion: VERSIONS.druid.metadataEngine,
      key,
      clusterIdentifier: n.name('rdsCluster', 'druid', 'metadata'),
      minCapacity: settings.metadata.minCapacity,
      maxCapacity: settings.metadata.maxCapacity,
      readers: settings.metadata.readers,
      backupRetentionDays: settings.metadata.backupRetentionDays,
      iamAuthentication: settings.metadata.iamAuthentication,
      logRetention: retention,
    });

    // Streams
    const useMsk = settings.ingestion !== 'kinesis';
    const useKinesis = settings.ingestion !== 'msk';
    const kafkaDs = settings.datasources.filter((d) => d.source.type === 'kafka');
    const kinesisDs = settings.datasources.filter((d) => d.source.type === 'kinesis');
    if (!useMsk && kafkaDs.length > 0) {
      throw new Error(
        `environments.${env.name}.druid: datasource ${kafkaDs[0]?.name} reads Kafka but ingestion is "kinesis"`,
      );
    }
    if (!useKinesis && kinesisDs.length > 0) {
      throw new Error(
        `environments.${env.name}.druid: datasource ${kinesisDs[0]?.name} reads Kinesis but ingestion is "msk"`,
      );
    }
    const streamNames: Record<string, string> = {};
    for (const d of kinesisDs)
      if (d.source.type === 'kinesis')
        streamNames[d.source.stream] = n.name('kinesisStream', 'druid', d.source.stream);
    this.streams = new DruidStreams(this, 'Streams', {
      vpc: host.vpc,
      clientSecurityGroup: clusterSg,
      key,
      mskClusterName: useMsk ? n.name('mskCluster', 'druid') : undefined,
      topics: kafkaTopics(kafkaDs),
      kinesisStreams: kinesisDs.flatMap((d) =>
        d.source.type === 'kinesis'
          ? [{ name: streamNames[d.source.stream] ?? d.source.stream, shards: d.source.shards }]
          : [],
      ),
      logRetention: retention,
    });

    // Secrets (generated; Kubernetes reads them through External Secrets)
    const secret = (idPart: string, purpose: string) => {
      const s = new secretsmanager.Secret(this, idPart, {
        secretName: n.name('secret', 'druid', purpose),
        description: `Druid ${env.name}: ${purpose} (generated)`,
        encryptionKey: key,
        generateSecretString: { passwordLength: 32, excludePunctuation: true },
        removalPolicy: RemovalPolicy.RETAIN,
      });
      acknowledge(s, [
        {
          id: 'AwsSolutions-SMG4',
          reason:
            'Druid reads this password at process start (druid-basic-security / keystore); rotation needs a coordinated Druid user update and restart, so it is a runbook step rather than a Secrets Manager rotation Lambda.',
        },
      ]);
      return s;
    };
    this.secrets = {
      admin: secret('AdminPassword', 'admin-password'),
      internal: secret('InternalClientPassword', 'internal-client-password'),
      keystore: secret('KeystorePassword', 'keystore-password'),
    };
    const secretArns = [
      ...Object.values(this.secrets).map((s) => s.secretArn),
      this.metadata.secret.secretArn,
    ];
    new iam.Policy(this, 'ExternalSecretsReadDruidSecrets', {
      roles: [host.externalSecretsRole],
      statements: [
        new iam.PolicyStatement({
          actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
          resources: secretArns,
        }),
        new iam.PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [key.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${env.region}.amazonaws.com` } },
        }),
      ],
    });

    // Pod Identity roles: one per Druid service account that calls AWS.
    const ns = settings.namespace;
    const podRole = (svc: 'coordinator' | 'historical' | 'middlemanager', description: string) =>
      new PodIdentityRole(this, `${svc[0]?.toUpperCase()}${svc.slice(1)}Role`, {
        clusterName: host.clusterName,
        namespace: ns,
        serviceAccount: `druid-${svc}`,
        roleName: n.roleName(`druid-${svc}`),
        description,
      });
    this.roles = {
      coordinator: podRole(
        'coordinator',
        'Druid coordinator/overlord: segments, task logs, MSQ scratch, stream metadata',
      ),
      historical: podRole('historical', 'Druid historicals: read segments from deep storage'),
      middlemanager: podRole(
        'middlemanager',
        'Druid MiddleManagers and tasks: ingest streams and the data lake, write segments',
      ),
    };
    this.storage.grantReadWrite(this.roles.coordinator.role);
    this.storage.grantReadWrite(this.roles.middlemanager.role);
    this.storage.grantReadDeepStorage(this.roles.historical.role);
    for (const r of [this.roles.coordinator, this.roles.middlemanager]) {
      this.streams.grantConsume(r.role);
      this.streams.grantRead(r.role);
    }
    if (this.streams.msk) {
      this.topicRole = new PodIdentityRole(this, 'KafkaTopicsRole', {
        clusterName: host.clusterName,
        namespace: ns,
        serviceAccount: TOPIC_JOB_SERVICE_ACCOUNT,
        roleName: n.roleName('druid-kafka-topics'),
        description: 'Job creating the MSK Serverless topics Druid reads',
      });
      this.streams.grantCreateTopics(this.topicRole.role);
      // cdk-nag reports the group ARN with the literal region/account and the cluster UUID's intrinsic.
      const msk = this.getLogicalId(this.streams.msk);
      const uuid = `{"Fn::Select":[2,{"Fn::Split":["/",{"Fn::GetAtt":["${msk}","Arn"]}]}]}`;
      const group = `arn:${partitionOf(env.region)}:kafka:${env.region}:${env.account}:group/${n.name('mskCluster', 'druid')}/${uuid}/kafka-supervisor-*`;
      for (const r of [this.roles.coordinator, this.roles.middlemanager])
        acknowledgeIamWildcards(
          r.role,
          { resources: [group] },
          "Druid's Kafka clients name their consumer group kafka-supervisor-<random id> (KafkaRecordSupplier); the MSK consumer policy needs DescribeGroup/AlterGroup on the group ARN, so the grant covers that prefix on this cluster only.",
        );
    }
    if (settings.dataLake.bucketName) {
      const lake = s3.Bucket.fromBucketName(this, 'DataLake', settings.dataLake.bucketName);
      const prefixes = settings.datasources.flatMap((d) =>
        d.batch ? [d.batch.prefix.replace(/^\/+/, '')] : [],
      );
      for (const p of prefixes) lake.grantRead(this.roles.middlemanager.role, `${p}*`);
      if (prefixes.length > 0) {
        this.roles.middlemanager.role.addToPrincipalPolicy(
          new iam.PolicyStatement({
            actions: ['s3:ListBucket'],
            resources: [lake.bucketArn],
            conditions: { StringLike: { 's3:prefix': prefixes.map((p) => `${p}*`) } },
          }),
        );
        if (settings.dataLake.kmsKeyArn) {
          this.roles.middlemanager.role.addToPrincipalPolicy(
            new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [settings.dataLake.kmsKeyArn] }),
          );
        }
        acknowledgeIamWildcards(
          this.roles.middlemanager.role,
          // cdk-nag reports imported bucket ARNs with the literal partition of the region.
          {
            resources: prefixes.map(
              (p) => `arn:${partitionOf(env.region)}:s3:::${settings.dataLake.bucketName}/${p}*`,
            ),
          },
          'Batch ingestion reads every object below the datasource prefixes configured in druid.datasources[].batch.prefix of the data lake, and nothing else.',
        );
      }
    }
    this.acknowledgeBucketGrants();

    // Kubernetes
    this.routerHostname =
      settings.router.hostname ?? `druid.${env.name}.${props.platform.organization.domain}`;
    const endpoints: StreamEndpoints = {
      kafkaBootstrapServers: this.streams.bootstrapServers,
      region: env.region,
      kinesisStreamNames: streamNames,
    };
    this.kubernetes = new DruidKubernetes(this, 'Kubernetes', {
      cluster: host.cluster,
      region: env.region,
      vpcCidr: host.vpcCidr,
      settings,
      image: VERSIONS.druid.image,
      operatorChart: VERSIONS.druid.operatorChart,
      curlImage: VERSIONS.druid.curlImage,
      kafkaImage: VERSIONS.druid.kafkaImage,
      mskIamAuth: VERSIONS.druid.mskIamAuth,
      karpenter: {
        nodeRoleName: host.karpenterNodeRoleName,
        bottlerocketVersion: host.bottlerocketVersion,
        clusterName: host.clusterName,
      },
      storage: {
        deepStorageBucket: this.storage.deepStorage.bucketName,
        indexLogsBucket: this.storage.indexLogs.bucketName,
        scratchBucket: this.storage.scratch.bucketName,
        kmsKeyArn: key.keyArn,
      },
      jdbcUrl: this.metadata.jdbcUrl,
      metadataUser: this.metadata.druidUser,
      secretArns: {
        metadata: this.metadata.secret.secretArn,
        admin: this.secrets.admin.secretArn,
        internal: this.secrets.internal.secretArn,
        keystore: this.secrets.keystore.secretArn,
      },
      ingress: {
        hostname: this.routerHostname,
        certificateArn: settings.router.certificateArn,
        allowedCidrs: settings.router.allowedCidrs,
        ingressClass: host.internalIngressClass,
      },
      kafka: this.streams.bootstrapServers
        ? { bootstrapServers: this.streams.bootstrapServers, topics: kafkaTopics(kafkaDs) }
        : undefined,
      apiCalls: datasourceApiCalls(
        settings.datasources,
        endpoints,
        settings.dataLake.bucketName ? { bucketName: settings.dataLake.bucketName } : undefined,
      ),
    });
    for (const dep of host.ready) this.kubernetes.node.addDependency(dep);
    for (const r of [...Object.values(this.roles), ...(this.topicRole ? [this.topicRole] : [])])
      this.kubernetes.node.addDependency(r.association);

    // Published values (never secret values: ARNs only)
    const publish = (k: string, value: string, description: string) =>
      new PublishedValue(this, `Published-${k.replace(/\//g, '-')}`, {
        naming: n,
        architecture: 'druid',
        key: k,
        value,
        description,
      });
    publish(
      'router/url',
      `https://${this.routerHostname}`,
      'Druid router (SQL API, web console) on the internal ALB',
    );
    publish('buckets/deep-storage', this.storage.deepStorage.bucketName, 'Druid deep storage (segments)');
    publish('buckets/task-logs', this.storage.indexLogs.bucketName, 'Druid task logs');
    publish('buckets/msq-scratch', this.storage.scratch.bucketName, 'Druid MSQ durable storage');
    publish(
      'metadata/endpoint',
      this.metadata.cluster.clusterEndpoint.socketAddress,
      'Druid metadata store (Aurora PostgreSQL)',
    );
    publish(
      'metadata/secret-arn',
      this.metadata.secret.secretArn,
      "ARN of the credentials secret of Druid's metadata store user",
    );
    publish(
      'metadata/master-secret-arn',
      this.metadata.masterSecret.secretArn,
      'ARN of the metadata store master credentials (operators only)',
    );
    publish(
      'secrets/admin-password-arn',
      this.secrets.admin.secretArn,
      'ARN of the Druid admin password secret',
    );
    publish(
      'secrets/internal-client-password-arn',
      this.secrets.internal.secretArn,
      'ARN of the Druid internal client password secret',
    );
    if (this.streams.msk)
      publish('msk/cluster-arn', this.streams.msk.attrArn, 'MSK Serverless cluster Druid reads (IAM auth)');
    if (this.streams.bootstrapServers)
      publish(
        'msk/bootstrap-servers',
        this.streams.bootstrapServers,
        'MSK IAM bootstrap servers (port 9098)',
      );
  }

  /** CDK bucket/stream grants use object wildcards below exact bucket ARNs and `kms:GenerateDataKey*`/`ReEncrypt*`. */
  private acknowledgeBucketGrants(): void {
    const b = this.storage;
    const objects = [b.deepStorage, b.indexLogs, b.scratch].map(
      (bucket) => `<${this.getLogicalId(bucket.node.defaultChild as s3.CfnBucket)}.Arn>/*`,
    );
    const reason =
      "Druid writes and reads segment, task-log and MSQ objects under keys it generates, so object access is granted on every object of its own buckets (bucket ARNs are exact); KMS data-key actions are the ones S3 SSE-KMS needs on the stack's own key.";
    for (const role of Object.values(this.roles)) {
      acknowledgeIamWildcards(
        role,
        {
          actions: [
            's3:GetObject*',
            's3:GetBucket*',
            's3:List*',
            's3:DeleteObject*',
            's3:Abort*',
            'kms:GenerateDataKey*',
            'kms:ReEncrypt*',
          ],
          resources: objects,
        },
        reason,
      );
    }
  }
}

/** Each topic once, with the most partitions any datasource reading it asks for. */
function kafkaTopics(datasources: DruidSettings['datasources']): { name: string; partitions: number }[] {
  const topics = new Map<string, number>();
  for (const d of datasources)
    if (d.source.type === 'kafka')
      topics.set(d.source.topic, Math.max(topics.get(d.source.topic) ?? 1, d.source.partitions, d.taskCount));
  return [...topics].map(([name, partitions]) => ({ name, partitions }));
}

function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}
