import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CustomResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge } from '../../checks/acknowledgements';

export interface MetadataUserProps {
  /** Aurora PostgreSQL cluster with the Data API enabled. */
  readonly cluster: rds.DatabaseCluster;
  /** The cluster's master credentials (the Data API runs the statements as this user). */
  readonly masterSecret: secretsmanager.ISecret;
  /** `{ username, password }` of the user to create; `username` must equal `user`. */
  readonly userSecret: secretsmanager.ISecret;
  readonly user: string;
  /** Database the user owns. */
  readonly database: string;
  /** Key of both secrets and of the function's logs. */
  readonly key: kms.IKey;
  readonly logRetention: logs.RetentionDays;
}

/**
 * The custom resource's handler (Node.js, SDK v3 from the runtime): reads the user's password, then, as the
 * master user through the RDS Data API, creates the role if absent, sets its password, and makes it owner
 * of the database with every right on what the schema already holds. Delete leaves the role (the cluster's
 * snapshot keeps data it owns). Identifiers are checked; the password is a quoted literal.
 */
export const METADATA_USER_HANDLER = readFileSync(join(__dirname, 'metadata-user-handler.js'), 'utf8');

/**
 * A dedicated PostgreSQL user for Druid (not the cluster's master user), created at deploy time through
 * the RDS Data API by a small custom resource, so Druid's pods never see the master credentials.
 */
export class MetadataUser extends Construct {
  readonly function: lambda.Function;

  constructor(scope: Construct, id: string, props: MetadataUserProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      encryptionKey: props.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Creates the Druid metadata user through the RDS Data API (deploy time)',
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['rds-data:ExecuteStatement'],
        resources: [props.cluster.clusterArn],
      }),
    );
    props.masterSecret.grantRead(role);
    props.userSecret.grantRead(role);
    this.function = new lambda.Function(this, 'Function', {
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromInline(METADATA_USER_HANDLER),
      timeout: Duration.minutes(2),
      memorySize: 256,
      role,
      logGroup,
      description: 'Druid metadata user (custom resource)',
      // Also in the resource's properties (a change re-runs it); named here so the deploy rehearsal replays
      // the secret reads of the function's role.
      environment: {
        CLUSTER_ARN: props.cluster.clusterArn,
        MASTER_SECRET_ARN: props.masterSecret.secretArn,
        USER_SECRET_ARN: props.userSecret.secretArn,
      },
    });
    const user = new CustomResource(this, 'Resource', {
      serviceToken: this.function.functionArn,
      resourceType: 'Custom::DruidMetadataUser',
      properties: {
        ClusterArn: props.cluster.clusterArn,
        MasterSecretArn: props.masterSecret.secretArn,
        UserSecretArn: props.userSecret.secretArn,
        User: props.user,
        Database: props.database,
      },
    });
    // The Data API needs a running writer: depend on the whole cluster, instances included.
    user.node.addDependency(props.cluster, role);
    acknowledge(this.function, [
      {
        id: 'Serverless-LambdaDLQ',
        reason: 'CloudFormation invokes this custom resource synchronously and receives its failure.',
      },
      {
        id: 'Serverless-LambdaAsyncFailureDestination',
        reason: 'Invoked synchronously by CloudFormation only; no asynchronous events exist.',
      },
      {
        id: 'Serverless-LambdaTracing',
        reason: 'Deploy-time custom resource (a handful of Data API statements); its logs are the record.',
      },
      {
        id: 'Serverless-LambdaDefaultMemorySize',
        reason: 'Memory set explicitly for a few SDK calls.',
      },
    ]);
  }
}
