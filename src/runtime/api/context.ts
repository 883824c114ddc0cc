import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ROLES, type Role, TENANT_ID_PATTERN, type TenantContext, TIERS, type Tier } from '../contract';

/**
 * The caller's identity, read ONLY from what the authorizer put in the request context. Headers, path,
 * query and body are never consulted for the caller's tenant. Anything malformed means the request did not
 * come through the authorizer (a misconfigured route), and is treated as unauthenticated.
 */
export function callerFromEvent(event: APIGatewayProxyEvent): TenantContext | undefined {
  const auth = event.requestContext?.authorizer as Record<string, unknown> | null | undefined;
  if (!auth) return undefined;
  const { tenantId, userId, role, tier } = auth;
  if (typeof tenantId !== 'string' || !TENANT_ID_PATTERN.test(tenantId)) return undefined;
  if (typeof userId !== 'string' || userId.length === 0) return undefined;
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) return undefined;
  if (typeof tier !== 'string' || !(TIERS as readonly string[]).includes(tier)) return undefined;
  return { tenantId, userId, role: role as Role, tier: tier as Tier };
}
