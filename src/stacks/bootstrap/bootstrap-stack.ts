import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { acknowledge } from '../../checks/acknowledgements';
import { allowCloudWatchLogs, EncryptionKey } from '../../constructs/encryption-key';
import { PublishedValue } from '../../constructs/published-value';
import { SecureBucket } from '../../constructs/secure-bucket';
import { bootstrapVersionParameter, StackDeployment } from '../../constructs/synthesizer';
import { VERSIONS } from '../../versions';
import { EnvironmentStack, type EnvironmentStackProps } from '../environment-stack';
import { DeploymentRoles } from './deployment-roles';
import { HandshakeRole } from './handshake-role';
import { WorkloadBoundary } from './workload-boundary';

export type BootstrapStackProps = Omit<EnvironmentStackProps, 'architecture' | 'deployment'>;

/**
 * The environment's "synthesizer": the CDK bootstrap-equivalent resources under the Fastish
 * qualifier, the cross-account handshake role and the deployment event log group. Deployed with the
 * operator's own credentials and an inline template (it creates the roles and the bucket every other
 * stack deploys with), so it holds only what does not grow with the config: team roles live in the
 * `teams` stack, deployed next by the operator with its template in the assets bucket.
 */
export class BootstrapStack extends EnvironmentStack {
  readonly roles: DeploymentRoles;
  readonly handshake: HandshakeRole;
  /** The permissions boundary of every workload role (`EnvironmentStack` applies it by name). */
  readonly boundary: WorkloadBoundary;

  constructor(scope: Construct, id: string, props: BootstrapStackProps) {
    super(scope, id, { ...props, architecture: 'bootstrap', deployment: StackDeployment.OPERATOR });
    const env = this.fastishEnv;
    const n = env.naming;
    const retention = env.settings.logRetentionDays as logs.RetentionDays;

    const key = new EncryptionKey(this, 'AssetsKey', {
      alias: n.kmsAlias('bootstrap'),
      description: `Fastish ${env.name}: deployment assets and deployment logs`,
    }).key;
    allowCloudWatchLogs(key);

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

    const deploymentEvents = new logs.LogGroup(this, 'DeploymentEvents', {
      logGroupName: n.logGroupName('bootstrap', 'deployments'),
      retention,
      encryptionKey: key,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const version = new ssm.StringParameter(this, 'BootstrapVersion', {
      parameterName: bootstrapVersionParameter(env.qualifier),
      stringValue: String(VERSIONS.bootstrap),
      description: 'CDK bootstrap version the Fastish synthesizer checks before deploying',
    });

    this.handshake = new HandshakeRole(this, 'Handshake', {
      environment: env,
      organization: this.platform.organization.name,
    });
    const release = this.platform.release;
    const home = release && this.platform.environments.find((e) => e.name === release.pipelineEnvironment);
    const pipelineArtifacts = home && {
      account: home.account,
      region: home.region,
      bucketName: home.naming.bucketName('release-artifacts'),
    };
    const { account, partition, region } = this;
    const org = this.platform.organization.name;
    const roleArn = (name: string) => `arn:${partition}:iam::${account}:role/${name}`;
    // Named operators: the platform team's admin role (in the teams stack, deployed next).
    const platformTeam = this.platform.teams.find((t) => t.name === this.platform.organization.platformTeam);
    const operators = platformTeam?.contributors.some((c) => c.role === 'admin')
      ? [roleArn(n.roleName(`team-${platformTeam.name}-admin`))]
      : [];
    const protectedResources = {
      deploymentRoleArns: [roleArn(`fastish-${env.qualifier}-*`)],
      personRoleArns: [roleArn(`${org}-${env.name}-team-*`), roleArn(n.roleName('handshake'))],
      keyArn: key.keyArn,
      operatorStackArns: ['bootstrap', 'teams'].map(
        (arch) => `arn:${partition}:cloudformation:${region}:${account}:stack/${n.stackName(arch)}/*`,
      ),
    };
    this.boundary = new WorkloadBoundary(this, 'WorkloadBoundary', {
      policyName: n.boundaryPolicyName(),
      protected: protectedResources,
    });
    this.roles = new DeploymentRoles(this, 'Roles', {
      environment: env,
      organization: org,
      assets,
      images,
      key,
      versionParameter: version,
      deploymentEvents,
      trustedPrincipals: [this.handshake.role],
      operators,
      boundary: this.boundary.policy,
      operatorStackArns: protectedResources.operatorStackArns,
      // The release pipeline's roles: CloudFormation names them after the release stack.
      ...(home
        ? { pipeline: { account: home.account, rolePrefix: `${home.naming.stackName('release')}-` } }
        : {}),
      ...(pipelineArtifacts ? { pipelineArtifacts } : {}),
    });
    this.handshake.allowAssuming(this.roles.assumableByHandshake());

    const publish = (id: string, key: string, value: string, description: string) =>
      new PublishedValue(this, id, { naming: n, architecture: 'bootstrap', key, value, description });
    publish('QualifierValue', 'qualifier', env.qualifier, 'CDK bootstrap qualifier');
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
