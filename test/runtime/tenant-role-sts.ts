/* biome-ignore-all lint/suspicious/noExplicitAny: synthesized CloudFormation templates are untyped JSON */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { OperatorDataRole } from '../../src/constructs/webapp/operator-data-role';
import { TenantDataRole } from '../../src/constructs/webapp/tenant-data-role';
import { partitionAccess, TenantTable } from '../../src/constructs/webapp/tenant-table';
import { LOCAL_OPERATOR_ROLE_ARN, type LocalAssumeRole } from '../../src/dev/local-sts';
import { TENANT_SESSION_TAG } from '../../src/runtime/contract';
import { OPERATOR_GRANTS, TENANT_SESSION_GRANTS } from '../../src/runtime/partitions';

const ACCOUNT = '111111111111';
export const AUTHORIZER_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/webapp-authorizer`;
export const TENANT_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/webapp-tenant-data`;
export const OPERATOR_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/webapp-operator-data`;

export interface RolePolicies {
  /** The role's trust policy, as synthesized. */
  trust: any;
  /** The authorizer role's statements granting it the role (identity policy). */
  identity: any;
}

export interface DataRolePolicies {
  tenant: RolePolicies;
  operator: RolePolicies;
}

/** The real `TenantDataRole` and `OperatorDataRole`, synthesized, with their ARNs made literal for the evaluator. */
export function synthesizedDataRoles(): DataRolePolicies {
  const stack = new Stack(new App(), 'S', { env: { account: ACCOUNT, region: 'eu-west-1' } });
  const table = new TenantTable(stack, 'T', {
    tableName: 't',
    partitionKey: 'pk',
    sortKey: 'sk',
    timeToLiveAttribute: 'expiresAt',
    key: new kms.Key(stack, 'K'),
  });
  const authorizer = iam.Role.fromRoleArn(stack, 'Authorizer', AUTHORIZER_ROLE_ARN, { mutable: true });
  const tenant = new TenantDataRole(stack, 'Data', {
    roleName: 'webapp-tenant-data',
    assumedBy: authorizer,
    table,
    sessionTag: TENANT_SESSION_TAG,
    grants: partitionAccess(TENANT_SESSION_GRANTS),
  });
  const operator = new OperatorDataRole(stack, 'Operator', {
    roleName: 'webapp-operator-data',
    assumedBy: authorizer,
    table,
    grants: partitionAccess(OPERATOR_GRANTS),
  });
  const template = Template.fromStack(stack).toJSON();
  const ids = [
    [stack.getLogicalId(tenant.role.node.defaultChild as iam.CfnRole), TENANT_ROLE_ARN],
    [stack.getLogicalId(operator.role.node.defaultChild as iam.CfnRole), OPERATOR_ROLE_ARN],
  ] as const;
  const literal = (doc: unknown) => {
    let text = JSON.stringify(doc);
    for (const [id, arn] of ids)
      text = text.replaceAll(JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] }), JSON.stringify(arn));
    return JSON.parse(text);
  };
  // The authorizer role's statements about STS (the data roles' DynamoDB grants name other resources).
  const identity = Object.values(template.Resources as Record<string, any>)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .map((r) => literal(r.Properties.PolicyDocument))
    .map((doc) => ({
      ...doc,
      Statement: doc.Statement.filter((s: any) => JSON.stringify(s.Action).includes('sts:')),
    }))
    .filter((doc) => doc.Statement.length > 0);
  const trust = (id: string) => literal(template.Resources[id].Properties.AssumeRolePolicyDocument);
  return {
    tenant: { trust: trust(ids[0][0]), identity },
    operator: { trust: trust(ids[1][0]), identity },
  };
}

class AccessDenied extends Error {
  override name = 'AccessDenied';
}

/**
 * STS for the dev server, deciding like IAM: each AssumeRole the authorizer sends, and the TagSession its
 * tags need, are evaluated (iam-simulate) against the data role's trust policy and the authorizer role's
 * identity policies.
 */
export function iamEvaluatedSts(policies: () => DataRolePolicies): LocalAssumeRole {
  return async (request) => {
    const operator = request.RoleArn === LOCAL_OPERATOR_ROLE_ARN;
    const { trust, identity } = operator ? policies().operator : policies().tenant;
    const roleArn = operator ? OPERATOR_ROLE_ARN : TENANT_ROLE_ARN;
    const tagList = request.Tags ?? [];
    const tags = Object.fromEntries(tagList.map((t) => [`aws:RequestTag/${t.Key}`, t.Value]));
    const actions = ['sts:AssumeRole', ...(tagList.length > 0 ? ['sts:TagSession'] : [])];
    for (const action of actions) {
      const result = await runSimulation(
        {
          request: {
            principal: `arn:aws:sts::${ACCOUNT}:assumed-role/webapp-authorizer/fn`,
            action,
            resource: { resource: roleArn, accountId: ACCOUNT },
            contextVariables: {
              ...tags,
              ...(tagList.length > 0 ? { 'aws:TagKeys': tagList.map((t) => t.Key) } : {}),
            },
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
        throw new AccessDenied(`not authorized to perform ${action} on ${roleArn}`);
      }
    }
  };
}
