import { resolve } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { ARCHITECTURE_FACTORIES, type ArchitectureFactories } from '../../src/app/architectures';
import { buildPlatform, createApp, type Platform } from '../../src/app/platform';
import { loadConfig, validateConfig } from '../../src/config';
import { readConfigFile } from '../../src/config/load';
import { PublishedValue } from '../../src/constructs/published-value';
import { EnvironmentStack } from '../../src/stacks/environment-stack';
import type { ReleaseStack } from '../../src/stacks/release/release-stack';

interface Action {
  Name: string;
  ActionTypeId: { Category: string; Provider: string };
  RunOrder: number;
  Configuration?: Record<string, unknown>;
}
interface PipelineStage {
  Name: string;
  Actions: Action[];
}

let platform: Platform;
let release: ReleaseStack;
let template: Template;
let stages: PipelineStage[];

beforeAll(() => {
  // Light stand-ins for the workload stacks: the pipeline's shape is what is under test here.
  const factories: ArchitectureFactories = { ...ARCHITECTURE_FACTORIES };
  factories.webapp = ({ scope, platform: p, environment }) => {
    const stack = new EnvironmentStack(scope, 'webapp', { platform: p, environment, architecture: 'webapp' });
    for (const [id, key] of [
      ['ApiUrl', 'api/url'],
      ['UserPoolId', 'user-pool/id'],
      ['CognitoDomain', 'user-pool/domain'],
      ['HealthClientId', 'user-pool/health-client-id'],
    ] as const) {
      new PublishedValue(stack, id, {
        naming: environment.naming,
        architecture: 'webapp',
        key,
        value: 'placeholder',
        description: key,
      });
    }
    return stack;
  };
  factories.eks = ({ scope, platform: p, environment }) => {
    const stack = new EnvironmentStack(scope, 'eks', { platform: p, environment, architecture: 'eks' });
    new PublishedValue(stack, 'Endpoint', {
      naming: environment.naming,
      architecture: 'eks',
      key: 'cluster/endpoint',
      value: 'https://ABC.gr7.eu-west-1.eks.amazonaws.com',
      description: 'EKS API endpoint (private)',
    });
    return stack;
  };
  const raw = readConfigFile(resolve('test/release/fixtures/release.yaml')) as {
    environments: Record<string, { architectures?: string[] }>;
  };
  for (const env of Object.values(raw.environments)) env.architectures = ['webapp', 'eks'];
  platform = buildPlatform(validateConfig(raw), createApp(), factories);
  release = platform.release as ReleaseStack;
  platform.app.synth();
  template = Template.fromStack(release);
  const pipeline = Object.values(template.findResources('AWS::CodePipeline::Pipeline'))[0] as {
    Properties: { Stages: PipelineStage[] };
  };
  stages = pipeline.Properties.Stages;
});

const names = (stage: string) => stages.find((s) => s.Name === stage)?.Actions.map((a) => a.Name) ?? [];

describe('ReleaseStack (CDK Pipelines)', () => {
  it('is the release architecture in the pipeline environment', () => {
    expect(release.stackName).toBe('acme-dev-release');
    expect(release.account).toBe('222222222222');
    expect(platform.stacks.at(-1)).toBe(release);
  });

  it('is a self-mutating V2 pipeline from the CodeConnections source', () => {
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      PipelineType: 'V2',
      Name: 'acme-dev-release',
      RestartExecutionOnUpdate: true,
    });
    expect(stages.map((s) => s.Name)).toEqual(['Source', 'Build', 'UpdatePipeline', 'dev', 'prod']);
    const source = stages[0]?.Actions[0];
    expect(source?.ActionTypeId.Provider).toBe('CodeStarSourceConnection');
    expect(source?.Configuration).toMatchObject({
      FullRepositoryId: 'acme/platform',
      BranchName: 'main',
      ConnectionArn:
        'arn:aws:codeconnections:eu-west-1:222222222222:connection/0b7d8f0e-1f7e-4b9c-9a53-2d1c3c8e6a11',
    });
    expect(names('UpdatePipeline')).toEqual(['SelfMutate']);
  });

  it('synth runs npm ci, fastish check and fastish synth', () => {
    const projects = template.findResources('AWS::CodeBuild::Project');
    const synth = Object.values(projects).find((p) =>
      JSON.stringify(p).includes('npx fastish synth --config fastish.yaml --out cdk.out'),
    );
    expect(synth).toBeDefined();
    const spec = JSON.stringify(synth);
    expect(spec.indexOf('npm ci')).toBeLessThan(spec.indexOf('npx fastish check --config fastish.yaml'));
    expect(spec.indexOf('npx fastish check')).toBeLessThan(spec.indexOf('npx fastish synth'));
  });

  it('deploys one stage per environment in config order; approval only before required environments', () => {
    expect(names('dev')).not.toContain('Approve-dev');
    expect(names('prod')).toContain('Approve-prod');
    const prod = stages.find((s) => s.Name === 'prod')?.Actions ?? [];
    const approval = prod.find((a) => a.Name === 'Approve-prod');
    expect(approval?.ActionTypeId).toMatchObject({ Category: 'Approval', Provider: 'Manual' });
    // The approval comes before any stack of prod is touched.
    const firstDeploy = Math.min(
      ...prod.filter((a) => a.ActionTypeId.Provider === 'CloudFormation').map((a) => a.RunOrder),
    );
    expect(approval?.RunOrder).toBeLessThan(firstDeploy);
  });

  it('checks for permissions broadening before every environment', () => {
    for (const env of ['dev', 'prod']) {
      const actions = stages.find((s) => s.Name === env)?.Actions ?? [];
      const check = actions.find((a) => a.Name === `PermissionsBroadening-${env}.Check`);
      const confirm = actions.find((a) => a.Name === `PermissionsBroadening-${env}.Confirm`);
      expect(check?.ActionTypeId.Provider).toBe('CodeBuild');
      expect(confirm?.ActionTypeId.Provider).toBe('Manual');
    }
    const projects = JSON.stringify(template.findResources('AWS::CodeBuild::Project'));
    expect(projects).toContain('--security-only');
  });

  it('never deploys bootstrap stacks (operators deploy them with their own credentials)', () => {
    const all = stages.flatMap((s) => s.Actions.map((a) => a.Name));
    expect(all.some((n) => n.includes('bootstrap'))).toBe(false);
  });

  it('encrypts artifacts with a rotated customer-managed key in a secure bucket', () => {
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      ArtifactStore: { Type: 'S3', EncryptionKey: { Type: 'KMS', Id: Match.anyValue() } },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: Match.stringLikeRegexp('release-artifacts'),
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() } },
        ],
      },
      LoggingConfiguration: Match.objectLike({ DestinationBucketName: Match.anyValue() }),
    });
  });

  it('notifies failures on an encrypted SNS topic with the configured subscriptions', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@acme.example.com',
    });
    template.hasResourceProperties('AWS::CodeStarNotifications::NotificationRule', {
      EventTypeIds: Match.arrayWith(['codepipeline-pipeline-pipeline-execution-failed']),
      Targets: [{ TargetType: 'SNS', TargetAddress: Match.anyValue() }],
    });
  });

  it('CodeBuild projects run unprivileged on the pinned image', () => {
    const projects = Object.values(template.findResources('AWS::CodeBuild::Project')) as {
      Properties: { Environment: { PrivilegedMode?: boolean; Image: string } };
    }[];
    expect(projects.length).toBeGreaterThan(2);
    for (const p of projects) expect(p.Properties.Environment.PrivilegedMode ?? false).toBe(false);
  });

  it('has zero unacknowledged cdk-nag AwsSolutions findings', () => {
    const { violations } = new AwsSolutionsChecks().validateScope(release) as {
      violations: { ruleName: string }[];
    };
    expect(violations.map((v) => v.ruleName)).toEqual([]);
  });
});

describe('ReleaseStack health checks', () => {
  it('adds a deep API health-check step after each environment, reading the webapp outputs', () => {
    for (const env of ['dev', 'prod']) {
      const actions = stages.find((s) => s.Name === env)?.Actions ?? [];
      const deploys = actions.filter((a) => a.ActionTypeId.Provider === 'CloudFormation');
      const health = actions.find((a) => a.Name === `HealthCheck-${env}-webapp`);
      expect(deploys.map((a) => a.Name).sort()).toEqual([
        `acme-${env}-eks.Deploy`,
        `acme-${env}-eks.Prepare`,
        `acme-${env}-webapp.Deploy`,
        `acme-${env}-webapp.Prepare`,
      ]);
      expect(health?.RunOrder).toBeGreaterThan(Math.max(...deploys.map((a) => a.RunOrder)));
      // The URL and the health client's coordinates are the webapp stack's outputs, passed as CodePipeline
      // variables of its deploy action.
      const configuration = JSON.stringify(health?.Configuration);
      for (const [variable, output] of [
        ['TARGET_URL', 'ApiUrlOutput'],
        ['USER_POOL_ID', 'UserPoolIdOutput'],
        ['HEALTH_CLIENT_ID', 'HealthClientIdOutput'],
        ['COGNITO_DOMAIN', 'CognitoDomainOutput'],
      ]) {
        expect(configuration).toMatch(new RegExp(`${variable}.*#\\{[^}]*${output}`));
      }
      // Only the API is checked from CodeBuild: the private EKS endpoint is not probed from outside the VPC.
      expect(actions.filter((a) => a.Name.startsWith('HealthCheck-')).map((a) => a.Name)).toEqual([
        `HealthCheck-${env}-webapp`,
      ]);
    }
    const projects = JSON.stringify(template.findResources('AWS::CodeBuild::Project'));
    expect(projects).toContain('/health/deep');
    expect(projects).not.toContain('/readyz');
    // The steps run as one named role, which may assume only each environment's health-client reader role.
    const role = Object.values(
      template.findResources('AWS::IAM::Role', {
        Properties: { RoleName: Match.stringLikeRegexp('^acme-dev-release-health-check') },
      }),
    );
    expect(role).toHaveLength(1);
    // CloudFormation's pattern for IAM role descriptions (no typographic quotes).
    expect((role[0] as { Properties: { Description: string } }).Properties.Description).toMatch(
      /^[\t\n\r\u0020-\u007E\u00A1-\u00FF]*$/,
    );
    const assumable = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap(
        (p) =>
          (p as { Properties: { PolicyDocument: { Statement: unknown[] } } }).Properties.PolicyDocument
            .Statement,
      )
      .filter(
        (s) => JSON.stringify(s).includes('sts:AssumeRole') && JSON.stringify(s).includes('health-reader'),
      )
      .flatMap((s) =>
        ([] as unknown[]).concat((s as { Resource: unknown }).Resource).map((r) => JSON.stringify(r)),
      );
    expect(assumable.map((r) => r.replace(/.*role\/(acme-\w+)-webapp-health-reader.*/, '$1')).sort()).toEqual(
      ['acme-dev', 'acme-prod'],
    );
  });

  it('an environment without workload stacks gets no pipeline stage', () => {
    const bare = buildPlatform(loadConfig(resolve('test/release/fixtures/release.yaml')), createApp());
    expect(bare.release?.waves).toEqual([]);
  });
});
