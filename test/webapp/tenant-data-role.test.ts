import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { describe, expect, it } from 'vitest';
import { amplifyBranchLabel } from '../../src/constructs/webapp/console-hosting';
import { TenantDataRole } from '../../src/constructs/webapp/tenant-data-role';
import { TenantTable } from '../../src/constructs/webapp/tenant-table';

function fixture() {
  const stack = new Stack(new App(), 'S', { env: { account: '111111111111', region: 'eu-west-1' } });
  const table = new TenantTable(stack, 'T', {
    tableName: 't',
    partitionKey: 'pk',
    sortKey: 'sk',
    timeToLiveAttribute: 'expiresAt',
    key: new kms.Key(stack, 'K'),
  });
  const api = new iam.Role(stack, 'Api', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  return { stack, table, api };
}

describe('TenantDataRole', () => {
  it.each([
    ['dynamodb:Scan'],
    ['dynamodb:PartiQLSelect'],
    ['dynamodb:ExecuteStatement'],
    ['dynamodb:*'],
    ['dynamodb:Get*'],
  ])('refuses %s', (action) => {
    const { stack, table, api } = fixture();
    expect(
      () =>
        new TenantDataRole(stack, 'R', {
          roleName: 'r',
          assumedBy: api,
          table,
          sessionTag: 'tenant',
          grants: [
            { entities: ['item'], actions: ['dynamodb:GetItem'] },
            { entities: ['usage'], actions: [action] },
          ],
        }),
    ).toThrow(/must not allow/);
  });

  it('accepts item-level actions', () => {
    const { stack, table, api } = fixture();
    const role = new TenantDataRole(stack, 'R', {
      roleName: 'r',
      assumedBy: api,
      table,
      sessionTag: 'tenant',
      grants: [{ entities: ['item'], actions: ['dynamodb:GetItem', 'dynamodb:Query'] }],
    });
    expect(role.role.roleName).toBeDefined();
  });
});

describe('amplifyBranchLabel', () => {
  it('maps a branch to the Amplify subdomain label', () => {
    expect(amplifyBranchLabel('main')).toBe('main');
    expect(amplifyBranchLabel('release/2024.1')).toBe('release-2024-1');
  });
});
