/* biome-ignore-all lint/suspicious/noExplicitAny: synthesized CloudFormation templates are untyped JSON */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { TenantDataRole } from '../../src/constructs/webapp/tenant-data-role';
import { TenantTable } from '../../src/constructs/webapp/tenant-table';
import type { LocalAssumeRole, TenantAssumeRoleRequest } from '../../src/dev/local-tenant-clients';
import { TENANT_DATA_ACTIONS, TENANT_SESSION_TAG } from '../../src/runtime/contract';

const ACCOUNT = '111111111111';
export const API_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/webapp-api`;
export const TENANT_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/webapp-tenant-data`;

export interface TenantRolePolicies {
  /** The tenant role's trust policy, as synthesized. */
  trust: any;
  /** The API role's statements granting it the tenant role (identity policy). */
  identity: any;
}

/** The real `TenantDataRole`, synthesized, with its ARNs made literal for the evaluator. */
export function synthesizedTenantRole(): TenantRolePolicies {
  const stack = new Stack(new App(), 'S', { env: { account: ACCOUNT, region: 'eu-west-1' } });
  const table = new TenantTable(stack, 'T', {
    tableName: 't',
    partitionKey: 'pk',
    sortKey: 'sk',
    timeToLiveAttribute: 'expiresAt',
    key: new kms.Key(stack, 'K'),
  });
  const api = iam.Role.fromRoleArn(stack, 'Api', API_ROLE_ARN, { mutable: true });
  const data = new TenantDataRole(stack, 'Data', {
    roleName: 'webapp-tenant-data',
    assumedBy: api,
    table,
    sessionTag: TENANT_SESSION_TAG,
    actions: TENANT_DATA_ACTIONS,
  });
  const template = Template.fromStack(stack).toJSON();
  const roleId = stack.getLogicalId(data.role.node.defaultChild as iam.CfnRole);
  const literal = (doc: unknown) =>
    JSON.parse(
      JSON.stringify(doc).replaceAll(
        JSON.stringify({ 'Fn::GetAtt': [roleId, 'Arn'] }),
        JSON.stringify(TENANT_ROLE_ARN),
      ),
    );
  // The API role's statements about STS (the data role's DynamoDB grants name other resources).
  const policies = Object.values(template.Resources as Record<string, any>)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .map((r) => literal(r.Properties.PolicyDocument))
    .map((doc) => ({
      ...doc,
      Statement: doc.Statement.filter((s: any) => JSON.stringify(s.Action).includes('sts:')),
    }))
    .filter((doc) => doc.Statement.length > 0);
  return {
    trust: literal(template.Resources[roleId].Properties.AssumeRolePolicyDocument),
    identity: policies,
  };
}

class AccessDenied extends Error {
  override name = 'AccessDenied';
}

/**
 * STS for the dev server, deciding like IAM: the request's AssumeRole and the TagSession its tags need are
 * each evaluated (iam-simulate) against the trust policy and the API role's identity policies.
 */
export function iamEvaluatedSts(policies: () => TenantRolePolicies): LocalAssumeRole {
  return async (request: TenantAssumeRoleRequest) => {
    const { trust, identity } = policies();
    const tags = Object.fromEntries(request.Tags.map((t) => [`aws:RequestTag/${t.Key}`, t.Value]));
    const actions = ['sts:AssumeRole', ...(request.Tags.length > 0 ? ['sts:TagSession'] : [])];
    for (const action of actions) {
      const result = await runSimulation(
        {
          request: {
            principal: `arn:aws:sts::${ACCOUNT}:assumed-role/webapp-api/fn`,
            action,
            resource: { resource: TENANT_ROLE_ARN, accountId: ACCOUNT },
            contextVariables: { ...tags, 'aws:TagKeys': request.Tags.map((t) => t.Key) },
          },
          identityPolicies: identity.map((policy: any, i: number) => ({ name: `p${i}`, policy })),
          serviceControlPolicies: [],
          resourceControlPolicies: [],
          resourcePolicy: trust,
        },
        {},
      );
      if (result.resultType === 'error') throw new Error(JSON.stringify(result.errors));
      if (result.overallResult !== 'Allowed') {
        throw new AccessDenied(`not authorized to perform ${action} on ${TENANT_ROLE_ARN}`);
      }
    }
  };
}
