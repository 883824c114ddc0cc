import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge } from '../../checks/acknowledgements';
import { MetadataUser } from './metadata-user';

export interface DruidMetadataStoreProps {
  readonly vpc: ec2.IVpc;
  /** The only security group allowed to connect (the EKS cluster security group, shared by all pods' nodes). */
  readonly clientSecurityGroup: ec2.ISecurityGroup;
  /** Aurora PostgreSQL engine version, e.g. `17.5`. */
  readonly engineVersion: string;
  /** Customer-managed key for storage, the credentials secret and Performance Insights. */
  readonly key: kms.IKey;
  /** Physical cluster identifier (from the naming module). */
  readonly clusterIdentifier: string;
  /** Serverless v2 capacity range in ACUs. @default 0.5-4 */
  readonly minCapacity?: number;
  readonly maxCapacity?: number;
  /** Reader instances (failover targets). @default 1 */
  readonly readers?: number;
  /** @default 14 */
  readonly backupRetentionDays?: number;
  /** IAM database authentication. @default false */
  readonly iamAuthentication?: boolean;
  /** PostgreSQL log retention in CloudWatch. @default 365 days */
  readonly logRetention?: logs.RetentionDays;
  /** Database port. @default 5432 */
  readonly port?: number;
}

/** Druid's metadata store name, users and JDBC parameters. */
export const METADATA_DATABASE = 'druid';
/** The cluster's master user (its name is kept: changing MasterUsername replaces the cluster). */
export const METADATA_MASTER_USER = 'druid';
/** The user Druid connects as: owner of the database, not the master user. */
export const METADATA_USER = 'druid_app';

/**
 * Aurora PostgreSQL Serverless v2 for Druid's metadata: private subnets, encrypted with the CMK,
 * deletion protection, snapshot on removal, automated backups, credentials generated in Secrets Manager,
 * TLS enforced (`rds.force_ssl`), and a security group open only to the cluster security group.
 */
export class DruidMetadataStore extends Construct {
  readonly cluster: rds.DatabaseCluster;
  /** Credentials of Druid's own user (what the pods read). */
  readonly secret: secretsmanager.ISecret;
  /** The master user's credentials (operators only; never synced into Kubernetes). */
  readonly masterSecret: secretsmanager.ISecret;
  readonly securityGroup: ec2.SecurityGroup;
  readonly port: number;

  constructor(scope: Construct, id: string, props: DruidMetadataStoreProps) {
    super(scope, id);
    this.port = props.port ?? 5432;
    const major = props.engineVersion.split('.')[0] ?? props.engineVersion;
    const engine = rds.DatabaseClusterEngine.auroraPostgres({
      version: rds.AuroraPostgresEngineVersion.of(props.engineVersion, major),
    });
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Druid metadata store: PostgreSQL from the EKS cluster security group only',
      allowAllOutbound: false,
    });
    this.securityGroup.addIngressRule(
      props.clientSecurityGroup,
      ec2.Port.tcp(this.port),
      'PostgreSQL from Druid pods (EKS cluster security group)',
    );
    const parameterGroup = new rds.ParameterGroup(this, 'Parameters', {
      engine,
      description: 'Druid metadata: TLS only, connection and statement logging',
      parameters: { 'rds.force_ssl': '1', log_connections: '1', log_disconnections: '1' },
    });
    const readers = Array.from({ length: props.readers ?? 1 }, (_, i) =>
      rds.ClusterInstance.serverlessV2(`Reader${i + 1}`, {
        scaleWithWriter: i === 0,
        autoMinorVersionUpgrade: true,
        enablePerformanceInsights: true,
        performanceInsightEncryptionKey: props.key,
      }),
    );
    // The log group RDS exports to, created first so it has retention and the CMK (no LogRetention Lambda).
    const logGroup = new logs.LogGroup(this, 'PostgresqlLogs', {
      logGroupName: `/aws/rds/cluster/${props.clusterIdentifier}/postgresql`,
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: props.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.cluster = new rds.DatabaseCluster(this, 'Cluster', {
      clusterIdentifier: props.clusterIdentifier,
      engine,
      port: this.port,
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [this.securityGroup],
      writer: rds.ClusterInstance.serverlessV2('Writer', {
        autoMinorVersionUpgrade: true,
        enablePerformanceInsights: true,
        performanceInsightEncryptionKey: props.key,
      }),
      readers,
      serverlessV2MinCapacity: props.minCapacity ?? 0.5,
      serverlessV2MaxCapacity: props.maxCapacity ?? 4,
      credentials: rds.Credentials.fromGeneratedSecret(METADATA_MASTER_USER, { encryptionKey: props.key }),
      // The custom resource creating Druid's user runs its statements through the Data API.
      enableDataApi: true,
      defaultDatabaseName: METADATA_DATABASE,
      storageEncrypted: true,
      storageEncryptionKey: props.key,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.SNAPSHOT,
      backup: { retention: Duration.days(props.backupRetentionDays ?? 14), preferredWindow: '02:00-03:00' },
      iamAuthentication: props.iamAuthentication ?? false,
      parameterGroup,
      cloudwatchLogsExports: ['postgresql'],
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: props.key,
      copyTagsToSnapshot: true,
    });
    this.cluster.node.addDependency(logGroup);
    if (!this.cluster.secret) throw new Error(`${this.node.path}: generated credentials secret missing`);
    this.masterSecret = this.cluster.secret;
    // The snapshot is useless without the password it was written with: keep the secrets too.
    (this.cluster.node.findChild('Secret') as secretsmanager.Secret).applyRemovalPolicy(RemovalPolicy.RETAIN);
    const userSecret = new rds.DatabaseSecret(this, 'DruidUserSecret', {
      username: METADATA_USER,
      encryptionKey: props.key,
      dbname: METADATA_DATABASE,
    });
    userSecret.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.secret = userSecret;
    new MetadataUser(this, 'DruidUser', {
      cluster: this.cluster,
      masterSecret: this.masterSecret,
      userSecret,
      user: METADATA_USER,
      database: METADATA_DATABASE,
      key: props.key,
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
    });
    acknowledge(userSecret, [
      {
        id: 'AwsSolutions-SMG4',
        reason:
          'Druid reads its metadata password at process start (synced by External Secrets); rotating it underneath running coordinators would break their JDBC pools, so it is a runbook step.',
      },
    ]);
    acknowledge(this.cluster, [
      {
        id: 'AwsSolutions-SMG4',
        reason:
          'The metadata password is read by Druid pods at start (synced by External Secrets); rotating it underneath running coordinators/overlords would break their JDBC pools, so rotation is an operator runbook step, not a schedule.',
      },
    ]);
    if (!props.iamAuthentication) {
      acknowledge(this.cluster, [
        {
          id: 'AwsSolutions-RDS6',
          reason:
            'Druid authenticates to PostgreSQL with the generated password (from Secrets Manager); IAM database authentication can be enabled with druid.metadata.iamAuthentication.',
        },
      ]);
    }
    if (this.port === 5432) {
      acknowledge(this.cluster, [
        {
          id: 'AwsSolutions-RDS11',
          reason:
            'Default PostgreSQL port: the security group admits only the EKS cluster security group, so a non-standard port adds no protection.',
        },
      ]);
    }
  }

  /** PostgreSQL user Druid connects as. */
  get druidUser(): string {
    return METADATA_USER;
  }

  /** JDBC URL with TLS required. */
  get jdbcUrl(): string {
    return `jdbc:postgresql://${this.cluster.clusterEndpoint.hostname}:${this.port}/${METADATA_DATABASE}?sslmode=require`;
  }
}
