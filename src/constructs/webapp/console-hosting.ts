import { ArnFormat, Lazy, Stack } from 'aws-cdk-lib';
import * as amplify from 'aws-cdk-lib/aws-amplify';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeIamWildcards } from '../../checks/acknowledgements';

export interface ConsoleHostingProps {
  /** App name (from `Naming.name('amplifyApp', …)`). */
  readonly appName: string;
  /** Production branch. */
  readonly branch: string;
  /** Directory of the Next.js app inside the repository (monorepo app root). */
  readonly appRoot: string;
  /**
   * Git repository URL. Hosted repositories other than CodeCommit need `accessTokenSecretName`.
   * @default - a manual-deploy app (upload builds with `aws amplify start-deployment`)
   */
  readonly repository?: string;
  /**
   * Name of the Secrets Manager secret holding the repository access token. Resolved by CloudFormation
   * (dynamic reference): the token never appears in the template.
   * @default - none (CodeCommit or manual deploys)
   */
  readonly accessTokenSecretName?: string;
  /**
   * Custom domain of the console, e.g. `console.example.com` (DNS validated by Amplify).
   * @default - the Amplify default domain `https://<branch>.<appId>.amplifyapp.com`
   */
  readonly customDomain?: string;
  /**
   * Build-time environment values of the production branch (more with `addEnvironment`). Never secrets.
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;
}

/**
 * The tenant console on Amplify Hosting: a Next.js SSR app (WEB_COMPUTE) built from `appRoot`, the
 * production branch with auto builds, pull-request previews when a repository is connected, and an
 * optional custom domain. `origin` is what the API's CORS and the user pool's callback URLs allow.
 */
export class ConsoleHosting extends Construct {
  readonly app: amplify.CfnApp;
  readonly branch: amplify.CfnBranch;
  readonly domain?: amplify.CfnDomain;
  readonly serviceRole: iam.Role;
  /** `https://<custom domain>` or `https://<branch>.<appId>.amplifyapp.com`. */
  readonly origin: string;
  private readonly environment = new Map<string, string>();

  constructor(scope: Construct, id: string, props: ConsoleHostingProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.serviceRole = new iam.Role(this, 'ServiceRole', {
      assumedBy: new iam.ServicePrincipal('amplify.amazonaws.com'),
      description: 'Amplify Hosting: writes SSR compute logs of the console',
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

    const buildSpec = [
      'version: 1',
      'applications:',
      `  - appRoot: ${props.appRoot}`,
      '    frontend:',
      '      phases:',
      '        preBuild:',
      '          commands:',
      '            - npm ci',
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

    const connected = props.repository !== undefined;
    this.app = new amplify.CfnApp(this, 'App', {
      name: props.appName,
      description: 'Fastish tenant console (Next.js SSR)',
      platform: 'WEB_COMPUTE',
      iamServiceRole: this.serviceRole.roleArn,
      buildSpec,
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
      ...(connected ? { repository: props.repository } : {}),
      ...(connected && props.accessTokenSecretName
        ? { accessToken: `{{resolve:secretsmanager:${props.accessTokenSecretName}:SecretString}}` }
        : {}),
      enableBranchAutoDeletion: connected,
    });

    this.branch = new amplify.CfnBranch(this, 'Branch', {
      appId: this.app.attrAppId,
      branchName: props.branch,
      description: 'Production console',
      stage: 'PRODUCTION',
      framework: 'Next.js - SSR',
      enableAutoBuild: connected,
      enablePullRequestPreview: connected,
      environmentVariables: Lazy.any(
        {
          produce: () =>
            [...this.environment.entries()]
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([name, value]) => ({ name, value })),
        },
        { omitEmptyArray: true },
      ),
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

    for (const [name, value] of Object.entries(props.environment ?? {})) this.addEnvironment(name, value);

    acknowledgeIamWildcards(
      this.serviceRole,
      { resources: [amplifyLogs] },
      'Amplify names SSR log groups /aws/amplify/<appId>; the app id is not known before the app exists',
    );
  }

  /**
   * Adds a build-time environment value of the production branch (values that exist only after the
   * console's origin was used, such as the API URL). Never a secret: branch variables are visible in the console.
   */
  addEnvironment(name: string, value: string): void {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      throw new Error(`${this.node.path}: invalid variable name ${name}`);
    this.environment.set(name, value);
  }
}

/** Amplify's subdomain label for a branch: `/` and other non-DNS characters become `-`. */
export function amplifyBranchLabel(branch: string): string {
  return branch
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/^-+|-+$/g, '');
}
