import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TtlCache } from '../auth/ttl-cache';
import { ENV, type Role, TENANT_ROLES, type TenantRole } from '../contract';
import { UserStore } from '../data/users';
import { secondsFromEnv } from '../env-seconds';

/** The membership cache TTL (`MEMBERSHIP_CACHE_SECONDS`): default 10, at most 60 (the revocation bound). */
export function membershipCacheSecondsFromEnv(raw: string | undefined): number {
  return secondsFromEnv(ENV.membershipCacheSeconds, raw, 10, 60);
}

/** Tenant roles from least to most privileged; every route's role list is closed upwards in this order. */
const RANK: Record<TenantRole, number> = { viewer: 0, member: 1, admin: 2 };

/**
 * The role a request acts with: the lower of the token's and the stored one. A demotion applies as soon as
 * the record changes; a promotion waits for a token that says so (the directory's attribute, at the next
 * sign-in), so the record alone, which the API writes with tenant credentials, can never raise a role.
 */
export function effectiveRole(token: Role, stored: TenantRole): TenantRole | undefined {
  if (token === 'operator') return undefined;
  return RANK[token] <= RANK[stored] ? token : stored;
}

/**
 * Whether a token's user still belongs to the tenant, per API instance. The user record (`<t>#user/<sub>`,
 * which the user routes create, change and delete) is the truth; a token only proves who signed in, and
 * lives up to an hour. One consistent GetItem per user and instance every `cacheSeconds` (0: every
 * request), so a removal or demotion reaches every instance within `cacheSeconds`; the instance that
 * handled the change forgets its entry at once.
 */
export class Memberships {
  // Pending reads are cached too, so concurrent requests of one user (a cold instance under load) share one.
  private readonly cache: TtlCache<Promise<TenantRole | null>>;

  constructor(
    private readonly table: string,
    private readonly cacheSeconds: number,
    private readonly now: () => number,
  ) {
    this.cache = new TtlCache(10_000, now);
  }

  /** The user's stored role; undefined when the tenant has no such user (removed, or never invited). */
  async role(db: DynamoDBDocumentClient, tenantId: string, userId: string): Promise<TenantRole | undefined> {
    const key = `${tenantId}/${userId}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return (await hit) ?? undefined;
    const role = new UserStore(db, this.table, tenantId)
      .get(userId)
      .then((user) => (user && (TENANT_ROLES as readonly string[]).includes(user.role) ? user.role : null));
    if (this.cacheSeconds > 0) {
      this.cache.set(key, role, this.now() + this.cacheSeconds * 1000);
      role.catch(() => {
        if (this.cache.get(key) === role) this.cache.delete(key);
      });
    }
    return (await role) ?? undefined;
  }

  /** After this instance changed or removed the user's record. */
  forget(tenantId: string, userId: string): void {
    this.cache.delete(`${tenantId}/${userId}`);
  }
}
