import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import {
  CLAIMS,
  HEALTH_TENANT_ID,
  ROLES,
  type Role,
  TENANT_ID_PATTERN,
  type TenantContext,
  TIERS,
  type Tier,
} from '../contract';

export type ClaimsResult = { ok: true; context: TenantContext } | { ok: false; reason: string };

/**
 * Tenant context from a verified token's claims. Deny by default: every claim must be present and one of
 * the known values; `operator` is accepted only for users of the platform tenant, so a tenant admin who
 * somehow got `custom:role=operator` written still cannot act as an operator; the health check's synthetic
 * tenant is refused outright.
 */
export function contextFromClaims(payload: JwtPayload, platformTenantId: string): ClaimsResult {
  const tenantId = payload[CLAIMS.tenantId];
  const role = payload[CLAIMS.role];
  const tier = payload[CLAIMS.tier];
  const userId = payload[CLAIMS.userId];
  if (typeof tenantId !== 'string' || !TENANT_ID_PATTERN.test(tenantId))
    return { ok: false, reason: 'tenant claim' };
  // The synthetic health tenant is reached only through the health client's access token, never by a user.
  if (tenantId === HEALTH_TENANT_ID) return { ok: false, reason: 'reserved tenant' };
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role))
    return { ok: false, reason: 'role claim' };
  if (typeof tier !== 'string' || !(TIERS as readonly string[]).includes(tier))
    return { ok: false, reason: 'tier claim' };
  if (typeof userId !== 'string' || userId.length === 0 || userId.length > 128)
    return { ok: false, reason: 'sub claim' };
  if ((role === 'operator') !== (tenantId === platformTenantId)) {
    // Operators live only in the platform tenant, and the platform tenant has only operators.
    return { ok: false, reason: 'operator scope' };
  }
  return { ok: true, context: { tenantId, userId, role: role as Role, tier: tier as Tier } };
}
