import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { acknowledge, acknowledgeIamWildcards } from '../../checks/acknowledgements';
import { bundleHandler } from './handler-bundle';

export interface FastishFunctionProps {
  /** Absolute path of the TypeScript entry file (exports `handler`). */
  readonly entry: string;
  /** Directory holding `package-lock.json` and `node_modules`: the bundle's root. */
  readonly projectRoot: string;
  /** Physical function name (from `Naming.name('lambdaFunction', …)`). */
  readonly functionName: string;
  /** What the function does. */
  readonly description: string;
  /** Powertools service name (logs, metrics, traces). */
  readonly serviceName: string;
  /** Log group name (from `Naming.logGroupName`). */
  readonly logGroupName: string;
  /** Key encrypting the log group (its policy must let CloudWatch Logs use it). */
  readonly logKey: kms.IKey;
  /** Retention of the log group. */
  readonly logRetention: logs.RetentionDays;
  /** Environment variables besides Powertools' ones. Never secrets: pass a secret's ARN instead. */
  readonly environment?: Record<string, string>;
  /**
   * Memory in MB (ARM64 Lambdas get CPU in proportion).
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Timeout.
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
  /**
   * Reserved concurrency.
   * @default - unreserved (uses the account's shared pool)
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Topic that receives the error and throttle alarms.
   * @default - no alarms
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Who invokes the function synchronously (e.g. 'API Gateway'). Synchronous callers get errors back, so
   * there are no asynchronous events for a function dead-letter queue; this acknowledges that finding.
   * @default - not synchronous: configure failure handling on the event source
   */
  readonly synchronousInvoker?: string;
  /**
   * CloudWatch metric namespace of Powertools metrics.
   * @default 'Fastish'
   */
  readonly metricsNamespace?: string;
}

/**
 * A Node.js 22 Lambda on ARM64, bundled once per process by the local esbuild (never Docker; see
 * `bundleHandler`), with its own role
 * (no managed policies), a KMS-encrypted log group with retention, X-Ray active tracing, Powertools
 * configuration, and alarms on errors and throttles.
 *
 * Bundling is deterministic and offline: esbuild is resolved from `node_modules`, the AWS SDK is
 * bundled at the locked version (not whatever the Lambda runtime ships), and the asset hash depends only
 * on the bundle's content.
 */
export class FastishFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly errorsAlarm?: cloudwatch.Alarm;
  readonly throttlesAlarm?: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: FastishFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: props.logGroupName,
      retention: props.logRetention,
      encryptionKey: props.logKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.functionName}`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new lambda.Function(this, 'Function', {
      code: lambda.Code.fromAsset(bundleHandler({ entry: props.entry, projectRoot: props.projectRoot })),
      handler: 'index.handler',
      functionName: props.functionName,
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      tracing: lambda.Tracing.ACTIVE,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace ?? 'Fastish',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        POWERTOOLS_LOGGER_LOG_EVENT: 'false',
        ...props.environment,
      },
    });

    // X-Ray's PutTraceSegments/PutTelemetryRecords have no resource-level permissions.
    acknowledgeIamWildcards(
      this.role,
      { resources: ['*'] },
      'X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions (AWS docs: "*" only)',
    );

    if (props.alarmTopic) {
      const action = new cwActions.SnsAction(props.alarmTopic);
      this.errorsAlarm = this.function
        .metricErrors({ period: Duration.minutes(5), statistic: 'Sum' })
        .createAlarm(this, 'Errors', {
          alarmDescription: `${props.functionName}: invocations failed (unhandled errors or timeouts)`,
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        });
      this.throttlesAlarm = this.function
        .metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' })
        .createAlarm(this, 'Throttles', {
          alarmDescription: `${props.functionName}: invocations throttled (concurrency exhausted)`,
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        });
      this.errorsAlarm.addAlarmAction(action);
      this.throttlesAlarm.addAlarmAction(action);
    }

    if (props.synchronousInvoker) {
      acknowledge(this.function, [
        {
          id: 'Serverless-LambdaDLQ',
          reason: `Invoked only synchronously by ${props.synchronousInvoker}: errors return to the caller, no async events exist to dead-letter.`,
        },
      ]);
    }
    acknowledge(this.function, [
      {
        id: 'AwsSolutions-L1',
        reason:
          'Node.js 22 is the runtime pinned by the Fastish design (DESIGN.md webapp); runtime upgrades are a reviewed change.',
      },
      {
        id: 'Serverless-LambdaLatestVersion',
        reason:
          'Node.js 22 is the runtime pinned by the Fastish design (DESIGN.md webapp); runtime upgrades are a reviewed change.',
      },
    ]);
  }
}
