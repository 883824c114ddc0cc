import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CfnResource, RemovalPolicy, Stack, Stage } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';

/** What differs between fixture assemblies; the defaults are the "base" side. */
export interface FixtureOptions {
  /** Partition key of the table: changing it replaces the table (KeySchema causes replacement). */
  readonly tableKey?: string;
  readonly withBucket?: boolean;
  /** Adds a new topic (create). */
  readonly withExtraTopic?: boolean;
  /** Topic display name: update in place. */
  readonly topicDisplayName?: string;
  /** Topic name: replacement of a stateless resource. */
  readonly topicName?: string;
  /** Extra actions granted to the role (IAM change). */
  readonly extraActions?: readonly string[];
  /** Ingress CIDRs on port 443 (security-group change). */
  readonly ingressCidrs?: readonly string[];
  /** Remove the retained log group (orphaned: kept in the account, detached from the app). */
  readonly withLogGroup?: boolean;
  /** Construct id (and so logical id) of the retained table: changing it is a rename. */
  readonly tableId?: string;
  /** Construct paths in template metadata (`aws:cdk:path`), as the CDK CLI adds them. @default true */
  readonly pathMetadata?: boolean;
  /** Extra resource metadata on the table (no deploy change). */
  readonly tableMetadata?: Record<string, unknown>;
  /** Also build both stacks in a stage inside a `release` stack, as CDK Pipelines does. */
  readonly pipelineCopy?: boolean;
}

const created: string[] = [];

/** Removes every fixture assembly written so far (call in `afterAll`). */
export function removeFixtureAssemblies(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Synthesizes a small real CDK app (a `dev` stage with two stacks) into a fresh assembly directory. */
export function fixtureAssembly(options: FixtureOptions = {}): string {
  const outdir = mkdtempSync(join(tmpdir(), 'fastish-plan-fixture-'));
  created.push(outdir);
  const app = new App({
    outdir,
    analyticsReporting: false,
    context: { 'aws:cdk:enable-path-metadata': options.pathMetadata ?? true },
  });
  const env = { account: '222222222222', region: 'eu-west-1' };
  buildStacks(new Stage(app, 'dev', { env }), options);
  if (options.pipelineCopy) {
    const release = new Stack(app, 'release', { env, stackName: 'acme-dev-release' });
    new sns.Topic(release, 'Notifications');
    buildStacks(new Stage(release, 'Deploy-dev', { env }), options);
  }
  app.synth();
  return outdir;
}

function buildStacks(stage: Stage, options: FixtureOptions): void {
  const data = new Stack(stage, 'data', { stackName: 'acme-dev-data' });
  const table = new CfnResource(data, options.tableId ?? 'Table', {
    type: 'AWS::DynamoDB::Table',
    properties: {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: options.tableKey ?? 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: options.tableKey ?? 'pk', AttributeType: 'S' }],
    },
  });
  table.applyRemovalPolicy(RemovalPolicy.RETAIN);
  for (const [key, value] of Object.entries(options.tableMetadata ?? {})) table.addMetadata(key, value);
  if (options.withBucket ?? true) {
    new s3.Bucket(data, 'Uploads', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }
  if (options.withLogGroup ?? true) {
    new CfnResource(data, 'AuditLogs', {
      type: 'AWS::Logs::LogGroup',
      properties: { RetentionInDays: 365 },
    }).applyRemovalPolicy(RemovalPolicy.RETAIN);
  }

  const app2 = new Stack(stage, 'app', { stackName: 'acme-dev-app' });
  new sns.Topic(app2, 'Events', {
    displayName: options.topicDisplayName ?? 'Events',
    ...(options.topicName ? { topicName: options.topicName } : {}),
  });
  if (options.withExtraTopic) new sns.Topic(app2, 'Audit', { displayName: 'Audit' });
  const role = new iam.Role(app2, 'Worker', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['sqs:SendMessage', ...(options.extraActions ?? [])],
      resources: ['arn:aws:sqs:eu-west-1:222222222222:jobs'],
    }),
  );
  const vpc = new ec2.CfnVPC(app2, 'Vpc', { cidrBlock: '10.0.0.0/16' });
  new ec2.CfnSecurityGroup(app2, 'Web', {
    groupDescription: 'web tier',
    vpcId: vpc.ref,
    securityGroupIngress: (options.ingressCidrs ?? ['10.0.0.0/16']).map((cidrIp) => ({
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIp,
    })),
  });
}
