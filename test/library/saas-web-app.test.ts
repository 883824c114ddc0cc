// biome-ignore-all lint/suspicious/noExplicitAny: synthesized template JSON is untyped; assertions narrow it
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { SaasWebApp, type SaasWebAppProps, WebAppMfa } from '../../src';
import { CONSUMER_NAMING } from './consumer';

// A consumer's own CDK app as `cdk init` creates it: no Fastish config, only the construct's props.
const naming = CONSUMER_NAMING;

function webAppIn(props: Omit<SaasWebAppProps, 'naming'> = {}) {
  const app = new App({ context: cxapi.CURRENTLY_RECOMMENDED_FLAGS });
  const stack = new Stack(app, 'Shop', { env: { account: naming.account, region: naming.region } });
  const webapp = new SaasWebApp(stack, 'WebApp', { naming, ...props });
  return { stack, webapp, template: Template.fromStack(stack) };
}

const ofType = (t: Template, type: string) => Object.entries(t.findResources(type)) as [string, any][];
const statementsOf = (t: Template, roleId: string) =>
  ofType(t, 'AWS::IAM::Policy')
    .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as any[]);
const actionsOf = (s: any): string[] => [].concat(s.Action ?? []);

describe('SaasWebApp with defaults, in a plain CDK app', () => {
  let stack: Stack;
  let webapp: SaasWebApp;
  let template: Template;
  beforeAll(() => {
    ({ stack, webapp, template } = webAppIn());
  });

  it('keeps tenant data in one KMS-encrypted, retained table keyed tenant_id#entity_id', () => {
    const [[, table]] = ofType(template, 'AWS::DynamoDB::GlobalTable');
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.Properties.TableName).toBe('shop-stage-webapp');
    expect(table.Properties.KeySchema.map((k: any) => k.KeyType)).toEqual(['HASH', 'RANGE']);
    expect(table.Properties.SSESpecification).toMatchObject({ SSEEnabled: true, SSEType: 'KMS' });
    expect(table.Properties.Replicas[0].PointInTimeRecoverySpecification).toEqual({
      PointInTimeRecoveryEnabled: true,
    });
  });

  it('requires MFA, caches authorizer decisions 5 minutes, lets the WAF block at 2,000 requests per IP', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', { MfaConfiguration: 'ON' });
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'TOKEN',
      AuthorizerResultTtlInSeconds: 300,
    });
    const [[, acl]] = ofType(template, 'AWS::WAFv2::WebACL');
    expect(JSON.stringify(acl.Properties.Rules)).toContain('"Limit":2000');
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
  });

  it('gives every tier its own usage plan with the default throttle and daily quota', () => {
    const plans = ofType(template, 'AWS::ApiGateway::UsagePlan').map(([, p]) => p.Properties);
    const limits = plans.map((p) => [p.Throttle?.RateLimit, p.Quota?.Limit]).filter(([r]) => r !== undefined);
    expect(limits).toEqual(
      expect.arrayContaining([
        [10, 10_000],
        [50, 100_000],
        [200, 1_000_000],
      ]),
    );
  });

  it('runs ARM64 functions, logs to one-year KMS log groups, and has no console unless asked', () => {
    for (const [, f] of ofType(template, 'AWS::Lambda::Function').filter(
      ([, f]) => f.Properties.FunctionName !== undefined,
    )) {
      expect(f.Properties.Architectures).toEqual(['arm64']);
    }
    for (const [, g] of ofType(template, 'AWS::Logs::LogGroup')) {
      expect(g.Properties.RetentionInDays).toBe(365);
      expect(g.Properties.KmsKeyId).toBeDefined();
    }
    template.resourceCountIs('AWS::Amplify::App', 0);
    expect(webapp.console).toBeUndefined();
  });

  it('lets only the authorizer assume the tenant data role, tagging the session with the tenant', () => {
    const [[tenantRoleId, tenantRole]] = ofType(template, 'AWS::IAM::Role').filter(
      ([, r]) => r.Properties.RoleName === 'shop-stage-webapp-tenant-data-eu-central-1',
    );
    const trust = tenantRole.Properties.AssumeRolePolicyDocument.Statement as any[];
    const authorizerRole = stack.resolve((webapp.authorizerFunction.role.node.defaultChild as any).logicalId);
    expect(trust.map((s) => s.Principal.AWS)).toEqual(
      trust.map(() => ({ 'Fn::GetAtt': [authorizerRole, 'Arn'] })),
    );
    // Both the assume and the tag call must carry exactly the tenant tag.
    expect(trust.flatMap(actionsOf).sort()).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    for (const s of trust) {
      expect(s.Condition.Null).toEqual({ 'aws:RequestTag/tenant': 'false' });
      expect(s.Condition['ForAllValues:StringEquals']).toEqual({ 'aws:TagKeys': ['tenant'] });
    }
    // The API's own role never reaches the table: every data access goes through a vended session.
    const apiRole = stack.resolve((webapp.apiFunction.role.node.defaultChild as any).logicalId);
    expect(
      statementsOf(template, apiRole)
        .flatMap(actionsOf)
        .filter((a) => a.startsWith('dynamodb:')),
    ).toEqual([]);
    expect(statementsOf(template, tenantRoleId).length).toBeGreaterThan(0);
  });

  it('publishes its ids and URLs under /fastish/<env>/webapp/', () => {
    expect(webapp.parameterNames.apiUrl).toBe('/fastish/stage/webapp/api/url');
    template.hasResourceProperties('AWS::SSM::Parameter', { Name: '/fastish/stage/webapp/table/name' });
    expect(Object.keys(webapp.outputs).sort()).toEqual([
      'apiUrl',
      'cognitoDomain',
      'tableName',
      'userPoolClientId',
      'userPoolId',
    ]);
  });

  it('has no unacknowledged cdk-nag findings (AwsSolutions, Serverless)', () => {
    const violations = [new AwsSolutionsChecks(), new ServerlessChecks()].flatMap((p) =>
      p.validateScope(stack).violations.map((v) => v.ruleName),
    );
    expect(violations).toEqual([]);
  });
});

describe('SaasWebApp props', () => {
  it('honours MFA, tiers, authorizer cache, WAF limit and a console (its origin is the CORS origin)', () => {
    const { template, webapp } = webAppIn({
      mfa: WebAppMfa.OPTIONAL,
      authorizerCacheTtl: Duration.seconds(0),
      wafRateLimitPer5Minutes: 500,
      tiers: {
        basic: { rateLimit: 1, burstLimit: 2, quotaPerDay: 3 },
        standard: { rateLimit: 4, burstLimit: 5, quotaPerDay: 6 },
        premium: { rateLimit: 7, burstLimit: 8, quotaPerDay: 9 },
      },
      console: { repository: 'https://github.com/shop/platform', domain: 'console.shop.example' },
    });
    template.hasResourceProperties('AWS::Cognito::UserPool', { MfaConfiguration: 'OPTIONAL' });
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', { AuthorizerResultTtlInSeconds: 0 });
    const [[, acl]] = ofType(template, 'AWS::WAFv2::WebACL');
    expect(JSON.stringify(acl.Properties.Rules)).toContain('"Limit":500');
    const quotas = ofType(template, 'AWS::ApiGateway::UsagePlan')
      .map(([, p]) => p.Properties.Quota?.Limit)
      .filter((q) => q !== undefined)
      .sort();
    expect(quotas).toEqual(expect.arrayContaining([3, 6, 9]));
    template.hasResourceProperties('AWS::Amplify::App', { Repository: 'https://github.com/shop/platform' });
    expect(webapp.consoleOrigin).toBe('https://console.shop.example');
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      CallbackURLs: Match.arrayWith(['https://console.shop.example/auth/callback']),
    });
  });
});
