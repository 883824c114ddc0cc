import { type CfnElement, Stack, Tags } from 'aws-cdk-lib';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { acknowledgeIamWildcards } from '../../checks/acknowledgements';
import { Naming, type NamingContext } from '../../naming';

export interface DeploymentRolesProps {
  /**
   * Organization, environment, account, region and qualifier: the roles' names and the stacks,
   * roles and policies (`<org>-<env>-*`) they may act on derive from these.
   */
  readonly naming: NamingContext;
  /** Bucket the file publishing role uploads to and CloudFormation reads templates from. */
  readonly assets: s3.IBucket;
  /** Repository the image publishing role pushes to. */
  readonly images: ecr.IRepository;
  /** Key of the assets bucket and repository. */
  readonly key: kms.IKey;
  /** The bootstrap version parameter the toolkit reads before a deploy. */
  readonly versionParameter: ssm.IStringParameter;
  /** Log group the deploy role writes deployment events to. */
  readonly deploymentEvents: logs.ILogGroup;
  /** Principals of this stack that may assume the deployment roles (the handshake role). */
  readonly trustedPrincipals: iam.IPrincipal[];
  /**
   * Roles of this account that deploy by hand (the platform team's admin role). Named by ARN in a
   * condition, not as principals: they are created after this stack, and IAM rejects a trust policy
   * naming a role that does not exist yet.
   * @default none: only the handshake role and the pipeline
   */
  readonly operators?: string[];
  /**
   * The release pipeline: its account and the name prefix CloudFormation gives its roles.
   * @default no pipeline
   */
  readonly pipeline?: PipelineRoles;
  /**
   * The workload permissions boundary. The execution role carries it too: its Deny statements (no
   * role without the boundary, the operator's roles, stacks and key untouched) bind the deploy itself.
   */
  readonly boundary: iam.IManagedPolicy;
  /** Stacks only the operator deploys: the deploy role may not touch them. */
  readonly operatorStackArns: string[];
  /**
   * The release pipeline's artifact store, which CloudFormation actions read their templates from
   * through this environment's deploy role (in another account, the role needs its own grant).
   * @default no pipeline deploys this environment
   */
  readonly pipelineArtifacts?: PipelineArtifacts;
}

/** Where the release pipeline keeps its artifacts. */
export interface PipelineArtifacts {
  /** Account of the pipeline. */
  readonly account: string;
  /** Region of the pipeline. */
  readonly region: string;
  /** Name of the pipeline's artifact bucket. */
  readonly bucketName: string;
}

/** The release pipeline's roles, which may assume the deployment roles. */
export interface PipelineRoles {
  /** Account of the pipeline. */
  readonly account: string;
  /** Name prefix CloudFormation gives the pipeline's roles (`<release stack name>-`). */
  readonly rolePrefix: string;
}

/**
 * Service namespaces the Fastish architectures deploy. The CloudFormation execution role may act
 * only within these; IAM is limited to names under the environment's prefix.
 */
const DEPLOYED_SERVICES = [
  'acm',
  'amplify',
  'apigateway',
  'application-autoscaling',
  'autoscaling',
  'cloudformation',
  'cloudwatch',
  'codebuild',
  'codeconnections',
  'codepipeline',
  'codestar-connections',
  'codestar-notifications',
  'cognito-idp',
  'dynamodb',
  'ec2',
  'ecr',
  'eks',
  'elasticloadbalancing',
  'events',
  'kafka',
  'kinesis',
  'kms',
  'lambda',
  'logs',
  'rds',
  'route53',
  's3',
  'secretsmanager',
  'sns',
  'sqs',
  'ssm',
  'states',
  'wafv2',
  'xray',
] as const;

/** The five roles CDK's `DefaultStackSynthesizer` expects, each with only what its job needs. */
export class DeploymentRoles extends Construct {
  readonly deploy: iam.Role;
  readonly execution: iam.Role;
  readonly filePublishing: iam.Role;
  readonly imagePublishing: iam.Role;
  readonly lookup: iam.Role;

  constructor(scope: Construct, id: string, props: DeploymentRolesProps) {
    super(scope, id);
    const { assets, images, key } = props;
    const n = new Naming(props.naming);
    const { account, region } = props.naming;
    const partition = Stack.of(this).partition;
    const stackPrefix = `${props.naming.organization}-${props.naming.environment}-`;
    // Named principals only, never an account's root: the handshake role (other tools, with its
    // ExternalId), the named operator roles, and the pipeline's roles. Session tags pass, as in CDK's
    // own bootstrap template.
    const trust = () => {
      const principals: iam.IPrincipal[] = props.trustedPrincipals.map(
        (p) => new iam.SessionTagsPrincipal(p),
      );
      if (props.operators && props.operators.length > 0) {
        principals.push(
          new iam.AccountPrincipal(account)
            .withConditions({ ArnEquals: { 'aws:PrincipalArn': [...props.operators] } })
            .withSessionTags(),
        );
      }
      if (props.pipeline) {
        const { account: pipelineAccount, rolePrefix } = props.pipeline;
        principals.push(
          new iam.AccountPrincipal(pipelineAccount)
            .withConditions({
              ArnLike: { 'aws:PrincipalArn': `arn:${partition}:iam::${pipelineAccount}:role/${rolePrefix}*` },
            })
            .withSessionTags(),
        );
      }
      const [first, ...rest] = principals;
      if (!first) throw new Error('deployment roles need at least one trusted principal');
      return { first, rest };
    };
    const trusting = (role: iam.Role, rest: readonly iam.IPrincipal[]) => {
      for (const principal of rest) {
        role.assumeRolePolicy?.addStatements(
          new iam.PolicyStatement({ actions: ['sts:AssumeRole', 'sts:TagSession'], principals: [principal] }),
        );
      }
      return role;
    };

    const trusted = trust();
    this.filePublishing = new iam.Role(this, 'FilePublishing', {
      roleName: n.bootstrapRoleName('file-publishing'),
      assumedBy: trusted.first,
      description: 'Uploads file assets to the Fastish assets bucket',
    });
    trusting(this.filePublishing, trusted.rest);
    this.filePublishing.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          's3:GetObject',
          's3:PutObject',
          's3:AbortMultipartUpload',
          's3:GetBucketLocation',
          's3:ListBucket',
        ],
        resources: [assets.bucketArn, assets.arnForObjects('*')],
      }),
    );
    this.filePublishing.addToPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [key.keyArn],
      }),
    );

    this.imagePublishing = new iam.Role(this, 'ImagePublishing', {
      roleName: n.bootstrapRoleName('image-publishing'),
      assumedBy: trusted.first,
      description: 'Pushes container image assets to the Fastish repository',
    });
    trusting(this.imagePublishing, trusted.rest);
    this.imagePublishing.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'ecr:PutImage',
          'ecr:InitiateLayerUpload',
          'ecr:UploadLayerPart',
          'ecr:CompleteLayerUpload',
          'ecr:BatchCheckLayerAvailability',
          'ecr:DescribeRepositories',
          'ecr:DescribeImages',
          'ecr:BatchGetImage',
          'ecr:GetDownloadUrlForLayer',
        ],
        resources: [images.repositoryArn],
      }),
    );
    this.imagePublishing.addToPolicy(
      new iam.PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }),
    );
    this.imagePublishing.addToPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [key.keyArn],
      }),
    );

    this.lookup = new iam.Role(this, 'Lookup', {
      roleName: n.bootstrapRoleName('lookup'),
      assumedBy: trusted.first,
      description: 'Read-only context lookups (Fastish synth needs none; kept for CDK tooling compatibility)',
    });
    trusting(this.lookup, trusted.rest);
    this.lookup.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'ec2:DescribeAvailabilityZones',
          'ec2:DescribeVpcs',
          'ec2:DescribeSubnets',
          'ec2:DescribeRouteTables',
          'ec2:DescribeSecurityGroups',
          'ec2:DescribeVpnGateways',
          'ec2:DescribeImages',
          'route53:ListHostedZonesByName',
          'route53:GetHostedZone',
          'ssm:GetParameter',
          'elasticloadbalancing:DescribeLoadBalancers',
          'elasticloadbalancing:DescribeListeners',
        ],
        resources: ['*'],
      }),
    );
    // The toolkit's diff (`fastish deploy`, `cdk diff`) reads the deployed stacks through this role.
    this.lookup.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'cloudformation:DescribeStacks',
          'cloudformation:GetTemplate',
          'cloudformation:GetTemplateSummary',
          'cloudformation:ListStackResources',
          'cloudformation:DescribeStackResources',
        ],
        resources: [`arn:${partition}:cloudformation:${region}:${account}:stack/${stackPrefix}*/*`],
      }),
    );
    this.lookup.addToPolicy(
      new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['kms:Decrypt'], resources: ['*'] }),
    );

    this.execution = new iam.Role(this, 'Execution', {
      roleName: n.bootstrapRoleName('cfn-exec'),
      assumedBy: new iam.ServicePrincipal('cloudformation.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': account },
      }),
      description: 'CloudFormation deploys Fastish stacks with this role',
      permissionsBoundary: props.boundary,
    });
    const serviceActions = DEPLOYED_SERVICES.map((s) => `${s}:*`);
    const iamResources = [
      `arn:${partition}:iam::${account}:role/${stackPrefix}*`,
      `arn:${partition}:iam::${account}:policy/${stackPrefix}*`,
      `arn:${partition}:iam::${account}:instance-profile/${stackPrefix}*`,
      `arn:${partition}:iam::${account}:oidc-provider/*`,
    ];
    const execPolicy = new iam.ManagedPolicy(this, 'ExecutionPolicy', {
      description: 'Services Fastish architectures deploy; IAM only under the environment prefix',
      statements: [
        new iam.PolicyStatement({ actions: serviceActions, resources: ['*'] }),
        new iam.PolicyStatement({ actions: ['iam:*'], resources: iamResources }),
        new iam.PolicyStatement({
          actions: [
            'iam:CreateServiceLinkedRole',
            'iam:GetRole',
            'iam:ListRoles',
            'iam:GetPolicy',
            'iam:ListPolicies',
          ],
          resources: ['*'],
        }),
      ],
    });
    this.execution.addManagedPolicy(execPolicy);

    this.deploy = new iam.Role(this, 'Deploy', {
      roleName: n.bootstrapRoleName('deploy'),
      assumedBy: trusted.first,
      description: "Creates and executes change sets of this environment's Fastish stacks",
    });
    trusting(this.deploy, trusted.rest);
    const stacks = `arn:${partition}:cloudformation:${region}:${account}:stack/${stackPrefix}*/*`;
    const changeSets = `arn:${partition}:cloudformation:${region}:${account}:changeSet/cdk-*/*`;
    this.deploy.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'cloudformation:CreateChangeSet',
          'cloudformation:DeleteChangeSet',
          'cloudformation:DescribeChangeSet',
          'cloudformation:ExecuteChangeSet',
          'cloudformation:DescribeStacks',
          'cloudformation:DescribeStackEvents',
          'cloudformation:GetTemplate',
          'cloudformation:GetTemplateSummary',
          'cloudformation:DeleteStack',
          'cloudformation:UpdateTerminationProtection',
          'cloudformation:ListStackResources',
          'cloudformation:DescribeStackResources',
          'cloudformation:RollbackStack',
          'cloudformation:ContinueUpdateRollback',
          'cloudformation:CancelUpdateStack',
        ],
        resources: [stacks, changeSets],
      }),
    );
    this.deploy.addToPolicy(
      new iam.PolicyStatement({ actions: ['cloudformation:ValidateTemplate'], resources: ['*'] }),
    );
    // The operator's stacks share the `<org>-<env>-` prefix but are never deployed by this role.
    this.deploy.addToPolicy(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: ['cloudformation:*'],
        resources: [...props.operatorStackArns],
      }),
    );
    this.deploy.addToPolicy(
      new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [this.execution.roleArn] }),
    );
    this.deploy.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:GetBucketLocation', 's3:ListBucket'],
        resources: [assets.bucketArn, assets.arnForObjects('*')],
      }),
    );
    this.deploy.addToPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [key.keyArn] }));
    const artifacts = props.pipelineArtifacts;
    if (artifacts) {
      // Pipeline CloudFormation actions run as this role and read templates from the pipeline's bucket.
      const bucket = `arn:${partition}:s3:::${artifacts.bucketName}`;
      this.deploy.addToPolicy(
        new iam.PolicyStatement({
          actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetBucketLocation', 's3:ListBucket'],
          resources: [bucket, `${bucket}/*`],
        }),
      );
      const keys = `arn:${partition}:kms:${artifacts.region}:${artifacts.account}:key/*`;
      this.deploy.addToPolicy(
        new iam.PolicyStatement({
          actions: ['kms:Decrypt', 'kms:DescribeKey'],
          resources: [keys],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${artifacts.region}.amazonaws.com` } },
        }),
      );
      acknowledgeIamWildcards(
        this.deploy,
        { resources: [`${bucket}/*`, keys] },
        "Pipeline artifact objects are named per execution; the artifact key's id is generated in the pipeline account, so keys of that account are allowed only through S3 in its region.",
      );
    }
    this.deploy.addToPolicy(
      new iam.PolicyStatement({
        actions: ['ssm:GetParameter', 'ssm:GetParameters'],
        resources: [props.versionParameter.parameterArn],
      }),
    );
    this.deploy.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [props.deploymentEvents.logGroupArn],
      }),
    );

    acknowledgeIamWildcards(
      execPolicy,
      { actions: [...serviceActions, 'iam:*'], resources: ['*', ...iamResources] },
      'CloudFormation execution role: it creates every resource kind of the enabled architectures, whose names CloudFormation generates at deploy time. Limited to the listed service namespaces and to IAM names under the environment prefix; denied on the bootstrap roles.',
    );
    const describeOnly =
      'Only actions IAM offers no resource scope for: ecr:GetAuthorizationToken, Describe/List lookups, cloudformation:ValidateTemplate.';
    for (const role of [this.imagePublishing, this.lookup, this.deploy]) {
      acknowledgeIamWildcards(role, { resources: ['*'] }, describeOnly);
    }
    acknowledgeIamWildcards(
      this.lookup,
      { resources: [`arn:${partition}:cloudformation:${region}:${account}:stack/${stackPrefix}*/*`] },
      'The lookup role reads exactly the stacks named <org>-<env>-*, for the toolkit diff.',
    );
    acknowledgeIamWildcards(
      this.deploy,
      { resources: [stacks, changeSets] },
      'The deploy role manages exactly the stacks named <org>-<env>-* and the change sets CDK names cdk-*.',
    );
    const objects = {
      resources: [`<${Stack.of(this).getLogicalId(assets.node.defaultChild as CfnElement)}.Arn>/*`],
    };
    for (const role of [this.filePublishing, this.deploy]) {
      acknowledgeIamWildcards(
        role,
        objects,
        'Object keys are content hashes chosen at publish time; access is limited to the one assets bucket.',
      );
    }
    this.tagBootstrapRoles();
  }

  /**
   * The tag CDK tooling uses to recognize bootstrap roles (CDK Pipelines' self-mutation and asset
   * publishing assume roles by this tag).
   */
  private tagBootstrapRoles(): void {
    const roles: [iam.Role, string][] = [
      [this.deploy, 'deploy'],
      [this.filePublishing, 'file-publishing'],
      [this.imagePublishing, 'image-publishing'],
      [this.lookup, 'lookup'],
    ];
    for (const [role, kind] of roles) Tags.of(role).add('aws-cdk:bootstrap-role', kind);
  }

  /** Roles the handshake role may assume. */
  assumableByHandshake(): iam.IRole[] {
    return [this.deploy, this.filePublishing, this.imagePublishing, this.lookup];
  }
}
