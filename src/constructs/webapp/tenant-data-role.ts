import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { TenantTable } from './tenant-table';

export interface TenantDataRoleProps {
  /** Physical role name (from `Naming.roleName`). */
  readonly roleName: string;
  /** The only principal that may assume the role (the API function's execution role). */
  readonly assumedBy: iam.IRole;
  /** The table tenants' data lives in. */
  readonly table: TenantTable;
  /** Session tag carrying the tenant id; the policy reads it as `${aws:PrincipalTag/<tag>}`. */
  readonly sessionTag: string;
  /** DynamoDB actions tenants' sessions may call (never Scan or PartiQL). */
  readonly actions: readonly string[];
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

/**
 * The token vending machine's tenant role. The API assumes it per request tenant with the session tag
 * `tenant=<id>`; the permissions policy allows the listed item actions only where every partition key
 * touched matches `${aws:PrincipalTag/tenant}#*`, so the credentials physically cannot read or write
 * another tenant's items, whatever the API code does.
 *
 * Trust: only the API role, only with `sts:AssumeRole` + `sts:TagSession`, only when the `tenant` tag is
 * present, is the only tag passed, and holds no IAM wildcard characters or `#` (a tag of `*` would turn
 * `${aws:PrincipalTag/tenant}#*` into a pattern matching every tenant).
 */
export class TenantDataRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: TenantDataRoleProps) {
    super(scope, id);
    const forbidden = props.actions.filter((a) =>
      (FORBIDDEN_TENANT_ACTIONS as readonly string[]).includes(a),
    );
    if (forbidden.length > 0 || props.actions.some((a) => a.includes('*'))) {
      throw new Error(`${this.node.path}: tenant role must not allow ${[...forbidden, '*'].join(', ')}`);
    }
    const tag = props.sessionTag;
    this.role = new iam.Role(this, 'Role', {
      roleName: props.roleName,
      description: 'Tenant-scoped data access, assumed by the API with a tenant session tag',
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
    props.table.grantOnLeadingKeys(this.role, 'TenantItemsOnly', props.actions, [
      `\${aws:PrincipalTag/${tag}}#*`,
    ]);
    props.assumedBy.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'AssumeTenantRole',
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        resources: [this.role.roleArn],
      }),
    );
  }
}
