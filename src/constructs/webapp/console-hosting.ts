import { ArnFormat, type CfnResource, Duration, Fn, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as amplify from 'aws-cdk-lib/aws-amplify';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as ssm from 'aws-cdk-lib/aws-ssm';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import {
  acknowledge,
  acknowledgeIamWildcards,
  acknowledgeManagedPolicies,
} from '../../checks/acknowledgements';
import { consoleRepositoryHost } from './console-repository';

/** Build variables the construct sets itself (names as in web/lib/config.ts). */
export const CONSOLE_REGION_VARIABLE = 'NEXT_PUBLIC_AWS_REGION';
export const CONSOLE_PREVIEW_ORIGINS_VARIABLE = 'NEXT_PUBLIC_CONSOLE_PREVIEW_ORIGINS';

/** A published SSM parameter a console build reads. */
export interface ConsoleParameter {
  /** The parameter (the service role is allowed to read exactly it). */
  readonly resource: ssm.IStringParameter;
  /** Its literal name (not a reference: the app must not depend on what depends on its domain). */
  readonly name: string;
}

export interface ConsoleHostingProps {
  /** App name (from `Naming.name('amplifyApp', …)`). */
  readonly appName: string;
  /** Production branch. */
  readonly branch: string;
  /** Directory of the Next.js app inside the repository (monorepo app root). */
  readonly appRoot: string;
  /**
   * GitHub, GitLab or Bitbucket repository URL. Amplify Hosting serves an SSR (WEB_COMPUTE) app only from
   * a connected repository: manual deploys are for static apps.
   */
  readonly repository: string;
  /**
   * Name of the Secrets Manager secret holding the repository token. Resolved by CloudFormation (dynamic
   * reference) into `AccessToken` (GitHub) or `OauthToken` (GitLab, Bitbucket): never in the template.
   */
  readonly tokenSecretName: string;
  /**
   * Custom domain of the console, e.g. `console.example.com` (DNS validated by Amplify).
   * @default - the Amplify default domain `https://<branch>.<appId>.amplifyapp.com`
   */
  readonly customDomain?: string;
  /** Build a preview per pull request (`https://pr-<n>.<appId>.amplifyapp.com`). */
  readonly pullRequestPreviews: boolean;
  /** Log group of the build trigger (custom resource): key and retention. */
  readonly logKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
}

/**
 * The tenant console on Amplify Hosting: a Next.js SSR app (WEB_COMPUTE) built from `appRoot` of a
 * connected repository, the production branch with auto builds, optional pull-request previews and custom
 * domain.
 *
 * Configuration (API URL, user pool, …) is not in Amplify's environment variables: every build, previews
 * included, reads the published values from SSM Parameter Store into `.env.production` (see
 * `readFromParameter`), so there is no dependency cycle between the app and the API whose CORS names the
 * app's domain. Next inlines them at build time, so a build trigger starts the first build when the stack
 * is created and a new one whenever a value changes: the console never keeps a stale API URL.
 */
export class ConsoleHosting extends Construct {
  readonly app: amplify.CfnApp;
  readonly branch: amplify.CfnBranch;
  readonly domain?: amplify.CfnDomain;
  readonly serviceRole: iam.Role;
  /** Starts `RELEASE` jobs of the production branch (`amplify:StartJob`). */
  readonly buildTrigger: cr.AwsCustomResource;
  /** `https://<custom domain>` or `https://<branch>.<appId>.amplifyapp.com`. */
  readonly origin: string;
  /**
   * Origins of the pull-request previews, `https://pr-*.<appId>.amplifyapp.com` (`*` is the pull request
   * number), when previews are on.
   */
  readonly previewOrigins?: string;
  /** The same as a regular expression (Java and JavaScript syntax, unanchored), for VTL's `matches`. */
  readonly previewOriginRegex?: string;
  /** Variable → SSM parameter name (read by every build) and the value it holds (rebuild on change). */
  private readonly parameters = new Map<string, { readonly name: string; readonly value: string }>();
  private readonly region: string;

  constructor(scope: Construct, id: string, props: ConsoleHostingProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.region = stack.region;
    const host = consoleRepositoryHost(props.repository);
    this.serviceRole = new iam.Role(this, 'ServiceRole', {
      assumedBy: new iam.ServicePrincipal('amplify.amazonaws.com'),
      description:
        'Amplify Hosting: console builds read its published configuration; SSR compute writes logs',
    });
    const amplifyLogs = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: '/aws/amplify/*',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.serviceRole.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'logs:CreateLogGroup',
          'logs:CreateLogStream',
          'logs:PutLogEvents',
          'logs:DescribeLogGroups',
        ],
        resources: [amplifyLogs],
      }),
    );

    const token = `{{resolve:secretsmanager:${props.tokenSecretName}:SecretString}}`;
    this.app = new amplify.CfnApp(this, 'App', {
      name: props.appName,
      description: 'Fastish tenant console (Next.js SSR)',
      platform: 'WEB_COMPUTE',
      iamServiceRole: this.serviceRole.roleArn,
      buildSpec: Lazy.string({ produce: () => this.buildSpec(props) }),
      environmentVariables: [{ name: 'AMPLIFY_MONOREPO_APP_ROOT', value: props.appRoot }],
      customHeaders: [
        'customHeaders:',
        "  - pattern: '**/*'",
        '    headers:',
        '      - key: Strict-Transport-Security',
        '        value: max-age=31536000; includeSubDomains',
        '      - key: X-Content-Type-Options',
        '        value: nosniff',
        '      - key: X-Frame-Options',
        '        value: DENY',
        '      - key: Referrer-Policy',
        '        value: strict-origin-when-cross-origin',
        '',
      ].join('\n'),
      repository: props.repository,
      ...(host.tokenProperty === 'accessToken' ? { accessToken: token } : { oauthToken: token }),
      enableBranchAutoDeletion: true,
    });

    this.branch = new amplify.CfnBranch(this, 'Branch', {
      appId: this.app.attrAppId,
      branchName: props.branch,
      description: 'Production console',
      stage: 'PRODUCTION',
      framework: 'Next.js - SSR',
      enableAutoBuild: true,
      enablePullRequestPreview: props.pullRequestPreviews,
    });

    if (props.customDomain) {
      this.domain = new amplify.CfnDomain(this, 'Domain', {
        appId: this.app.attrAppId,
        domainName: props.customDomain,
        subDomainSettings: [{ branchName: this.branch.branchName, prefix: '' }],
        enableAutoSubDomain: false,
      });
      this.domain.addDependency(this.branch);
      this.origin = `https://${props.customDomain}`;
    } else {
      this.origin = `https://${amplifyBranchLabel(props.branch)}.${this.app.attrDefaultDomain}`;
    }
    if (props.pullRequestPreviews) {
      this.previewOrigins = `https://pr-*.${this.app.attrDefaultDomain}`;
      // The default domain's dots as `[.]`: a literal dot in both regex dialects, no escaping needed.
      this.previewOriginRegex = Fn.join('', [
        'https://pr-[0-9]+[.]',
        Fn.join('[.]', Fn.split('.', this.app.attrDefaultDomain)),
      ]);
    }

    this.buildTrigger = this.createBuildTrigger(props);

    acknowledgeIamWildcards(
      this.serviceRole,
      { resources: [amplifyLogs] },
      'Amplify names SSR log groups /aws/amplify/<appId>; the app id is not known before the app exists',
    );
  }

  /**
   * A build-time value of the console (`NEXT_PUBLIC_…`) that is published as an SSM parameter (`name` is
   * its literal name): every build reads it (the service role may read exactly it), and `value` (what the
   * stack writes there) is a property of the build trigger, so a changed value starts a new build. Never a
   * secret.
   */
  readFromParameter(variable: string, parameter: ConsoleParameter, value: string): void {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable))
      throw new Error(`${this.node.path}: invalid variable name ${variable}`);
    // The literal name, not a reference: the app must not depend on what depends on its domain.
    this.parameters.set(variable, { name: parameter.name, value });
    const stack = Stack.of(this);
    this.serviceRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ssm:GetParameter'],
        resources: [
          stack.formatArn({
            service: 'ssm',
            resource: 'parameter',
            resourceName: parameter.name.replace(/^\//, ''),
          }),
        ],
      }),
    );
    // The build must see the new value.
    this.buildTrigger.node.addDependency(parameter.resource);
  }

  /** Variables the build writes to `.env.production`, with their values (for the trigger), sorted. */
  private sortedParameters(): [string, { readonly name: string; readonly value: string }][] {
    return [...this.parameters.entries()].sort(([a], [b]) => a.localeCompare(b));
  }

  private buildSpec(props: ConsoleHostingProps): string {
    const env = '.env.production';
    const read = this.sortedParameters().map(
      ([variable, p]) =>
        `V=$(aws ssm get-parameter --region ${this.region} --name ${p.name} --query Parameter.Value --output text) && echo "${variable}=$V" >> ${env}`,
    );
    const previews = this.previewOrigins
      ? [`echo "${CONSOLE_PREVIEW_ORIGINS_VARIABLE}=https://pr-*.$AWS_APP_ID.amplifyapp.com" >> ${env}`]
      : [];
    const commands = [
      'npm ci',
      `echo "${CONSOLE_REGION_VARIABLE}=${this.region}" > ${env}`,
      ...read,
      ...previews,
    ];
    return [
      'version: 1',
      'applications:',
      `  - appRoot: ${props.appRoot}`,
      '    frontend:',
      '      phases:',
      '        preBuild:',
      '          commands:',
      ...commands.map((c) => `            - '${c}'`),
      '        build:',
      '          commands:',
      '            - npm run build',
      '      artifacts:',
      '        baseDirectory: .next',
      '        files:',
      "          - '**/*'",
      '      cache:',
      '        paths:',
      "          - 'node_modules/**/*'",
      "          - '.next/cache/**/*'",
      '',
    ].join('\n');
  }

  /**
   * Amplify builds a connected branch on pushes only: creating the app and branch builds nothing, and a
   * changed value takes effect at the next build. This custom resource calls StartJob (RELEASE: the
   * branch's latest commit) when created and whenever `ConsoleConfiguration` (the values the build reads)
   * changes. It runs after the branch, the service role's policy and the parameters, so the job reads the
   * new values.
   */
  private createBuildTrigger(props: ConsoleHostingProps): cr.AwsCustomResource {
    const startJob = (reason: string): cr.AwsSdkCall => ({
      service: 'Amplify',
      action: 'startJob',
      parameters: {
        appId: this.app.attrAppId,
        branchName: props.branch,
        jobType: 'RELEASE',
        jobReason: reason,
      },
      physicalResourceId: cr.PhysicalResourceId.of(`${props.appName}/${props.branch}/build-trigger`),
    });
    const jobs = `${this.branch.attrArn}/jobs/*`;
    const trigger = new cr.AwsCustomResource(this, 'BuildTrigger', {
      onCreate: startJob('Fastish: first build of the console'),
      onUpdate: startJob('Fastish: console build environment changed'),
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: ['amplify:StartJob'], resources: [jobs] }),
      ]),
      logGroup: new logs.LogGroup(this, 'BuildTriggerLogs', {
        retention: props.logRetention,
        encryptionKey: props.logKey,
        removalPolicy: RemovalPolicy.RETAIN,
      }),
      installLatestAwsSdk: false,
      timeout: Duration.minutes(2),
    });
    (trigger.node.findChild('Resource').node.defaultChild as CfnResource).addPropertyOverride(
      'ConsoleConfiguration',
      Lazy.any({ produce: () => Object.fromEntries(this.sortedParameters().map(([v, p]) => [v, p.value])) }),
    );
    trigger.node.addDependency(this.branch, this.serviceRole);

    const stack = Stack.of(this);
    acknowledgeIamWildcards(
      trigger,
      { resources: [`<${stack.getLogicalId(this.branch)}.Arn>/jobs/*`] },
      'StartJob authorizes on the job ARN, whose id Amplify assigns when the job starts; the statement is confined to the jobs of this one production branch.',
    );
    acknowledgeConsoleBuildTriggerProvider(stack);
    return trigger;
  }
}

/** The stack's AwsCustomResource singleton, which runs the console's build trigger: acknowledged specifically. */
function acknowledgeConsoleBuildTriggerProvider(stack: Stack): void {
  const provider = stack.node.tryFindChild(
    `AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`,
  );
  if (!provider) return;
  acknowledgeManagedPolicies(
    provider,
    ['service-role/AWSLambdaBasicExecutionRole'],
    'CDK AwsCustomResource singleton running the console build trigger: the managed policy only lets it write its own logs; amplify:StartJob is an inline policy on the production branch jobs.',
  );
  const deployTime =
    'Deploy-time custom resource (one Amplify StartJob call per create or configuration change)';
  acknowledge(provider, [
    {
      id: 'AwsSolutions-L1',
      reason: 'Runtime of the CDK AwsCustomResource singleton is chosen by aws-cdk-lib and upgrades with it.',
    },
    {
      id: 'Serverless-LambdaDLQ',
      reason: `${deployTime}: CloudFormation invokes it synchronously and receives its failures; a DLQ would never be used.`,
    },
    { id: 'Serverless-LambdaTracing', reason: `${deployTime}; its log group is the diagnostic record.` },
    {
      id: 'Serverless-LambdaDefaultMemorySize',
      reason: `${deployTime}; one SDK call needs no memory tuning.`,
    },
    {
      id: 'Serverless-LambdaLatestVersion',
      reason: 'Runtime of the CDK AwsCustomResource singleton is pinned by aws-cdk-lib.',
    },
    {
      id: 'Serverless-LambdaAsyncFailureDestination',
      reason: `${deployTime}: invoked synchronously by CloudFormation, which rolls back on failure.`,
    },
  ]);
}

/** Amplify's subdomain label for a branch: `/` and other non-DNS characters become `-`. */
export function amplifyBranchLabel(branch: string): string {
  return branch
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/^-+|-+$/g, '');
}
