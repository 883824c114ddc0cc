import { type CfnElement, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge, acknowledgeIamWildcards } from '../../checks/acknowledgements';
import { ENV } from '../../runtime/contract';
import { SecureBucket } from '../secure-bucket';
import type { FastishFunction } from './fastish-function';
import type { PartitionAccess, TenantTable } from './tenant-table';

export interface BillingExportProps {
  /** The billing function (its entry is the runtime's billing-export handler). */
  readonly function: FastishFunction;
  /** The table holding the usage items and the tenant index. */
  readonly table: TenantTable;
  /** The table's sparse index listing the tenants. */
  readonly tenantIndexName: string;
  /** What the function may do in the usage partitions (`<tenant>#usage` of every tenant). */
  readonly usageAccess: PartitionAccess[];
  /** Physical name of the export bucket (from `Naming.bucketName`). */
  readonly bucketName: string;
  /** Physical name of the bucket receiving the export bucket's server access logs. */
  readonly accessLogsBucketName: string;
  /** Customer-managed key encrypting the exports (SSE-KMS, bucket key on). */
  readonly key: kms.IKey;
  /** Physical name of the schedules' dead-letter queue (from `Naming.name('sqsQueue', …)`). */
  readonly deadLetterQueueName: string;
  /** Ids of the usage plans whose request counts are billed (one per tier). */
  readonly usagePlanIds: string[];
  /** Name of the SSM parameter holding the plan ids per tier (JSON), which the function reads. */
  readonly usagePlanIdsParameterName: string;
  /**
   * When request counts are copied from the usage plans into the usage items (what `GET /usage` shows).
   * @default every 15 minutes
   */
  readonly collectSchedule?: events.Schedule;
  /**
   * When the previous UTC day is exported. Late enough for API Gateway's usage data to settle.
   * @default 02:15 UTC daily
   */
  readonly exportSchedule?: events.Schedule;
  /**
   * Days exports are kept.
   * @default - kept (billing records)
   */
  readonly exportRetentionDays?: number;
  /**
   * Topic for the schedule dead-letter alarm.
   * @default - no alarm
   */
  readonly alarmTopic?: sns.ITopic;
}

/**
 * The daily billing export: per-tenant usage of the previous UTC day as CSV in an encrypted bucket
 * (`usage/date=YYYY-MM-DD/usage.csv`) and one EventBridge event per tenant-day on the default bus
 * (`source` `fastish.billing`, `detail-type` `Tenant Usage Day`), plus a 15-minute collection of request
 * counts from the usage plans. Two schedule rules invoke the function; schedule events that cannot be
 * delivered wait in an SQS dead-letter queue. The function's role may only: query the tenant index, query
 * and update billing attributes of usage partitions, read the plans' usage and keys, read the plan-id
 * parameter, put objects under `usage/` and put events on the default bus.
 */
export class BillingExport extends Construct {
  readonly bucket: s3.Bucket;
  readonly eventBus: events.IEventBus;
  readonly deadLetterQueue: sqs.Queue;
  readonly collectRule: events.Rule;
  readonly exportRule: events.Rule;

  constructor(scope: Construct, id: string, props: BillingExportProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const role = props.function.role;
    const accessLogs = new SecureBucket(this, 'AccessLogs', {
      bucketName: props.accessLogsBucketName,
      accessLogsTarget: true,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
    }).bucket;
    this.bucket = new SecureBucket(this, 'Exports', {
      bucketName: props.bucketName,
      encryptionKey: props.key,
      serverAccessLogsBucket: accessLogs,
      lifecycleRules: props.exportRetentionDays
        ? [{ id: 'expire-exports', expiration: Duration.days(props.exportRetentionDays) }]
        : [],
    }).bucket;
    this.eventBus = events.EventBus.fromEventBusName(this, 'DefaultBus', 'default');

    const fn = props.function.function;
    fn.addEnvironment(ENV.billingBucket, this.bucket.bucketName);
    fn.addEnvironment(ENV.billingEventBus, this.eventBus.eventBusName);

    // Table: the tenant list and the usage partitions' billing attributes, nothing else.
    props.table.grantQueryIndex(role, 'ListTenants', props.tenantIndexName);
    props.usageAccess.forEach((access, i) => {
      props.table.grantPartitions(role, `BillingUsage${i + 1}`, [access], '*');
    });
    const exportsPrefix = this.bucket.arnForObjects('usage/*');
    const apigw = (path: string) => `arn:${stack.partition}:apigateway:${stack.region}::${path}`;
    const planResources = props.usagePlanIds.flatMap((planId) => [
      apigw(`/usageplans/${planId}/usage`),
      apigw(`/usageplans/${planId}/keys`),
    ]);
    const policy = new iam.Policy(this, 'Policy', {
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          sid: 'ReadPlanUsage',
          // GetUsage (GET /usageplans/<id>/usage) and GetUsagePlanKeys (GET /usageplans/<id>/keys).
          actions: ['apigateway:GET'],
          resources: planResources,
        }),
        new iam.PolicyStatement({
          sid: 'ReadPlanIds',
          actions: ['ssm:GetParameter'],
          resources: [
            `arn:${stack.partition}:ssm:${stack.region}:${stack.account}:parameter${props.usagePlanIdsParameterName}`,
          ],
        }),
        new iam.PolicyStatement({
          sid: 'WriteExports',
          actions: ['s3:PutObject'],
          resources: [exportsPrefix],
        }),
        new iam.PolicyStatement({
          sid: 'ExportKeyViaS3',
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [props.key.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } },
        }),
        new iam.PolicyStatement({
          sid: 'PutUsageEvents',
          actions: ['events:PutEvents'],
          resources: [this.eventBus.eventBusArn],
        }),
      ],
    });

    this.deadLetterQueue = new sqs.Queue(this, 'ScheduleDeadLetters', {
      queueName: props.deadLetterQueueName,
      // Holds only schedule events ({"action": ...}), no usage data: SQS-managed encryption, which
      // EventBridge can write without a key policy.
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const target = (action: string) =>
      new targets.LambdaFunction(fn, {
        event: events.RuleTargetInput.fromObject({ action }),
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 4,
        maxEventAge: Duration.hours(2),
      });
    this.collectRule = new events.Rule(this, 'CollectSchedule', {
      description: 'Copies request counts from the usage plans into the usage items',
      schedule: props.collectSchedule ?? events.Schedule.rate(Duration.minutes(15)),
      targets: [target('collect')],
    });
    this.exportRule = new events.Rule(this, 'ExportSchedule', {
      description: "Exports the previous UTC day's usage per tenant (S3 CSV, one event per tenant-day)",
      schedule: props.exportSchedule ?? events.Schedule.cron({ minute: '15', hour: '2' }),
      targets: [target('export')],
    });

    if (props.alarmTopic) {
      this.deadLetterQueue
        .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' })
        .createAlarm(this, 'ScheduleDeadLettersAlarm', {
          alarmDescription: 'Billing: a scheduled collection or export was not delivered to the function',
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        })
        .addAlarmAction(new cwActions.SnsAction(props.alarmTopic));
    }

    acknowledgeIamWildcards(
      policy,
      { resources: [`<${stack.getLogicalId(this.bucket.node.defaultChild as CfnElement)}.Arn>/usage/*`] },
      'Export objects are named by date (usage/date=YYYY-MM-DD/usage.csv); the grant is PutObject under the usage/ prefix of this bucket only.',
    );
    acknowledge(this.deadLetterQueue, [
      {
        id: 'AwsSolutions-SQS3',
        reason: 'This queue is itself the dead-letter destination of the billing schedule rules.',
      },
      {
        id: 'Serverless-SQSRedrivePolicy',
        reason:
          'Dead-lettered schedule events are not redriven: every action is idempotent, and an operator re-runs a missed day by invoking the function with {"action":"export","date":"YYYY-MM-DD"}.',
      },
    ]);
    acknowledge(fn, [
      {
        id: 'Serverless-LambdaDLQ',
        reason:
          'Invoked by EventBridge schedule rules whose targets have a dead-letter queue and retries; failed runs raise the Errors alarm and are re-run by date (the export is idempotent).',
      },
    ]);
  }
}
