/**
 * The single table's partitions and who may touch each, in one place: the runtime builds keys from
 * `ENTITIES` (data/keys.ts), the local policy guard enforces these grants (src/dev/policy-guard.ts), and the
 * stack writes them into IAM policies (constructs/webapp). Plain constants only, like contract.ts.
 *
 * Every partition key is `<tenantId>#<entity>`. A grant names whole entity partitions, so IAM sees exact
 * leading keys: `${aws:PrincipalTag/tenant}#item` for a tenant session, `*#usage` for a platform role.
 */
export const ENTITIES = {
  tenant: 'tenant',
  user: 'user',
  item: 'item',
  idempotency: 'idem',
  usage: 'usage',
} as const;

export type Entity = (typeof ENTITIES)[keyof typeof ENTITIES];

export type DataAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:Query'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:ConditionCheckItem';

/** `actions` on the partitions of `entities`; with `attributes`, only requests touching no other attribute. */
export interface PartitionGrant {
  readonly entities: readonly Entity[];
  readonly actions: readonly DataAction[];
  /** Top-level attributes a request may name (`dynamodb:Attributes`, key attributes included). */
  readonly attributes?: readonly string[];
}

const READ: readonly DataAction[] = ['dynamodb:GetItem', 'dynamodb:Query'];
const READ_WRITE: readonly DataAction[] = [
  ...READ,
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:ConditionCheckItem',
];

/**
 * A tenant session (the tenant data role, session tag `tenant=<id>`), within its own tenant only: its
 * items, users and idempotency keys read-write; its tenant record (tier, status) and usage counters
 * read-only. Tier, status and usage are written by platform roles alone, so no tenant code path can
 * upgrade its tier or erase its usage.
 */
export const TENANT_SESSION_GRANTS: readonly PartitionGrant[] = [
  { entities: [ENTITIES.item, ENTITIES.user, ENTITIES.idempotency], actions: READ_WRITE },
  { entities: [ENTITIES.tenant, ENTITIES.usage], actions: READ },
];

/**
 * An operator session (the operator data role), for any tenant: create and change tenant records (never
 * delete them: offboarded tenants stay as tombstones), the first admin's user record, offboarding's
 * deletes, usage reports. Never writes usage.
 */
export const OPERATOR_GRANTS: readonly PartitionGrant[] = [
  { entities: [ENTITIES.tenant], actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] },
  { entities: [ENTITIES.user], actions: ['dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:DeleteItem'] },
  { entities: [ENTITIES.item, ENTITIES.idempotency], actions: ['dynamodb:Query', 'dynamodb:DeleteItem'] },
  { entities: [ENTITIES.usage], actions: ['dynamodb:Query'] },
];

/** Attributes of the usage day items the billing function writes (data/usage.ts), besides the key. */
export const BILLING_ATTRIBUTES = [
  'requests',
  'requestsByPlan',
  'storedItems',
  'billedDigest',
  'billedRevision',
  'billedAt',
] as const;

/**
 * The billing function's own role: reads tenants' usage days and writes request counts and billing marks
 * into them (only those attributes), and nothing else in the table. The tenant list comes from the tenant
 * index (contract.ts `TENANT_INDEX`), granted apart. The API's roles write no usage at all.
 */
export const BILLING_GRANTS: readonly PartitionGrant[] = [
  { entities: [ENTITIES.usage], actions: ['dynamodb:Query'] },
  { entities: [ENTITIES.usage], actions: ['dynamodb:UpdateItem'], attributes: BILLING_ATTRIBUTES },
];

/**
 * Keys of the data credentials in the authorizer's context (`requestContext.authorizer`). The authorizer,
 * which verified the token, assumes the data role for the token's tenant and hands the API these; the API
 * never chooses whose credentials it gets. `error` replaces the credentials, for the deep health check
 * only, when the authorizer could not get them (its `sts` step reports the error's name).
 */
export const SESSION_CONTEXT = {
  accessKeyId: 'dataAccessKeyId',
  secretAccessKey: 'dataSecretAccessKey',
  sessionToken: 'dataSessionToken',
  expiration: 'dataExpiration',
  error: 'dataSessionError',
} as const;
