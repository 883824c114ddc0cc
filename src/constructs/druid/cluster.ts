import { Duration, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge, acknowledgeIamWildcards } from '../../checks/acknowledgements';
import { VERSIONS } from '../../versions';
import { NamedResource } from '../eks/naming';
import { PodIdentityRole } from '../eks/pod-identity';
import { EncryptionKey } from '../encryption-key';
import { SecureBucket } from '../secure-bucket';
import type { DruidClusterProps } from './cluster-props';
import { DruidKubernetes } from './druid-kubernetes';
import { TOPIC_JOB_SERVICE_ACCOUNT } from './kubernetes/types';
import { DruidMetadataStore } from './metadata-store';
import { resolveDruidSettings } from './resolve';
import type { DatasourceSettings, DruidClusterSettings } from './settings';
import { datasourceApiCalls, type StreamEndpoints } from './specs';
import { DruidStorage } from './storage';
import { DruidStreams } from './streams';

/** The constructs a `DruidCluster` is made of (internal: their shapes are not the library's API). */
export interface DruidClusterParts {
  /** Every default resolved. */
  readonly settings: DruidClusterSettings;
  readonly storage: DruidStorage;
  readonly metadata: DruidMetadataStore;
  readonly streams: DruidStreams;
  readonly kubernetes: DruidKubernetes;
}

/**
 * Apache Druid on an `EksPlatform` (or any `IEksWorkloadHost`): S3 deep storage (segments never expire),
 * task-log and MSQ scratch buckets, Aurora PostgreSQL Serverless v2 metadata, MSK Serverless (IAM) and/or
 * Kinesis ingestion,
 * generated secrets synced by External Secrets, a Pod Identity role per Druid service that calls AWS,
 * and the Kubernetes side: operator, typed `Druid` resource, TLS, internal ALB,
 * NodePools and datasource specs. One customer-managed key (rotation on) encrypts all of it.
 */
export class DruidCluster extends Construct {
  /** Customer-managed key (rotation on) of the buckets, metadata store, secrets and streams. */
  readonly key: kms.IKey;
  /** Deep storage: segments (versioned; current versions never expire). */
  readonly deepStorageBucket: s3.IBucket;
  /** Task logs. */
  readonly indexLogsBucket: s3.IBucket;
  /** MSQ durable storage (intermediate files). */
  readonly scratchBucket: s3.IBucket;
  /** Aurora PostgreSQL Serverless v2 metadata store. */
  readonly metadataCluster: rds.IDatabaseCluster;
  /** Credentials of Druid's own metadata-store user. */
  readonly metadataSecret: secretsmanager.ISecret;
  /** ARN of the MSK Serverless cluster (with MSK ingestion). */
  readonly mskClusterArn?: string;
  /** IAM SASL bootstrap servers of the MSK cluster (a deploy-time value; with MSK ingestion). */
  readonly kafkaBootstrapServers?: string;
  /** Coordinator/overlord: deep storage, task logs and scratch read-write, and the streams. */
  readonly coordinatorRole: PodIdentityRole;
  /** Historicals: deep storage read-only. */
  readonly historicalRole: PodIdentityRole;
  /** MiddleManagers and tasks: buckets read-write, streams, the data lake's batch prefixes. */
  readonly middleManagerRole: PodIdentityRole;
  /** Pod Identity role of the Job creating the MSK topics (absent without MSK). */
  readonly topicRole?: PodIdentityRole;
  /** Password of Druid's `admin` user (basic security). */
  readonly adminSecret: secretsmanager.ISecret;
  /** Password Druid's services authenticate to each other with. */
  readonly internalClientSecret: secretsmanager.ISecret;
  /** Password of the pods' TLS keystores. */
  readonly keystoreSecret: secretsmanager.ISecret;
  /** Kubernetes namespace of the cluster. */
  readonly namespace: string;
  /** Host name of the router on the internal ALB. */
  readonly routerHostname: string;
  /**
   * The cluster's parts, for Fastish's own stacks and tests.
   * @internal
   */
  readonly _parts: DruidClusterParts;

  constructor(scope: Construct, id: string, props: DruidClusterProps) {
    super(scope, id);
    const settings = resolveDruidSettings(props, this.node.path);
    this.namespace = settings.namespace;
    const names = props.physicalNames;
    const named = (kind: NamedResource, purpose: string) => names?.resourceName(kind, purpose);
    const host = props.platform;
    const stack = Stack.of(this);
    const label = `Druid ${props.displayName ?? settings.clusterName}`;
    const retention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    const clusterSg = host.cluster.clusterSecurityGroup;

    this.key = new EncryptionKey(this, 'Key', {
      alias: names?.kmsAlias('druid') ?? `alias/${Names.uniqueResourceName(this, { maxLength: 200 })}`,
      description: `${label}: segments, task logs, metadata store, secrets, streams`,
    }).key;
    const key = this.key;
    key.grantEncryptDecrypt(new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`));

    // Storage
    const accessLogs = new SecureBucket(this, 'AccessLogs', {
      bucketName: named(NamedResource.S3_BUCKET, 'druid-access-logs'),
      accessLogsTarget: true,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
    }).bucket;
    const storage = new DruidStorage(this, 'Storage', {
      names: {
        deepStorage: named(NamedResource.S3_BUCKET, 'druid-segments'),
        indexLogs: named(NamedResource.S3_BUCKET, 'druid-task-logs'),
        scratch: named(NamedResource.S3_BUCKET, 'druid-msq-scratch'),
      },
      key,
      accessLogs,
      noncurrentSegmentDays: settings.deepStorage.noncurrentVersionDays,
      indexLogsRetentionDays: settings.indexLogsRetentionDays,
      scratchRetentionDays: settings.scratchRetentionDays,
    });

    // Metadata
    const metadata = new DruidMetadataStore(this, 'Metadata', {
      vpc: host.vpc,
      clientSecurityGroup: clusterSg,
      engineVersion: VERSIONS.druid.metadataEngine,
      key,
      clusterIdentifier:
        named(NamedResource.RDS_CLUSTER, 'metadata') ??
        Names.uniqueResourceName(this, { maxLength: 54, separator: '-' }).toLowerCase(),
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
        `${this.node.path}: datasource ${kafkaDs[0]?.name} reads Kafka but ingestion is "kinesis"`,
      );
    }
    if (!useKinesis && kinesisDs.length > 0) {
      throw new Error(
        `${this.node.path}: datasource ${kinesisDs[0]?.name} reads Kinesis but ingestion is "msk"`,
      );
    }
    const streamNames: Record<string, string> = {};
    for (const d of kinesisDs)
      if (d.source.type === 'kinesis')
        streamNames[d.source.stream] =
          named(NamedResource.KINESIS_STREAM, d.source.stream) ?? d.source.stream;
    const mskClusterName = useMsk
      ? (named(NamedResource.MSK_CLUSTER, '') ??
        Names.uniqueResourceName(this, { maxLength: 64, separator: '-' }))
      : undefined;
    const streams = new DruidStreams(this, 'Streams', {
      vpc: host.vpc,
      clientSecurityGroup: clusterSg,
      key,
      mskClusterName,
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
        secretName: named(NamedResource.SECRET, purpose),
        description: `${label}: ${purpose} (generated)`,
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
    this.adminSecret = secret('AdminPassword', 'admin-password');
    this.internalClientSecret = secret('InternalClientPassword', 'internal-client-password');
    this.keystoreSecret = secret('KeystorePassword', 'keystore-password');
    const secretArns = [
      this.adminSecret.secretArn,
      this.internalClientSecret.secretArn,
      this.keystoreSecret.secretArn,
      metadata.secret.secretArn,
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
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${stack.region}.amazonaws.com` } },
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
        roleName: names?.roleName(`druid-${svc}`),
        description,
      });
    this.coordinatorRole = podRole(
      'coordinator',
      'Druid coordinator/overlord: segments, task logs, MSQ scratch, stream metadata',
    );
    this.historicalRole = podRole('historical', 'Druid historicals: read segments from deep storage');
    this.middleManagerRole = podRole(
      'middlemanager',
      'Druid MiddleManagers and tasks: ingest streams and the data lake, write segments',
    );
    storage.grantReadWrite(this.coordinatorRole.role);
    storage.grantReadWrite(this.middleManagerRole.role);
    storage.grantReadDeepStorage(this.historicalRole.role);
    for (const r of [this.coordinatorRole, this.middleManagerRole]) {
      streams.grantConsume(r.role);
      streams.grantRead(r.role);
    }
    if (streams.msk && mskClusterName) {
      this.topicRole = new PodIdentityRole(this, 'KafkaTopicsRole', {
        clusterName: host.clusterName,
        namespace: ns,
        serviceAccount: TOPIC_JOB_SERVICE_ACCOUNT,
        roleName: names?.roleName('druid-kafka-topics'),
        description: 'Job creating the MSK Serverless topics Druid reads',
      });
      streams.grantCreateTopics(this.topicRole.role);
      // cdk-nag reports the group ARN with the literal region/account and the cluster UUID's intrinsic.
      const msk = stack.getLogicalId(streams.msk);
      const uuid = `{"Fn::Select":[2,{"Fn::Split":["/",{"Fn::GetAtt":["${msk}","Arn"]}]}]}`;
      const group = `arn:${partitionOf(stack.region)}:kafka:${stack.region}:${stack.account}:group/${mskClusterName}/${uuid}/kafka-supervisor-*`;
      for (const r of [this.coordinatorRole, this.middleManagerRole])
        acknowledgeIamWildcards(
          r.role,
          { resources: [group] },
          "Druid's Kafka clients name their consumer group kafka-supervisor-<random id> (KafkaRecordSupplier); the MSK consumer policy needs DescribeGroup/AlterGroup on the group ARN, so the grant covers that prefix on this cluster only.",
        );
    }
    if (props.dataLake) this.grantDataLake(props.dataLake.bucket, props.dataLake.key, settings.datasources);
    acknowledgeBucketGrants(storage, [this.coordinatorRole, this.historicalRole, this.middleManagerRole]);

    // Kubernetes
    this.routerHostname = props.routerHostname;
    const endpoints: StreamEndpoints = {
      kafkaBootstrapServers: streams.bootstrapServers,
      region: stack.region,
      kinesisStreamNames: streamNames,
    };
    const kubernetes = new DruidKubernetes(this, 'Kubernetes', {
      cluster: host.cluster,
      region: stack.region,
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
        deepStorageBucket: storage.deepStorage.bucketName,
        indexLogsBucket: storage.indexLogs.bucketName,
        scratchBucket: storage.scratch.bucketName,
        kmsKeyArn: key.keyArn,
      },
      jdbcUrl: metadata.jdbcUrl,
      metadataUser: metadata.druidUser,
      secretArns: {
        metadata: metadata.secret.secretArn,
        admin: this.adminSecret.secretArn,
        internal: this.internalClientSecret.secretArn,
        keystore: this.keystoreSecret.secretArn,
      },
      ingress: {
        hostname: this.routerHostname,
        certificateArn: settings.router.certificateArn,
        allowedCidrs: settings.router.allowedCidrs,
        ingressClass: host.internalIngressClass,
      },
      kafka: streams.bootstrapServers
        ? { bootstrapServers: streams.bootstrapServers, topics: kafkaTopics(kafkaDs) }
        : undefined,
      apiCalls: datasourceApiCalls(
        settings.datasources,
        endpoints,
        settings.dataLake.bucketName ? { bucketName: settings.dataLake.bucketName } : undefined,
      ),
    });
    kubernetes.node.addDependency(host.platformReady);
    for (const r of [this.coordinatorRole, this.historicalRole, this.middleManagerRole, this.topicRole])
      if (r) kubernetes.node.addDependency(r.association);

    this.deepStorageBucket = storage.deepStorage;
    this.indexLogsBucket = storage.indexLogs;
    this.scratchBucket = storage.scratch;
    this.metadataCluster = metadata.cluster;
    this.metadataSecret = metadata.secret;
    this.mskClusterArn = streams.msk?.attrArn;
    this.kafkaBootstrapServers = streams.bootstrapServers;
    this._parts = { settings, storage, metadata, streams, kubernetes };
  }

  /** Lets `grantee` read the admin password (e.g. a client of the SQL API). */
  grantReadAdminPassword(grantee: iam.IGrantable): iam.Grant {
    return this.adminSecret.grantRead(grantee);
  }

  /** Router URL (SQL API, web console) on the internal ALB. */
  get routerUrl(): string {
    return `https://${this.routerHostname}`;
  }

  /** Batch ingestion reads the data lake below the datasources' batch prefixes, and nothing else. */
  private grantDataLake(
    lake: s3.IBucket,
    lakeKey: kms.IKey | undefined,
    datasources: readonly DatasourceSettings[],
  ) {
    const role = this.middleManagerRole.role;
    const prefixes = datasources.flatMap((d) => (d.batch ? [d.batch.prefix.replace(/^\/+/, '')] : []));
    for (const p of prefixes) lake.grantRead(role, `${p}*`);
    if (prefixes.length === 0) return;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [lake.bucketArn],
        conditions: { StringLike: { 's3:prefix': prefixes.map((p) => `${p}*`) } },
      }),
    );
    if (lakeKey)
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [lakeKey.keyArn] }),
      );
    acknowledgeIamWildcards(
      role,
      // cdk-nag reports imported bucket ARNs with the literal partition of the region.
      {
        resources: prefixes.map(
          (p) => `arn:${partitionOf(Stack.of(this).region)}:s3:::${lake.bucketName}/${p}*`,
        ),
      },
      'Batch ingestion reads every object below the datasource prefixes configured in druid.datasources[].batch.prefix of the data lake, and nothing else.',
    );
  }
}

/** CDK bucket/stream grants use object wildcards below exact bucket ARNs and `kms:GenerateDataKey*`/`ReEncrypt*`. */
function acknowledgeBucketGrants(b: DruidStorage, roles: readonly PodIdentityRole[]): void {
  const stack = Stack.of(b);
  const objects = [b.deepStorage, b.indexLogs, b.scratch].map(
    (bucket) => `<${stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket)}.Arn>/*`,
  );
  const reason =
    "Druid writes and reads segment, task-log and MSQ objects under keys it generates, so object access is granted on every object of its own buckets (bucket ARNs are exact); KMS data-key actions are the ones S3 SSE-KMS needs on the stack's own key.";
  for (const role of roles) {
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

/** Each topic once, with the most partitions any datasource reading it asks for. */
function kafkaTopics(datasources: readonly DatasourceSettings[]): { name: string; partitions: number }[] {
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
