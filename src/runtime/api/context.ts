import type { APIGatewayProxyEvent } from 'aws-lambda';
import { type AuthorizerContext, ROLES, type Role, TENANT_ID_PATTERN, TIERS, type Tier } from '../contract';

/**
 * The caller's identity, read ONLY from what the authorizer put in the request context. Headers, path,
 * query and body are never consulted for the caller's tenant. Anything malformed means the request did not
 * come through the authorizer (a misconfigured route), and is treated as unauthenticated. API Gateway passes
 * context values as strings, so `exp` arrives as digits.
 */
export function callerFromEvent(event: APIGatewayProxyEvent): AuthorizerContext | undefined {
  const auth = event.requestContext?.authorizer as Record<string, unknown> | null | undefined;
  if (!auth) return undefined;
  const { tenantId, userId, role, tier } = auth;
  if (typeof tenantId !== 'string' || !TENANT_ID_PATTERN.test(tenantId)) return undefined;
  if (typeof userId !== 'string' || userId.length === 0) return undefined;
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) return undefined;
  if (typeof tier !== 'string' || !(TIERS as readonly string[]).includes(tier)) return undefined;
  const exp = typeof auth.exp === 'string' && /^\d{1,12}$/.test(auth.exp) ? Number(auth.exp) : auth.exp;
  if (typeof exp !== 'number' || !Number.isSafeInteger(exp)) return undefined;
  return { tenantId, userId, role: role as Role, tier: tier as Tier, exp };
}
