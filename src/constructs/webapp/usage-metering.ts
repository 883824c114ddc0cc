import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge, acknowledgeIamWildcards } from '../../checks/acknowledgements';
import type { FastishFunction } from './fastish-function';
import type { TenantTable } from './tenant-table';

export interface UsageMeteringProps {
  /** The stream consumer (its entry is the runtime's usage-stream handler). */
  readonly consumer: FastishFunction;
  /** The table whose stream is metered. */
  readonly table: TenantTable;
  /** Key encrypting the dead-letter queue. */
  readonly queueKey: kms.IKey;
  /** Physical name of the dead-letter queue (from `Naming.name('sqsQueue', …)`). */
  readonly deadLetterQueueName: string;
  /** Partition-key patterns (`ForAllValues:StringLike`) the consumer may write: its usage partitions. */
  readonly writableLeadingKeys: string[];
  /**
   * Longest the poller gathers records before invoking the consumer: the consumer writes a constant number
   * of items per tenant per batch, so a longer window means fewer writes (and invocations) under load, at
   * the cost of item counts lagging by up to the window.
   * @default Duration.seconds(30)
   */
  readonly maxBatchingWindow?: Duration;
  /**
   * Attempts per batch before its records go to the dead-letter queue.
   * @default 5
   */
  readonly retryAttempts?: number;
  /**
   * Topic for the dead-letter and iterator-age alarms.
   * @default - no alarms
   */
  readonly alarmTopic?: sns.ITopic;
}

/**
 * Usage metering: the table's stream feeds the consumer, which adds item creations/deletions and the
 * stored-item count to each tenant's usage partition, aggregated per tenant per batch. Only INSERT and
 * REMOVE records invoke it (an event filter; updates are never metered), in batches of up to 1,000
 * records gathered for up to `maxBatchingWindow`. Failures bisect the batch and retry a bounded number
 * of times; records that still fail go (as stream pointers) to an encrypted SQS dead-letter queue.
 * The consumer may only Get/Update items in usage partitions, never other tenants' data partitions.
 */
export class UsageMetering extends Construct {
  readonly deadLetterQueue: sqs.Queue;
  readonly eventSource: sources.DynamoEventSource;

  constructor(scope: Construct, id: string, props: UsageMeteringProps) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      queueName: props.deadLetterQueueName,
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.queueKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.eventSource = new sources.DynamoEventSource(props.table.table, {
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: 1000,
      maxBatchingWindow: props.maxBatchingWindow ?? Duration.seconds(30),
      filters: [lambda.FilterCriteria.filter({ eventName: lambda.FilterRule.or('INSERT', 'REMOVE') })],
      bisectBatchOnError: true,
      retryAttempts: props.retryAttempts ?? 5,
      maxRecordAge: Duration.hours(24),
      parallelizationFactor: 1,
      reportBatchItemFailures: true,
      onFailure: new sources.SqsDlq(this.deadLetterQueue),
    });
    props.consumer.function.addEventSource(this.eventSource);
    // Lambda's DynamoDB stream poller needs dynamodb:ListStreams, which IAM authorizes on `*` only; the
    // event source grants it on the stream's ARN for a TableV2 (aws-cdk#34575), which never matches.
    props.consumer.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['dynamodb:ListStreams'], resources: ['*'] }),
    );
    props.table.grantOnLeadingKeys(
      props.consumer.role,
      'UsagePartitionsOnly',
      ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      props.writableLeadingKeys,
    );

    acknowledgeIamWildcards(
      props.consumer.role,
      { resources: ['*'] },
      'dynamodb:ListStreams (the stream poller lists streams) supports no resource-level permissions',
    );
    acknowledgeIamWildcards(
      props.consumer.role,
      { actions: ['kms:ReEncrypt*', 'kms:GenerateDataKey*'] },
      'SqsDlq grants the KMS actions SQS needs to encrypt dead letters; limited to the queue key ARN',
    );
    acknowledge(this.deadLetterQueue, [
      {
        id: 'AwsSolutions-SQS3',
        reason: 'This queue is itself the dead-letter destination of the metering stream consumer.',
      },
      {
        id: 'Serverless-SQSRedrivePolicy',
        reason:
          'This queue is the last stop for failed stream batches; nothing consumes it automatically to redrive from.',
      },
    ]);
    acknowledge(props.consumer.function, [
      {
        id: 'Serverless-LambdaDLQ',
        reason:
          'Invoked by a DynamoDB stream event source mapping, whose on-failure destination is the SQS dead-letter queue; a function DLQ only covers async invokes.',
      },
    ]);

    if (props.alarmTopic) {
      const action = new cwActions.SnsAction(props.alarmTopic);
      this.deadLetterQueue
        .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' })
        .createAlarm(this, 'DeadLettersAlarm', {
          alarmDescription: 'Usage metering: stream records failed after retries (usage is under-counted)',
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        })
        .addAlarmAction(action);
      new cloudwatch.Metric({
        namespace: 'AWS/Lambda',
        metricName: 'IteratorAge',
        dimensionsMap: { FunctionName: props.consumer.function.functionName },
        period: Duration.minutes(5),
        statistic: 'Maximum',
      })
        .createAlarm(this, 'IteratorAgeAlarm', {
          alarmDescription: 'Usage metering lags the table stream by more than 15 minutes',
          threshold: 15 * 60 * 1000,
          evaluationPeriods: 3,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        })
        .addAlarmAction(action);
    }
  }
}
