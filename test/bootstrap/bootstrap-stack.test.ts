// biome-ignore-all lint/suspicious/noExplicitAny: synthesized template JSON is untyped; assertions narrow it
// biome-ignore-all lint/style/noNonNullAssertion: a missing element fails the test at the next line anyway
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPlatform } from '../../src/app/platform';
import type { EnvironmentModel, PlatformModel } from '../../src/config';
import { bootstrapOnlyModel } from '../checks/example';

type Resource = { Type: string; Properties: Record<string, any> };

let model: PlatformModel;
let prod: EnvironmentModel;
let template: Template;
let resources: Record<string, Resource>;
let devTemplate: Template;
let teamsResources: Record<string, Resource>;

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const roleIdNamed = (name: string) => {
  const found = ofType('AWS::IAM::Role').find(([, r]) => r.Properties.RoleName === name);
  if (!found) throw new Error(`no role ${name}`);
  return found[0];
};

beforeAll(() => {
  model = bootstrapOnlyModel();
  const platform = buildPlatform(model);
  const env = model.environments.find((e) => e.name === 'prod');
  if (!env) throw new Error('example has no prod');
  prod = env;
  const stacks = platform.environments;
  template = Template.fromStack(stacks.get('prod')!.bootstrap);
  devTemplate = Template.fromStack(stacks.get('dev')!.bootstrap);
  resources = template.toJSON().Resources;
  teamsResources = Template.fromStack(stacks.get('prod')!.teams).toJSON().Resources;
});

describe('bootstrap stack', () => {
  it('is named <org>-<env>-bootstrap', () => {
    expect(prod.naming.stackName('bootstrap')).toBe('acme-prod-bootstrap');
  });

  it('has one customer-managed KMS key with rotation on, retained', () => {
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('assets bucket: KMS-encrypted, versioned, public access blocked, access-logged, retained', () => {
    const [, key] = ofType('AWS::KMS::Key')[0]!;
    expect(key).toBeDefined();
    const assets = ofType('AWS::S3::Bucket').find(
      ([, r]) => r.Properties.BucketName === prod.naming.bootstrapBucketName(),
    );
    expect(assets).toBeDefined();
    const [assetsId, bucket] = assets!;
    expect(
      bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault,
    ).toEqual({
      SSEAlgorithm: 'aws:kms',
      KMSMasterKeyID: { 'Fn::GetAtt': [ofType('AWS::KMS::Key')[0]![0], 'Arn'] },
    });
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    const accessLogs = ofType('AWS::S3::Bucket').find(([id]) => id !== assetsId)!;
    expect(bucket.Properties.LoggingConfiguration.DestinationBucketName).toEqual({ Ref: accessLogs[0] });
    template.hasResource('AWS::S3::Bucket', {
      Properties: { BucketName: prod.naming.bootstrapBucketName() },
      DeletionPolicy: 'Retain',
    });
  });

  it('every bucket denies requests without TLS', () => {
    const buckets = ofType('AWS::S3::Bucket').map(([id]) => id);
    expect(buckets).toHaveLength(2);
    for (const id of buckets) {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });

  it('image repository scans on push, is immutable and KMS-encrypted', () => {
    template.hasResourceProperties('AWS::ECR::Repository', {
      RepositoryName: prod.naming.bootstrapRepositoryName(),
      ImageScanningConfiguration: { ScanOnPush: true },
      ImageTagMutability: 'IMMUTABLE',
      EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: Match.anyValue() },
    });
  });

  it('handshake role demands the ExternalId and the principal account of each trusted account', () => {
    const trusted = prod.settings.bootstrap.trustedAccounts;
    const accounts = trusted.length > 0 ? trusted : [prod.account];
    const id = roleIdNamed(prod.naming.roleName('handshake'));
    const statements = resources[id]!.Properties.AssumeRolePolicyDocument.Statement;
    expect(statements).toHaveLength(accounts.length);
    accounts.forEach((account, i) => {
      expect(statements[i]).toMatchObject({
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Condition: {
          StringEquals: { 'sts:ExternalId': 'acme-prod-deploy', 'aws:PrincipalAccount': account },
        },
      });
      expect(JSON.stringify(statements[i].Principal)).toContain(`:iam::${account}:root`);
    });
  });

  it('handshake role may assume only this environment’s deploy, publishing and lookup roles', () => {
    const handshake = roleIdNamed(prod.naming.roleName('handshake'));
    const policies = ofType('AWS::IAM::Policy').filter(([, p]) =>
      p.Properties.Roles.some((r: any) => r.Ref === handshake),
    );
    expect(policies).toHaveLength(1);
    const statements = policies[0]![1].Properties.PolicyDocument.Statement;
    expect(statements).toHaveLength(1);
    expect(statements[0].Action).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    const targets = (['deploy', 'file-publishing', 'image-publishing', 'lookup'] as const).map((p) => ({
      'Fn::GetAtt': [roleIdNamed(prod.naming.bootstrapRoleName(p)), 'Arn'],
    }));
    expect(statements[0].Resource).toEqual(expect.arrayContaining(targets));
    expect(statements[0].Resource).toHaveLength(4);
    expect(JSON.stringify(statements)).not.toContain('cfn-exec');
  });

  it('each team role (in the teams stack) trusts only that team’s contributors with that level', () => {
    const teamRoles = Object.entries(teamsResources).filter(([, r]) => r.Type === 'AWS::IAM::Role');
    expect(ofType('AWS::IAM::Role').some(([, r]) => String(r.Properties.RoleName).includes('-team-'))).toBe(
      false,
    );
    for (const team of model.teams) {
      for (const level of ['admin', 'developer', 'read-only'] as const) {
        const members = team.contributors.filter((c) => c.role === level).map((c) => c.principal);
        const name = prod.naming.roleName(`team-${team.name}-${level}`);
        const role = teamRoles.find(([, r]) => r.Properties.RoleName === name);
        if (members.length === 0) {
          expect(role, name).toBeUndefined();
          continue;
        }
        const principals = role![1].Properties.AssumeRolePolicyDocument.Statement.flatMap((s: any) =>
          [s.Principal.AWS].flat(),
        );
        expect(principals.sort(), name).toEqual([...members].sort());
      }
    }
  });

  it('lets CloudWatch Logs use the key only for log groups of this account (encryption context)', () => {
    const [, key] = ofType('AWS::KMS::Key')[0]!;
    const logs = key.Properties.KeyPolicy.Statement.filter(
      (s: any) => s.Principal?.Service === `logs.${prod.region}.amazonaws.com`,
    );
    expect(logs).toHaveLength(1);
    expect(logs[0].Condition).toEqual({
      ArnLike: {
        'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${prod.region}:${prod.account}:log-group:*`,
      },
    });
  });

  it('publishes the CDK bootstrap version parameter under the qualifier', () => {
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: `/cdk-bootstrap/${prod.qualifier}/version`,
      Type: 'String',
      Value: Match.stringLikeRegexp('^\\d+$'),
    });
  });

  it('publishes every ARN later stacks need under /fastish/<env>/bootstrap/ and as outputs', () => {
    const names = ofType('AWS::SSM::Parameter').map(([, r]) => r.Properties.Name as string);
    for (const key of [
      'qualifier',
      'assets-bucket',
      'assets-key-arn',
      'deploy-role-arn',
      'cfn-exec-role-arn',
      'handshake-role-arn',
      'deployment-log-group',
    ])
      expect(names).toContain(`/fastish/prod/bootstrap/${key}`);
    const teamParameters = Object.values(teamsResources)
      .filter((r) => r.Type === 'AWS::SSM::Parameter')
      .map((r) => r.Properties.Name);
    expect(teamParameters).toContain('/fastish/prod/bootstrap/team-roles/platform-admin');
    expect(Object.keys(template.toJSON().Outputs).length).toBeGreaterThanOrEqual(10);
  });

  it('deployment log group: retention from config (overlay-aware) and KMS-encrypted', () => {
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: {
        RetentionInDays: 365,
        KmsKeyId: Match.anyValue(),
        LogGroupName: '/fastish/acme/prod/bootstrap/deployments',
      },
      DeletionPolicy: 'Retain',
    });
    devTemplate.hasResourceProperties('AWS::Logs::LogGroup', {
      RetentionInDays: 30,
      KmsKeyId: Match.anyValue(),
    });
  });
});
