import { Arn, ArnFormat, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as msk from 'aws-cdk-lib/aws-msk';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { acknowledge, acknowledgeManagedPolicies } from '../../checks/acknowledgements';
import { MSK_IAM_PORT } from './specs';

export interface DruidStreamsProps {
  readonly vpc: ec2.IVpc;
  /** Security group of the clients (the EKS cluster security group). */
  readonly clientSecurityGroup: ec2.ISecurityGroup;
  /** Key encrypting Kinesis streams and the custom resource's logs. */
  readonly key: kms.IKey;
  /** MSK Serverless cluster name, or undefined for no MSK. */
  readonly mskClusterName?: string;
  /** Topics Druid reads (MSK), created by the Druid Kubernetes topic Job. */
  readonly topics: readonly { readonly name: string; readonly partitions: number }[];
  /** Prefix of the consumer group ids Druid's Kafka clients use (`kafka-supervisor-<random>`). */
  readonly consumerGroupPrefix?: string;
  /** Kinesis streams to create: physical name and shard count. */
  readonly kinesisStreams: readonly { readonly name: string; readonly shards: number }[];
  /** Retention of the custom resource's log group. */
  readonly logRetention: logs.RetentionDays;
}

/**
 * Streaming sources Druid reads: an MSK Serverless cluster with IAM access control (SASL/IAM on 9098,
 * in the private subnets, reachable from the cluster security group only) and KMS-encrypted Kinesis
 * streams. MSK Serverless publishes no bootstrap string in CloudFormation, so a custom resource reads it
 * (`kafka:GetBootstrapBrokers`) at deploy time.
 */
export class DruidStreams extends Construct {
  readonly msk?: msk.CfnServerlessCluster;
  readonly mskSecurityGroup?: ec2.SecurityGroup;
  /** IAM SASL bootstrap servers (deploy-time token) when MSK is enabled. */
  readonly bootstrapServers?: string;
  readonly streams: Map<string, kinesis.Stream> = new Map();
  private readonly topics: readonly string[];
  private readonly groupPrefix: string;
  private readonly mskClusterName?: string;

  constructor(scope: Construct, id: string, props: DruidStreamsProps) {
    super(scope, id);
    this.topics = props.topics.map((t) => t.name);
    this.groupPrefix = props.consumerGroupPrefix ?? 'kafka-supervisor-';
    this.mskClusterName = props.mskClusterName;
    if (props.mskClusterName) {
      this.mskSecurityGroup = new ec2.SecurityGroup(this, 'MskSecurityGroup', {
        vpc: props.vpc,
        description: 'MSK Serverless: Kafka IAM (9098) from the EKS cluster security group only',
        allowAllOutbound: false,
      });
      this.mskSecurityGroup.addIngressRule(
        props.clientSecurityGroup,
        ec2.Port.tcp(MSK_IAM_PORT),
        'Kafka SASL/IAM from Druid pods',
      );
      const subnets = props.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
      this.msk = new msk.CfnServerlessCluster(this, 'Msk', {
        clusterName: props.mskClusterName,
        clientAuthentication: { sasl: { iam: { enabled: true } } },
        vpcConfigs: [
          { subnetIds: subnets.subnetIds, securityGroups: [this.mskSecurityGroup.securityGroupId] },
        ],
      });
      // Streams hold data not yet in deep storage (and the offsets Druid's metadata refers to).
      this.msk.applyRemovalPolicy(RemovalPolicy.RETAIN);
      const brokers = new cr.AwsCustomResource(this, 'BootstrapBrokers', {
        onUpdate: {
          service: 'Kafka',
          action: 'getBootstrapBrokers',
          parameters: { ClusterArn: this.msk.attrArn },
          physicalResourceId: cr.PhysicalResourceId.of(props.mskClusterName),
          outputPaths: ['BootstrapBrokerStringSaslIam'],
        },
        policy: cr.AwsCustomResourcePolicy.fromStatements([
          new iam.PolicyStatement({ actions: ['kafka:GetBootstrapBrokers'], resources: [this.msk.attrArn] }),
        ]),
        logGroup: new logs.LogGroup(this, 'BootstrapBrokersLogs', {
          retention: props.logRetention,
          encryptionKey: props.key,
          removalPolicy: RemovalPolicy.RETAIN,
        }),
        installLatestAwsSdk: false,
        timeout: Duration.minutes(2),
      });
      this.bootstrapServers = brokers.getResponseField('BootstrapBrokerStringSaslIam');
      acknowledgeCustomResourceProvider(Stack.of(this));
    }
    for (const s of props.kinesisStreams) {
      this.streams.set(
        s.name,
        new kinesis.Stream(this, `Stream-${s.name}`, {
          streamName: s.name,
          shardCount: s.shards,
          streamMode: kinesis.StreamMode.PROVISIONED,
          encryption: kinesis.StreamEncryption.KMS,
          encryptionKey: props.key,
          retentionPeriod: Duration.hours(24),
          removalPolicy: RemovalPolicy.RETAIN,
        }),
      );
      acknowledge(this.streams.get(s.name) as kinesis.Stream, [
        {
          id: 'AwsSolutions-KDS3',
          reason:
            'The stream is encrypted with the Druid stack’s customer-managed KMS key (rotation on), which Fastish requires instead of the AWS-managed aws/kinesis key.',
        },
      ]);
    }
  }

  /** ARN of a topic or group of this cluster: arn:aws:kafka:<region>:<account>:<kind>/<name>/<uuid>/<x>. */
  private kafkaArn(resource: 'topic' | 'group', name: string): string {
    const msk = this.msk as msk.CfnServerlessCluster;
    const uuid = Fn.select(2, Fn.split('/', msk.attrArn));
    return Arn.format(
      {
        service: 'kafka',
        resource,
        resourceName: `${this.mskClusterName}/${uuid}/${name}`,
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      },
      Stack.of(this),
    );
  }

  /**
   * Kafka consumer rights as the MSK developer guide lists them for a consumer (IAM access control, "Example
   * policies"): connect, describe and read the configured topics, and describe/alter its consumer groups.
   * Druid assigns partitions itself and keeps offsets in its metadata store, but its clients still carry a
   * `kafka-supervisor-<random>` group id, so the group rights are scoped to that prefix.
   */
  grantConsume(grantee: iam.IGrantable): iam.Grant {
    if (!this.msk || !this.mskClusterName) return iam.Grant.drop(grantee, 'no MSK cluster');
    const connect = iam.Grant.addToPrincipal({
      grantee,
      actions: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster'],
      resourceArns: [this.msk.attrArn],
    });
    // No datasource reads Kafka yet: a statement without resources would be invalid IAM.
    if (this.topics.length === 0) return connect;
    return connect
      .combine(
        iam.Grant.addToPrincipal({
          grantee,
          actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
          resourceArns: this.topics.map((t) => this.kafkaArn('topic', t)),
        }),
      )
      .combine(
        iam.Grant.addToPrincipal({
          grantee,
          actions: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'],
          resourceArns: [this.kafkaArn('group', `${this.groupPrefix}*`)],
        }),
      );
  }

  /** What the topic Job needs: connect, then create (if absent) and describe exactly the configured topics. */
  grantCreateTopics(grantee: iam.IGrantable): iam.Grant {
    if (!this.msk || this.topics.length === 0) return iam.Grant.drop(grantee, 'no MSK topics');
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['kafka-cluster:Connect'],
      resourceArns: [this.msk.attrArn],
    }).combine(
      iam.Grant.addToPrincipal({
        grantee,
        actions: ['kafka-cluster:CreateTopic', 'kafka-cluster:DescribeTopic'],
        resourceArns: this.topics.map((t) => this.kafkaArn('topic', t)),
      }),
    );
  }

  /** Kinesis read rights on exactly the streams created here (and decrypt through their key). */
  grantRead(grantee: iam.IGrantable): void {
    for (const stream of this.streams.values()) stream.grantRead(grantee);
  }
}

/** AwsCustomResource's singleton provider: acknowledged once per stack, specifically. */
export function acknowledgeCustomResourceProvider(stack: Stack): void {
  const provider = stack.node.tryFindChild('AWS679f53fac002430cb0da5b7982bd2287');
  if (!provider) return;
  acknowledgeManagedPolicies(
    provider,
    ['service-role/AWSLambdaBasicExecutionRole'],
    'CDK AwsCustomResource singleton: its Lambda needs only to write its own logs; the SDK call permissions are an inline policy scoped to the MSK cluster ARN.',
  );
  acknowledge(provider, [
    {
      id: 'AwsSolutions-L1',
      reason: 'Runtime of the CDK AwsCustomResource singleton is chosen by aws-cdk-lib and upgrades with it.',
    },
    {
      id: 'Serverless-LambdaDLQ',
      reason:
        'CloudFormation invokes the custom resource synchronously and receives its failures; a DLQ would never be used.',
    },
    {
      id: 'Serverless-LambdaTracing',
      reason:
        'Deploy-time custom resource (one GetBootstrapBrokers call); CloudWatch logs are its diagnostic record.',
    },
    {
      id: 'Serverless-LambdaDefaultMemorySize',
      reason: 'The single SDK call of the CDK AwsCustomResource singleton needs no memory tuning.',
    },
    {
      id: 'Serverless-LambdaLatestVersion',
      reason: 'Runtime of the CDK AwsCustomResource singleton is pinned by aws-cdk-lib.',
    },
    {
      id: 'Serverless-LambdaAsyncFailureDestination',
      reason:
        'Invoked synchronously by CloudFormation, which rolls back on failure; no asynchronous events exist.',
    },
  ]);
}
