// biome-ignore-all lint/suspicious/noExplicitAny: synthesized template JSON is untyped; assertions narrow it
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { FastishBootstrap, FastishStack } from '../../src';
import { CONSUMER_NAMING } from './consumer';

// A consumer's own CDK app as `cdk init` creates it (aws-cdk-lib's recommended feature flags): no
// Fastish config, no platform model, only the constructs' props.
const naming = CONSUMER_NAMING;

function bootstrapIn(props: Partial<ConstructorParameters<typeof FastishBootstrap>[2]> = {}) {
  const app = new App({ context: cxapi.CURRENTLY_RECOMMENDED_FLAGS });
  const stack = new Stack(app, 'Bootstrap', { env: { account: naming.account, region: naming.region } });
  const bootstrap = new FastishBootstrap(stack, 'Bootstrap', { naming, ...props });
  return {
    app,
    stack,
    bootstrap,
    get template() {
      return Template.fromStack(stack);
    },
  };
}

const roles = (t: Template) => Object.values(t.findResources('AWS::IAM::Role')) as any[];
const roleNamed = (t: Template, name: string) => {
  const role = roles(t).find((r) => r.Properties.RoleName === name);
  if (!role) throw new Error(`no role ${name} among ${roles(t).map((r) => r.Properties.RoleName)}`);
  return role;
};

describe('FastishBootstrap in a plain CDK app', () => {
  it('creates the five deployment roles CDK’s synthesizer expects, named after the qualifier', () => {
    const { template } = bootstrapIn();
    for (const purpose of ['deploy', 'cfn-exec', 'file-publishing', 'image-publishing', 'lookup']) {
      roleNamed(template, `fastish-shopstage1-${purpose}-333333333333-eu-central-1`);
    }
  });

  it('a FastishStack of the same environment deploys through exactly those roles and that bucket', () => {
    const boot = bootstrapIn();
    const app = boot.app;
    const workload = new FastishStack(app, 'Workload', {
      organization: naming.organization,
      environmentName: naming.environment,
      account: naming.account,
      region: naming.region,
      qualifier: naming.qualifier,
      architecture: 'orders',
    });
    new iam.Role(workload, 'Worker', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const assembly = app.synth();
    const template = boot.template;
    const artifact = assembly.getStackByName(workload.stackName);
    expect(workload.stackName).toBe('shop-stage-orders');
    const deployRole = roleNamed(template, 'fastish-shopstage1-deploy-333333333333-eu-central-1');
    expect(artifact.assumeRoleArn).toContain(`:role/${deployRole.Properties.RoleName}`);
    const execRole = roleNamed(template, 'fastish-shopstage1-cfn-exec-333333333333-eu-central-1');
    expect(artifact.cloudFormationExecutionRoleArn).toContain(`:role/${execRole.Properties.RoleName}`);
    const buckets = Object.values(template.findResources('AWS::S3::Bucket')) as any[];
    const templateBucket = artifact.stackTemplateAssetObjectUrl?.split('/')[2];
    expect(buckets.map((b) => b.Properties.BucketName)).toContain(templateBucket);
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: artifact.bootstrapStackVersionSsmParameter,
    });
    // The workload's roles carry the boundary the bootstrap creates, by name.
    const boundary = Object.values(template.findResources('AWS::IAM::ManagedPolicy')).map(
      (p: any) => p.Properties.ManagedPolicyName,
    );
    const worker = roles(Template.fromStack(workload))[0];
    expect(JSON.stringify(worker.Properties.PermissionsBoundary)).toContain(`:policy/${boundary[0]}`);
  });

  it('keeps its stateful resources on stack deletion and encrypts them with its own key', () => {
    const { template } = bootstrapIn();
    for (const type of ['AWS::KMS::Key', 'AWS::S3::Bucket', 'AWS::ECR::Repository', 'AWS::Logs::LogGroup']) {
      const found = Object.values(template.findResources(type)) as any[];
      expect(found.length, type).toBeGreaterThan(0);
      for (const r of found) expect(r.DeletionPolicy, type).toBe('Retain');
    }
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::ECR::Repository', {
      ImageTagMutability: 'IMMUTABLE',
      EncryptionConfiguration: { EncryptionType: 'KMS' },
    });
  });

  it('defaults: one year of deployment logs, handshake ExternalId <org>-<env>-deploy, this account only', () => {
    const { template, bootstrap } = bootstrapIn();
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    expect(bootstrap.handshake.externalId).toBe('shop-stage-deploy');
    const handshake = roleNamed(template, 'shop-stage-handshake-eu-central-1');
    const statements = handshake.Properties.AssumeRolePolicyDocument.Statement;
    expect(statements).toHaveLength(1);
    expect(statements[0].Condition.StringEquals).toEqual({
      'sts:ExternalId': 'shop-stage-deploy',
      'aws:PrincipalAccount': '333333333333',
    });
  });

  it('trusts named operators and the pipeline’s roles only when given', () => {
    const trustOf = (t: Template) =>
      JSON.stringify(
        roleNamed(t, 'fastish-shopstage1-deploy-333333333333-eu-central-1').Properties
          .AssumeRolePolicyDocument,
      );
    const plain = trustOf(bootstrapIn().template);
    expect(plain).not.toContain('aws:PrincipalArn');
    const withBoth = trustOf(
      bootstrapIn({
        operatorRoleNames: ['shop-stage-team-platform-admin'],
        logRetention: logs.RetentionDays.ONE_MONTH,
        pipeline: {
          account: '444444444444',
          region: 'eu-west-1',
          rolePrefix: 'shop-tools-release-',
          artifactsBucketName: 'shop-tools-release-artifacts',
        },
      }).template,
    );
    expect(withBoth).toContain(':iam::333333333333:role/shop-stage-team-platform-admin');
    expect(withBoth).toContain(':iam::444444444444:role/shop-tools-release-*');
  });

  it('has no unacknowledged cdk-nag findings (AwsSolutions, Serverless)', () => {
    const { stack } = bootstrapIn();
    const violations = [new AwsSolutionsChecks(), new ServerlessChecks()].flatMap((p) =>
      p.validateScope(stack).violations.map((v) => v.ruleName),
    );
    expect(violations).toEqual([]);
  });

  it('says what it needs when the partition is not a literal, instead of failing deep in CDK', () => {
    const noFlags = new Stack(new App(), 'NoFlags', {
      env: { account: naming.account, region: naming.region },
    });
    expect(() => new FastishBootstrap(noFlags, 'Bootstrap', { naming })).toThrow(
      'NoFlags/Bootstrap: needs a literal AWS partition, but the app does not set the feature flag "@aws-cdk/core:enablePartitionLiterals": true',
    );
    const agnostic = new Stack(new App({ context: cxapi.CURRENTLY_RECOMMENDED_FLAGS }), 'Agnostic');
    expect(() => new FastishBootstrap(agnostic, 'Bootstrap', { naming })).toThrow(
      'Agnostic/Bootstrap: needs a literal AWS partition, but its stack has no explicit region',
    );
  });
});
