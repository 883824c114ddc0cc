import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { acknowledge } from '../../checks/acknowledgements';
import { Naming, type NamingContext } from '../../naming';
import { VERSIONS } from '../../versions';
import { allowCloudWatchLogs, EncryptionKey } from '../encryption-key';
import { requireLiteralPartition } from '../literal-partition';
import { PublishedValue } from '../published-value';
import { SecureBucket } from '../secure-bucket';
import { bootstrapVersionParameter } from '../synthesizer';
import { DeploymentRoles, type PipelineArtifacts } from './deployment-roles';
import { HandshakeRole } from './handshake-role';
import { WorkloadBoundary } from './workload-boundary';

/** The release pipeline that deploys this environment from another stack (or account). */
export interface BootstrapPipeline {
  /** Account of the pipeline. */
  readonly account: string;
  /** Region of the pipeline. */
  readonly region: string;
  /** Name prefix CloudFormation gives the pipeline's roles (`<release stack name>-`). */
  readonly rolePrefix: string;
  /** Name of the pipeline's artifact bucket, which the deploy role reads templates from. */
  readonly artifactsBucketName: string;
}

export interface FastishBootstrapProps {
  /**
   * Organization, environment, account, region and CDK qualifier of the environment. Every physical
   * name derives from these, as `FastishStack`'s synthesizer derives the names it deploys with.
   */
  readonly naming: NamingContext;
  /**
   * Retention of the deployment event log group.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * The ExternalId callers of the handshake role must present.
   * @default `<organization>-<environment>-deploy`
   */
  readonly handshakeExternalId?: string;
  /**
   * Accounts whose principals may assume the handshake role.
   * @default - only this account
   */
  readonly trustedAccounts?: string[];
  /**
   * Names of roles of this account that may deploy by hand with the deployment roles (named by ARN
   * in a condition, so they may be created after this stack).
   * @default - none: only the handshake role and the pipeline
   */
  readonly operatorRoleNames?: string[];
  /**
   * The release pipeline that deploys this environment.
   * @default - no pipeline deploys this environment
   */
  readonly pipeline?: BootstrapPipeline;
}

/**
 * An environment's bootstrap: the CDK bootstrap-equivalent resources under the Fastish qualifier
 * (KMS key, assets bucket with access logs, image repository, version parameter, the five deployment
 * roles), the cross-account handshake role, the workload permissions boundary, the deployment event
 * log group, and each name published under `/fastish/<env>/bootstrap/`. Retained on deletion.
 * `FastishStack`s of the same naming deploy through it. Needs a stack with an explicit region and the
 * feature flag `@aws-cdk/core:enablePartitionLiterals` (one of the flags `cdk init` writes).
 */
export class FastishBootstrap extends Construct {
  /** Key of the assets bucket, image repository and deployment logs. */
  readonly key: kms.Key;
  /** The deployment assets bucket. */
  readonly assets: s3.Bucket;
  /** The container image assets repository. */
  readonly images: ecr.Repository;
  readonly deploymentEvents: logs.LogGroup;
  readonly roles: DeploymentRoles;
  readonly handshake: HandshakeRole;
  /** The permissions boundary of every workload role (`FastishStack` applies it by name). */
  readonly boundary: WorkloadBoundary;

  constructor(scope: Construct, id: string, props: FastishBootstrapProps) {
    super(scope, id);
    requireLiteralPartition(this);
    const ctx = props.naming;
    const n = new Naming(ctx);
    const { partition } = Stack.of(this);
    const { account, region } = ctx;
    const org = ctx.organization;

    const key = new EncryptionKey(this, 'AssetsKey', {
      alias: n.kmsAlias('bootstrap'),
      description: `Fastish ${ctx.environment}: deployment assets and deployment logs`,
    }).key;
    allowCloudWatchLogs(key);
    this.key = key;

    const accessLogs = new SecureBucket(this, 'AccessLogs', {
      bucketName: n.bucketName('access-logs'),
      accessLogsTarget: true,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
    }).bucket;
    const assets = new SecureBucket(this, 'Assets', {
      bucketName: n.bootstrapBucketName(),
      encryptionKey: key,
      serverAccessLogsBucket: accessLogs,
      noncurrentVersionExpirationDays: 30,
    }).bucket;
    this.assets = assets;

    const images = new ecr.Repository(this, 'ContainerAssets', {
      repositoryName: n.bootstrapRepositoryName(),
      imageScanOnPush: true,
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      encryption: ecr.RepositoryEncryption.KMS,
      encryptionKey: key,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          description: 'Untagged images are never deployed',
          tagStatus: ecr.TagStatus.UNTAGGED,
          maxImageAge: Duration.days(30),
        },
      ],
    });
    this.images = images;

    const deploymentEvents = new logs.LogGroup(this, 'DeploymentEvents', {
      logGroupName: n.logGroupName('bootstrap', 'deployments'),
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.deploymentEvents = deploymentEvents;

    const version = new ssm.StringParameter(this, 'BootstrapVersion', {
      parameterName: bootstrapVersionParameter(ctx.qualifier),
      stringValue: String(VERSIONS.bootstrap),
      description: 'CDK bootstrap version the Fastish synthesizer checks before deploying',
    });

    const roleArn = (name: string) => `arn:${partition}:iam::${account}:role/${name}`;
    this.handshake = new HandshakeRole(this, 'Handshake', {
      roleName: n.roleName('handshake'),
      externalId: props.handshakeExternalId ?? `${org}-${ctx.environment}-deploy`,
      trustedAccounts:
        props.trustedAccounts && props.trustedAccounts.length > 0 ? props.trustedAccounts : [account],
      description: `Cross-account deployment handshake into ${ctx.environment}`,
    });
    const protectedResources = {
      deploymentRoleArns: [roleArn(`fastish-${ctx.qualifier}-*`)],
      personRoleArns: [roleArn(`${org}-${ctx.environment}-team-*`), roleArn(n.roleName('handshake'))],
      keyArn: key.keyArn,
      operatorStackArns: ['bootstrap', 'teams'].map(
        (arch) => `arn:${partition}:cloudformation:${region}:${account}:stack/${n.stackName(arch)}/*`,
      ),
    };
    this.boundary = new WorkloadBoundary(this, 'WorkloadBoundary', {
      policyName: n.boundaryPolicyName(),
      protected: protectedResources,
    });
    const pipeline = props.pipeline;
    const pipelineArtifacts: PipelineArtifacts | undefined = pipeline && {
      account: pipeline.account,
      region: pipeline.region,
      bucketName: pipeline.artifactsBucketName,
    };
    this.roles = new DeploymentRoles(this, 'Roles', {
      naming: ctx,
      assets,
      images,
      key,
      versionParameter: version,
      deploymentEvents,
      trustedPrincipals: [this.handshake.role],
      operators: (props.operatorRoleNames ?? []).map(roleArn),
      boundary: this.boundary.policy,
      operatorStackArns: protectedResources.operatorStackArns,
      ...(pipeline ? { pipeline: { account: pipeline.account, rolePrefix: pipeline.rolePrefix } } : {}),
      ...(pipelineArtifacts ? { pipelineArtifacts } : {}),
    });
    this.handshake.allowAssuming(this.roles.assumableByHandshake());

    const publish = (pid: string, pkey: string, value: string, description: string) =>
      new PublishedValue(this, pid, { naming: n, architecture: 'bootstrap', key: pkey, value, description });
    publish('QualifierValue', 'qualifier', ctx.qualifier, 'CDK bootstrap qualifier');
    publish('AssetsBucketName', 'assets-bucket', assets.bucketName, 'Deployment assets bucket');
    publish('AssetsKeyArn', 'assets-key-arn', key.keyArn, 'KMS key of deployment assets and logs');
    publish(
      'ImageRepositoryName',
      'image-repository',
      images.repositoryName,
      'Container image assets repository',
    );
    publish('DeployRoleArn', 'deploy-role-arn', this.roles.deploy.roleArn, 'Role that deploys stacks');
    publish(
      'ExecutionRoleArn',
      'cfn-exec-role-arn',
      this.roles.execution.roleArn,
      'Role CloudFormation deploys with',
    );
    publish(
      'FilePublishingRoleArn',
      'file-publishing-role-arn',
      this.roles.filePublishing.roleArn,
      'Role that uploads file assets',
    );
    publish(
      'ImagePublishingRoleArn',
      'image-publishing-role-arn',
      this.roles.imagePublishing.roleArn,
      'Role that pushes image assets',
    );
    publish(
      'LookupRoleArn',
      'lookup-role-arn',
      this.roles.lookup.roleArn,
      'Read-only role for context lookups',
    );
    publish(
      'HandshakeRoleArn',
      'handshake-role-arn',
      this.handshake.role.roleArn,
      'Cross-account handshake role',
    );
    publish(
      'DeploymentLogGroup',
      'deployment-log-group',
      deploymentEvents.logGroupName,
      'Deployment events log group',
    );

    acknowledge(accessLogs, [
      {
        id: 'AwsSolutions-S1',
        reason: 'This bucket is the server-access-log target; logging it into itself would loop.',
      },
    ]);
  }
}
