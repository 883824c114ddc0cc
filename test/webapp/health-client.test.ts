/* biome-ignore-all lint/suspicious/noExplicitAny: synthesized CloudFormation templates are untyped JSON */
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { exampleConfig, type SynthesizedWebapp, synthWebapp } from './fixture';

const ofType = (json: any, type: string): [string, any][] =>
  Object.entries<any>(json.Resources).filter(([, r]) => r.Type === type);

/** The example's release block (the fixture drops it): pipeline in dev (222222222222), health checks on. */
const RELEASE = {
  pipelineEnvironment: 'dev',
  connectionArn:
    'arn:aws:codeconnections:eu-west-1:222222222222:connection/0b7d8f0e-1f7e-4b9c-9a53-2d1c3c8e6a11',
  repository: 'acme/platform',
};

let plain: SynthesizedWebapp;
let released: SynthesizedWebapp;
beforeAll(() => {
  plain = synthWebapp(exampleConfig());
  released = synthWebapp(exampleConfig((raw) => (raw.release = RELEASE)));
});

describe('the deep health check client', () => {
  it('is a confidential client-credentials client with only the health scope and 5-minute tokens', () => {
    const json = plain.json.get('prod');
    const clients = ofType(json, 'AWS::Cognito::UserPoolClient');
    const [healthId, health] = clients.find(([, c]) => c.Properties.ClientName === 'health') ?? [];
    expect(health.Properties).toMatchObject({
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthScopes: [{ 'Fn::Join': ['', [{ Ref: expect.any(String) }, '/deep']] }],
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      AccessTokenValidity: 5,
      SupportedIdentityProviders: ['COGNITO'],
    });
    expect(health.Properties.CallbackURLs).toBeUndefined();
    const [, server] = ofType(json, 'AWS::Cognito::UserPoolResourceServer')[0] ?? [];
    expect(server.Properties).toMatchObject({
      Identifier: 'fastish-health',
      Scopes: [{ ScopeName: 'deep' }],
    });
    // Only the authorizer learns the client id (it accepts access tokens from this client alone); it is
    // published for the deep check.
    const fns = ofType(json, 'AWS::Lambda::Function');
    const withId = fns.filter(([, f]) => f.Properties.Environment?.Variables?.HEALTH_CLIENT_ID);
    expect(withId.map(([id]) => id.replace(/[A-F0-9]{8}$/, ''))).toEqual(['AuthorizerFunction']);
    expect(withId[0]?.[1].Properties.Environment.Variables.HEALTH_CLIENT_ID).toEqual({ Ref: healthId });
    const parameters = ofType(json, 'AWS::SSM::Parameter').map(([, p]) => p.Properties);
    expect(
      parameters.find((p) => p.Name === '/fastish/prod/webapp/user-pool/health-client-id')?.Value,
    ).toEqual({
      Ref: healthId,
    });
  });

  it('has no reader role unless the release pipeline runs health checks', () => {
    for (const json of plain.json.values()) {
      expect(ofType(json, 'AWS::IAM::Role').filter(([id]) => id.startsWith('HealthCheck'))).toEqual([]);
    }
  });

  it("lets exactly the pipeline's health-check role read the secret, and nothing else", () => {
    const json = released.json.get('prod');
    const [roleId, role] = ofType(json, 'AWS::IAM::Role').find(([id]) => id.startsWith('HealthCheck')) ?? [];
    expect(role.Properties.RoleName).toMatch(/^acme-prod-webapp-health-reader/);
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::222222222222:root' },
        Condition: {
          ArnEquals: {
            'aws:PrincipalArn': 'arn:aws:iam::222222222222:role/acme-dev-release-health-check-eu-west-1',
          },
        },
      },
    ]);
    const attached = ofType(json, 'AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    expect(attached).toEqual([
      {
        Sid: 'ReadHealthClientSecret',
        Action: 'cognito-idp:DescribeUserPoolClient',
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^IdentityUserPool/), 'Arn'] },
      },
    ]);
    const { violations } = (new AwsSolutionsChecks() as any).validateScope(released.stacks.get('prod'));
    expect(violations.map((v: any) => v.ruleName)).toEqual([]);
  });
});
