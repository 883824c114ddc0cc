import { TENANT_ID_PATTERN } from '../contract';
import { ENTITIES, type Entity } from '../partitions';

export { ENTITIES, type Entity };

/**
 * Key layout of the single table. Every partition key is `<tenantId>#<entity>`: the data roles'
 * `dynamodb:LeadingKeys` conditions name these partitions per entity (`${aws:PrincipalTag/tenant}#item`,
 * see partitions.ts), so a tenant's credentials cannot name another tenant's partition, nor write its own
 * tenant record or usage. One partition per (tenant, entity kind):
 *
 * | entity       | pk                    | sk                       | notes                                   |
 * | ------------ | --------------------- | ------------------------ | --------------------------------------- |
 * | tenant       | `<t>#tenant`          | `profile`                | status, tier; kept as tombstone         |
 * | user         | `<t>#user`            | `<userId>` (Cognito sub) | role, email                             |
 * | item         | `<t>#item`            | `<itemId>` (time-sorted) | version for optimistic concurrency      |
 * | idempotency  | `<t>#idem`            | `<Idempotency-Key>`      | `expiresAt` TTL                          |
 * | usage        | `<t>#usage`           | `day#YYYY-MM-DD`/`total` | kept after offboarding (billing)        |
 *
 * Only tenant profiles carry a top-level `tier`: the sparse index `TENANT_INDEX` (contract.ts, keyed by
 * `tier` and `tenantId`) holds exactly the tenants, so billing enumerates them without a Scan. No other
 * entity may use a top-level `tier` attribute.
 *
 * Partitions per tenant are bounded by the tenant's own data; a hot tenant's items live in one partition,
 * which is fine up to DynamoDB's per-partition limits (1,000 WCU / 3,000 RCU) — write sharding would be the
 * next step for a tenant above that.
 */

/** Partitions deleted when a tenant is offboarded, in order. The tenant profile stays as a tombstone (so the
 * id is not reused) and usage stays for billing; a unit test keeps this list and ENTITIES in step. */
export const OFFBOARD_PARTITIONS: readonly Entity[] = [ENTITIES.item, ENTITIES.user, ENTITIES.idempotency];
export const RETAINED_PARTITIONS: readonly Entity[] = [ENTITIES.tenant, ENTITIES.usage];

export const TENANT_PROFILE_SK = 'profile';
export const USAGE_TOTAL_SK = 'total';

export function partitionKey(tenantId: string, entity: Entity): string {
  // Defence in depth: callers pass ids from the authorizer context, which are already validated.
  if (!TENANT_ID_PATTERN.test(tenantId)) throw new Error('invalid tenant id for key');
  return `${tenantId}#${entity}`;
}

/** Sort-key prefix of the per-day usage items; `total` sorts after every one of them. */
export const USAGE_DAY_PREFIX = 'day#';

export function usageDaySk(day: string): string {
  return `${USAGE_DAY_PREFIX}${day}`;
}

/** Splits a partition key into tenant and entity; undefined for keys outside the layout. */
export function parsePartitionKey(pk: string): { tenantId: string; entity: Entity } | undefined {
  const at = pk.indexOf('#');
  if (at < 0) return undefined;
  const tenantId = pk.slice(0, at);
  const entity = pk.slice(at + 1);
  if (!TENANT_ID_PATTERN.test(tenantId)) return undefined;
  const known = Object.values(ENTITIES) as string[];
  return known.includes(entity) ? { tenantId, entity: entity as Entity } : undefined;
}
