import type { Construct } from 'constructs';
import type { Naming } from '../../naming';
import { ENV, TENANT_SESSION_TAG } from '../../runtime/contract';
import { OPERATOR_GRANTS, TENANT_SESSION_GRANTS } from '../../runtime/partitions';
import type { FastishFunction } from './fastish-function';
import { OperatorDataRole } from './operator-data-role';
import { TenantDataRole } from './tenant-data-role';
import { partitionAccess, type TenantTable } from './tenant-table';

export interface DataRoles {
  readonly tenantRole: TenantDataRole;
  readonly operatorRole: OperatorDataRole;
}

/**
 * The API's ways to the table. The authorizer (which verified the token) is the token vending machine: it
 * alone may assume the data roles, so the tenant tag comes from the token and never from the API's code.
 * The grants are per entity partition, from the runtime's key scheme (runtime/partitions.ts); the API's
 * own role has no table access (request counts come from the usage plans, see billing-export.ts).
 */
export function addDataRoles(
  scope: Construct,
  naming: Naming,
  table: TenantTable,
  functions: { readonly authorizer: FastishFunction },
): DataRoles {
  const { authorizer } = functions;
  const tenantRole = new TenantDataRole(scope, 'TenantData', {
    roleName: naming.roleName('webapp-tenant-data'),
    assumedBy: authorizer.role,
    table,
    sessionTag: TENANT_SESSION_TAG,
    grants: partitionAccess(TENANT_SESSION_GRANTS),
  });
  const operatorRole = new OperatorDataRole(scope, 'OperatorData', {
    roleName: naming.roleName('webapp-operator-data'),
    assumedBy: authorizer.role,
    table,
    grants: partitionAccess(OPERATOR_GRANTS),
  });
  authorizer.function.addEnvironment(ENV.tenantRoleArn, tenantRole.role.roleArn);
  authorizer.function.addEnvironment(ENV.operatorRoleArn, operatorRole.role.roleArn);
  return { tenantRole, operatorRole };
}
