import { App, CfnResource, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { acknowledge, acknowledgeIamWildcards } from '../../src/checks/acknowledgements';
import { applyRules, FASTISH_RULES } from '../../src/checks/pack';
import { iamWildcardActions } from '../../src/checks/rules/iam-wildcard-actions';
import { physicalNameLimits } from '../../src/checks/rules/physical-name-limits';
import { stackName } from '../../src/checks/rules/stack-name';
import { stackOutputCount } from '../../src/checks/rules/stack-output-count';
import { stackParameterCount } from '../../src/checks/rules/stack-parameter-count';
import { stackResourceCount } from '../../src/checks/rules/stack-resource-count';
import { statefulEncrypted } from '../../src/checks/rules/stateful-encrypted';
import { statefulRetained } from '../../src/checks/rules/stateful-retained';
import { tagCoverage } from '../../src/checks/rules/tag-coverage';
import { templateSize } from '../../src/checks/rules/template-size';
import { statefulTypes } from '../../src/checks/spec';
import { type CfnTemplate, contextOf, type FastishRule, type TemplateContext } from '../../src/checks/types';
import { applyFastishTags } from '../../src/constructs/tagging';

/** Synthesizes a stack built by `build` and returns its template as a rule context. */
function synth(build: (stack: Stack) => void, name = 'fixture-stack'): TemplateContext {
  const app = new App({ analyticsReporting: false });
  const stack = new Stack(app, 'Fixture', {
    stackName: name,
    env: { account: '111111111111', region: 'eu-west-1' },
  });
  build(stack);
  const artifact = app.synth().getStackArtifact(stack.artifactId);
  return contextOf(artifact.template as CfnTemplate, name);
}

const tagged = (stack: Stack) =>
  applyFastishTags(stack, { environment: 'dev', team: 'platform', costCenter: 'CC-1', architecture: 'test' });

function ids(rule: FastishRule, context: TemplateContext) {
  return applyRules(context, [rule]);
}

const resources = (n: number) =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`Topic${i}`, { Type: 'AWS::SNS::Topic' }]));

describe('the pack', () => {
  it('composes one rule per file with unique FST ids', () => {
    const idList = FASTISH_RULES.map((r) => r.id);
    expect(new Set(idList).size).toBe(idList.length);
    for (const id of idList) expect(id).toMatch(/^FST-[A-Z]+\d+$/);
    expect(FASTISH_RULES.map((r) => r.name)).toEqual(
      expect.arrayContaining(['tag-coverage', 'iam-wildcard-actions']),
    );
  });

  it('derives the stateful types from the resource specification', () => {
    const types = statefulTypes();
    for (const t of [
      'AWS::S3::Bucket',
      'AWS::DynamoDB::Table',
      'AWS::KMS::Key',
      'AWS::RDS::DBCluster',
      'AWS::Logs::LogGroup',
    ])
      expect(types).toContain(t);
    expect(types).not.toContain('AWS::IAM::Role');
    expect(types).not.toContain('AWS::CloudFormation::Stack');
  });
});

describe('FST-NAME1 physical-name-limits', () => {
  it('catches a role name over 64 characters and a bucket name with upper case', () => {
    const ctx = synth((s) => {
      // L1: the L2 already refuses the name, but templates from elsewhere (fixtures, L1s, escape hatches) do not.
      new iam.CfnRole(s, 'Role', { roleName: `r${'x'.repeat(64)}`, assumeRolePolicyDocument: {} });
      new s3.CfnBucket(s, 'Bucket', { bucketName: 'Bad_Bucket' });
    });
    const found = ids(physicalNameLimits, ctx);
    expect(found.map((f) => f.message).join('\n')).toMatch(
      /RoleName "rx+" is 65 characters; iamRole names allow 64/,
    );
    expect(found.some((f) => f.message.includes('"Bad_Bucket" does not match s3Bucket'))).toBe(true);
  });

  it('resolves Fn::Join names with worst-case pseudo parameters', () => {
    const template: CfnTemplate = {
      Resources: {
        B: {
          Type: 'AWS::S3::Bucket',
          Properties: {
            BucketName: {
              'Fn::Join': ['-', ['x'.repeat(40), { Ref: 'AWS::AccountId' }, { Ref: 'AWS::Region' }]],
            },
          },
        },
      },
    };
    expect(ids(physicalNameLimits, contextOf(template))[0]?.message).toMatch(
      /is 68 characters; s3Bucket names allow 63/,
    );
  });

  it('accepts names that fit, including FIFO queues, and names CloudFormation generates', () => {
    const ctx = synth((s) => {
      new iam.Role(s, 'Role', { roleName: 'acme-dev-api', assumedBy: new iam.AccountRootPrincipal() });
      new sqs.CfnQueue(s, 'Fifo', { queueName: 'acme-dev-events.fifo', fifoQueue: true });
      new s3.CfnBucket(s, 'Generated');
    });
    expect(ids(physicalNameLimits, ctx)).toEqual([]);
  });
});

describe('FST-STACK1 stack-name', () => {
  it('catches names CloudFormation rejects', () => {
    expect(ids(stackName, contextOf({}, '1-starts-with-digit'))).toHaveLength(1);
    expect(ids(stackName, contextOf({}, 'has_underscore'))).toHaveLength(1);
    expect(ids(stackName, contextOf({}, `a${'b'.repeat(128)}`))[0]?.message).toMatch(/129 characters/);
  });

  it('accepts <org>-<env>-<arch>', () => {
    expect(ids(stackName, contextOf({}, 'acme-prod-webapp'))).toEqual([]);
  });
});

describe('FST-TAG1 tag-coverage', () => {
  it('catches taggable resources without the fastish tags (standard and map tag shapes)', () => {
    const ctx = synth((s) => {
      new sqs.Queue(s, 'Queue');
      new iam.Role(s, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
    });
    const found = ids(tagCoverage, ctx);
    expect(found.map((f) => f.logicalId).sort()).toEqual(['Queue4A7E3555', 'Role1ABCC5F0']);
    expect(found[0]?.message).toContain('fastish:environment, fastish:team, fastish:cost-center');
    const map = contextOf({
      Resources: { P: { Type: 'AWS::SSM::Parameter', Properties: { Tags: { 'fastish:team': 'x' } } } },
    });
    expect(ids(tagCoverage, map)[0]?.message).toMatch(/lacks fastish:environment, fastish:cost-center/);
  });

  it('accepts a stack tagged by the Fastish tagging aspect; ignores untaggable types', () => {
    const ctx = synth((s) => {
      tagged(s);
      new sqs.Queue(s, 'Queue');
      // plain CfnResources (as CDK's custom-resource providers create) have no tag manager
      new CfnResource(s, 'RawQueue', { type: 'AWS::SQS::Queue' });
      new CfnResource(s, 'RawParameter', {
        type: 'AWS::SSM::Parameter',
        properties: { Type: 'String', Value: 'x' },
      });
      new iam.Role(s, 'Role', { assumedBy: new iam.AccountRootPrincipal() }).addToPolicy(
        new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['*'] }),
      );
    });
    expect(Object.values(ctx.template.Resources ?? {}).some((r) => r.Type === 'AWS::IAM::Policy')).toBe(true);
    expect(ids(tagCoverage, ctx)).toEqual([]);
  });
});

describe('FST-DATA1 stateful-retained', () => {
  it('catches a bucket and a log group that are deleted with the stack', () => {
    const ctx = synth((s) => {
      new s3.Bucket(s, 'Bucket', {
        removalPolicy: RemovalPolicy.DESTROY,
        encryption: s3.BucketEncryption.S3_MANAGED,
      });
      new logs.LogGroup(s, 'Logs', { removalPolicy: RemovalPolicy.DESTROY });
    });
    const found = ids(statefulRetained, ctx);
    expect(found).toHaveLength(2);
    expect(found[0]?.message).toMatch(/DeletionPolicy Delete, UpdateReplacePolicy Delete/);
  });

  it('accepts retained stateful resources and ignores stateless ones', () => {
    const ctx = synth((s) => {
      new s3.Bucket(s, 'Bucket', { removalPolicy: RemovalPolicy.RETAIN });
      new iam.Role(s, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
    });
    expect(ids(statefulRetained, ctx)).toEqual([]);
  });

  it('exempts Aurora cluster instances (their data lives in the retained cluster), not standalone instances', () => {
    const ctx = contextOf({
      Resources: {
        Member: { Type: 'AWS::RDS::DBInstance', Properties: { DBClusterIdentifier: { Ref: 'Cluster' } } },
        Standalone: { Type: 'AWS::RDS::DBInstance', Properties: { StorageEncrypted: true } },
      },
    });
    expect(ids(statefulRetained, ctx).map((f) => f.logicalId)).toEqual(['Standalone']);
  });
});

describe('FST-DATA2 stateful-encrypted', () => {
  it('catches an unencrypted log group, an unencrypted table and a queue with SSE switched off', () => {
    const ctx = contextOf({
      Resources: {
        Logs: { Type: 'AWS::Logs::LogGroup', Properties: {} },
        Table: { Type: 'AWS::DynamoDB::Table', Properties: { SSESpecification: { SSEEnabled: false } } },
        Queue: { Type: 'AWS::SQS::Queue', Properties: { SqsManagedSseEnabled: false } },
      },
    });
    expect(ids(statefulEncrypted, ctx).map((f) => f.logicalId)).toEqual(['Logs', 'Table', 'Queue']);
  });

  it('accepts KMS-encrypted log groups and tables and buckets with default encryption', () => {
    const ctx = contextOf({
      Resources: {
        Logs: { Type: 'AWS::Logs::LogGroup', Properties: { KmsKeyId: { 'Fn::GetAtt': ['Key', 'Arn'] } } },
        Table: { Type: 'AWS::DynamoDB::Table', Properties: { SSESpecification: { SSEEnabled: true } } },
        Bucket: {
          Type: 'AWS::S3::Bucket',
          Properties: {
            BucketEncryption: {
              ServerSideEncryptionConfiguration: [
                { ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } },
              ],
            },
          },
        },
      },
    });
    expect(ids(statefulEncrypted, ctx)).toEqual([]);
  });

  it('knows how every stateful type of the specification is encrypted', () => {
    for (const type of statefulTypes()) {
      const found = ids(statefulEncrypted, contextOf({ Resources: { R: { Type: type, Properties: {} } } }));
      expect(
        found.every((f) => !f.message.includes('does not know')),
        type,
      ).toBe(true);
    }
  });
});

describe('FST-CFN1 stack-resource-count', () => {
  it('catches 501 resources', () => {
    expect(ids(stackResourceCount, contextOf({ Resources: resources(501) }))[0]?.message).toMatch(
      /501 resources/,
    );
  });
  it('accepts 500', () => {
    expect(ids(stackResourceCount, contextOf({ Resources: resources(500) }))).toEqual([]);
  });
});

describe('FST-CFN2 template-size', () => {
  it('errors above 1 MB and warns above 51,200 bytes', () => {
    const big = ids(templateSize, { stackName: 's', template: {}, templateBytes: 1_000_001 });
    expect(big).toMatchObject([{ severity: 'error' }]);
    const medium = ids(templateSize, { stackName: 's', template: {}, templateBytes: 51_201 });
    expect(medium).toMatchObject([{ severity: 'warning' }]);
  });
  it('accepts a template that can be deployed inline', () => {
    expect(ids(templateSize, { stackName: 's', template: {}, templateBytes: 51_200 })).toEqual([]);
  });
});

describe('FST-CFN3 stack-output-count and FST-CFN4 stack-parameter-count', () => {
  const entries = (n: number) =>
    Object.fromEntries(Array.from({ length: n }, (_, i) => [`X${i}`, { Type: 'String' }]));
  it('catch more than 200 outputs or parameters', () => {
    expect(ids(stackOutputCount, contextOf({ Outputs: entries(201) }))[0]?.message).toMatch(/201 outputs/);
    expect(ids(stackParameterCount, contextOf({ Parameters: entries(201) }))[0]?.message).toMatch(
      /201 parameters/,
    );
  });
  it('accept 200', () => {
    expect(ids(stackOutputCount, contextOf({ Outputs: entries(200) }))).toEqual([]);
    expect(ids(stackParameterCount, contextOf({ Parameters: entries(200) }))).toEqual([]);
  });
  it('a stack-level acknowledgement (template metadata) acknowledges a template finding', () => {
    const ctx = synth((s) => {
      for (let i = 0; i < 201; i++) new (require('aws-cdk-lib').CfnOutput)(s, `O${i}`, { value: 'x' });
      acknowledge(s, [{ id: 'FST-CFN3', reason: 'fixture: this stack is a deliberate outputs stress test' }]);
    });
    expect(ids(stackOutputCount, ctx)[0]?.acknowledged?.reason).toMatch(/stress test/);
  });
});

describe('FST-IAM1 iam-wildcard-actions', () => {
  it('catches *, service:* and partial wildcards in policies and inline role policies', () => {
    const ctx = synth((s) => {
      const role = new iam.Role(s, 'Role', {
        assumedBy: new iam.AccountRootPrincipal(),
        inlinePolicies: {
          inline: new iam.PolicyDocument({
            statements: [new iam.PolicyStatement({ actions: ['*'], resources: ['*'] })],
          }),
        },
      });
      role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:*', 'dynamodb:Get*'], resources: ['*'] }));
    });
    const found = ids(iamWildcardActions, ctx);
    expect(found.map((f) => f.message).join('\n')).toContain('"*"');
    expect(found.map((f) => f.message).join('\n')).toContain('"s3:*", "dynamodb:Get*"');
    expect(found.every((f) => !f.acknowledged)).toBe(true);
  });

  it('accepts named actions and wildcard Deny statements; reports acknowledged wildcards with the reason', () => {
    const clean = synth((s) => {
      const role = new iam.Role(s, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
      role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
      role.addToPolicy(
        new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['iam:*'], resources: ['*'] }),
      );
    });
    expect(ids(iamWildcardActions, clean)).toEqual([]);
    const acked = synth((s) => {
      const role = new iam.Role(s, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
      role.addToPolicy(new iam.PolicyStatement({ actions: ['logs:*'], resources: ['*'] }));
      acknowledgeIamWildcards(
        role,
        { actions: ['logs:*'] },
        'fixture: the role manages every log group of the account',
      );
    });
    const [finding] = ids(iamWildcardActions, acked);
    expect(finding?.acknowledged?.reason).toMatch(/manages every log group/);
  });

  it('ignores acknowledgements of another rule or without a real reason', () => {
    const doc = { Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] };
    const ctx = contextOf({
      Resources: {
        Other: {
          Type: 'AWS::IAM::Policy',
          Properties: { PolicyDocument: doc },
          Metadata: { fastish_acks: [{ id: 'FST-TAG1', reason: 'a reason that is long enough' }] },
        },
        Short: {
          Type: 'AWS::IAM::Policy',
          Properties: { PolicyDocument: doc },
          Metadata: { fastish_acks: [{ id: 'FST-IAM1', reason: 'because' }] },
        },
      },
    });
    expect(ids(iamWildcardActions, ctx).filter((f) => !f.acknowledged)).toHaveLength(2);
  });
});
