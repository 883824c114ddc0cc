import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { PartitionAccess, TenantTable } from './tenant-table';

export interface TenantDataRoleProps {
  /** Physical role name (from `Naming.roleName`). */
  readonly roleName: string;
  /**
   * The only principal that may assume the role: the function that verified the caller's token (the API's
   * authorizer), so the tenant tag comes from a verified token and never from application code.
   */
  readonly assumedBy: iam.IRole;
  /** The table tenants' data lives in. */
  readonly table: TenantTable;
  /** Session tag carrying the tenant id; the policy reads it as `${aws:PrincipalTag/<tag>}`. */
  readonly sessionTag: string;
  /**
   * What a tenant's session may do, per entity partition of its own tenant (never Scan or PartiQL): e.g.
   * its items read-write, its tenant record and usage read-only.
   */
  readonly grants: PartitionAccess[];
}

/** Actions that would escape the leading-key confinement or read the whole table; never granted. */
export const FORBIDDEN_TENANT_ACTIONS = [
  'dynamodb:Scan',
  'dynamodb:PartiQLSelect',
  'dynamodb:PartiQLInsert',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
  'dynamodb:ExecuteStatement',
  'dynamodb:BatchExecuteStatement',
  'dynamodb:ExecuteTransaction',
] as const;

/**
 * Tag values refused in the trust policy: IAM wildcards (`${*}`, `${?}` and `${$}` are IAM's escapes for a
 * literal `*`, `?` and `$`) and `#`, the separator between the tenant id and the rest of the key.
 */
// biome-ignore lint/suspicious/noTemplateCurlyInString: IAM escape sequences, not JavaScript placeholders
const UNSAFE_TAG_PATTERNS = ['*${*}*', '*${?}*', '*${$}*', '*#*'];

/** Throws (naming the construct) when a data role would be granted an action that escapes the partitions. */
export function checkDataActions(scope: Construct, grants: readonly PartitionAccess[]): void {
  const actions = grants.flatMap((g) => g.actions);
  const forbidden = actions.filter((a) => (FORBIDDEN_TENANT_ACTIONS as readonly string[]).includes(a));
  if (forbidden.length > 0 || actions.some((a) => a.includes('*'))) {
    throw new Error(`${scope.node.path}: a data role must not allow ${[...forbidden, '*'].join(', ')}`);
  }
}

/**
 * The token vending machine's tenant role. The authorizer assumes it for the verified token's tenant with
 * the session tag `tenant=<id>`; each grant allows its actions only where every partition key touched is
 * `${aws:PrincipalTag/tenant}#<entity>` of its entities, so the credentials physically cannot read or
 * write another tenant's data, nor the partitions of their own tenant that only platform roles write
 * (tier, status, usage), whatever the API code does.
 *
 * Trust: only the authorizer's role, only with `sts:AssumeRole` + `sts:TagSession`, only when the `tenant`
 * tag is present, is the only tag passed, and holds no IAM wildcard characters or `#`.
 */
export class TenantDataRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: TenantDataRoleProps) {
    super(scope, id);
    checkDataActions(this, props.grants);
    const tag = props.sessionTag;
    this.role = new iam.Role(this, 'Role', {
      roleName: props.roleName,
      description:
        'Tenant-scoped data access, assumed by the authorizer with the verified tenant as session tag',
      assumedBy: new iam.PrincipalWithConditions(new iam.ArnPrincipal(props.assumedBy.roleArn), {
        Null: { [`aws:RequestTag/${tag}`]: 'false' },
        'ForAllValues:StringEquals': { 'aws:TagKeys': [tag] },
        StringNotLike: { [`aws:RequestTag/${tag}`]: UNSAFE_TAG_PATTERNS },
      }),
      maxSessionDuration: Duration.hours(1),
    });
    // Session tags need sts:TagSession next to sts:AssumeRole in the trust policy.
    this.role.assumeRolePolicy?.addStatements(
      new iam.PolicyStatement({
        actions: ['sts:TagSession'],
        principals: [new iam.ArnPrincipal(props.assumedBy.roleArn)],
        conditions: {
          Null: { [`aws:RequestTag/${tag}`]: 'false' },
          'ForAllValues:StringEquals': { 'aws:TagKeys': [tag] },
        },
      }),
    );
    props.table.grantPartitions(this.role, 'Tenant', props.grants, `\${aws:PrincipalTag/${tag}}`);
    props.assumedBy.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'AssumeTenantRole',
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        resources: [this.role.roleArn],
      }),
    );
  }
}
