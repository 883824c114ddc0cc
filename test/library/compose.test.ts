// biome-ignore-all lint/suspicious/noExplicitAny: synthesized template JSON is untyped; assertions narrow it
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { describe, expect, it } from 'vitest';
import { FastishBootstrap, FastishStack, SaasWebApp, StackDeployment } from '../../src';

// A consumer's app: the Fastish bootstrap in one stack, the web app beside the consumer's own
// resources in another, wired only through the stacks' naming context.
describe('composing the Fastish constructs in a consumer’s CDK app', () => {
  const app = new App({ context: cxapi.CURRENTLY_RECOMMENDED_FLAGS });
  const where = {
    organization: 'shop',
    environmentName: 'stage',
    account: '333333333333',
    region: 'eu-central-1',
  };
  const base = new FastishStack(app, 'Base', {
    ...where,
    architecture: 'bootstrap',
    deployment: StackDeployment.OPERATOR,
  });
  const bootstrap = new FastishBootstrap(base, 'Bootstrap', { naming: base.namingContext });
  const apps = new FastishStack(app, 'Apps', { ...where, architecture: 'apps', team: 'shop-team' });
  const webapp = new SaasWebApp(apps, 'WebApp', { naming: apps.namingContext });
  // The consumer's own function, notified by the web app's alarms.
  const own = new lambda.Function(apps, 'Reports', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
  });
  new sns.Subscription(apps, 'ReportsOnAlarm', {
    topic: webapp.alarmTopic,
    protocol: sns.SubscriptionProtocol.LAMBDA,
    endpoint: own.functionArn,
  });
  const assembly = app.synth();
  const appsTemplate = Template.fromStack(apps);

  it('derives one qualifier for both stacks, so the web app deploys through the bootstrap’s roles', () => {
    expect(apps.namingContext.qualifier).toBe(base.namingContext.qualifier);
    const deployRole =
      Template.fromStack(base).toJSON().Resources[
        base.getLogicalId(bootstrap.roles.deploy.node.defaultChild as any)
      ];
    expect(assembly.getStackByName(apps.stackName).assumeRoleArn).toContain(
      `:role/${deployRole.Properties.RoleName}`,
    );
  });

  it('gives the consumer’s own roles the bootstrap’s permissions boundary and the Fastish tags', () => {
    const roles = Object.values(appsTemplate.findResources('AWS::IAM::Role')) as any[];
    expect(roles.length).toBeGreaterThan(5);
    const boundaryName = bootstrap.boundary.policy.node.defaultChild as any;
    const name =
      Template.fromStack(base).toJSON().Resources[base.getLogicalId(boundaryName)].Properties
        .ManagedPolicyName;
    for (const r of roles)
      expect(JSON.stringify(r.Properties.PermissionsBoundary)).toContain(`:policy/${name}`);
    const ownRole = roles.find((r) =>
      JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('lambda'),
    );
    expect(ownRole.Properties.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'fastish:team', Value: 'shop-team' },
        { Key: 'fastish:environment', Value: 'stage' },
      ]),
    );
  });

  it('names the web app’s resources after the same organization and environment', () => {
    appsTemplate.hasResourceProperties('AWS::DynamoDB::GlobalTable', { TableName: 'shop-stage-webapp' });
    appsTemplate.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'lambda' });
    expect(apps.stackName).toBe('shop-stage-apps');
  });
});
