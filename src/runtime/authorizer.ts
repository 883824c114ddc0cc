import { createHash } from 'node:crypto';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent, Context } from 'aws-lambda';
import { contextFromClaims } from './auth/claims';
import { allowPolicy, denyPolicy } from './auth/policy';
import { TtlCache } from './auth/ttl-cache';
import { createTokenVerifier, type TokenVerifier, verifierConfigFromEnv } from './auth/verifier';
import { ENV, type TenantContext } from './contract';
import { type Observability, observability } from './observability';
import { secretString } from './secrets';
import { type UsageKeyResolver, usageKeyResolver } from './usage-plans/usage-key';

export interface AuthorizerOptions {
  verifier: TokenVerifier;
  platformTenantId: string;
  /** Upper bound on how long a verified token is reused without verifying again (never past its `exp`). */
  cacheSeconds: number;
  /**
   * The caller tenant's API key value, returned as `usageIdentifierKey` with every Allow (the REST API's
   * `apiKeySourceType` is AUTHORIZER): API Gateway applies that key's usage plan, so throttling and the
   * daily quota apply per tenant. Without it, methods that require an API key answer 403.
   */
  usageKey: UsageKeyResolver;
  obs?: Observability;
  now?: () => number;
}

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/;

/**
 * API Gateway TOKEN authorizer (identity source: the Authorization header).
 * - No token, a malformed header, or a token that fails verification: throws `Unauthorized`, which
 *   API Gateway turns into 401.
 * - A valid token whose claims do not make a tenant context: an explicit Deny (403).
 * - Otherwise Allow for the whole API, with context {tenantId, userId, role, tier} and the tenant's API key
 *   as `usageIdentifierKey` (per-tenant usage plan throttling and quota).
 * Verified contexts are cached in the function instance per token hash, besides API Gateway's own
 * authorizer cache (set its TTL to the same value), so a cold API Gateway cache does not mean RSA again.
 */
export function createAuthorizerHandler(options: AuthorizerOptions) {
  const obs = options.obs ?? observability('fastish-authorizer');
  const now = options.now ?? Date.now;
  const cache = new TtlCache<TenantContext | null>(10_000, now);

  return async (
    event: APIGatewayTokenAuthorizerEvent,
    context?: Context,
  ): Promise<APIGatewayAuthorizerResult> => {
    if (context) obs.logger.addContext(context);
    try {
      const match = BEARER.exec(event.authorizationToken ?? '');
      if (!match?.[1]) throw new Error('Unauthorized');
      const token = match[1];
      const key = createHash('sha256').update(token).digest('base64url');
      let tenant = cache.get(key);
      if (tenant === undefined) {
        let payload: Awaited<ReturnType<TokenVerifier['verify']>>;
        try {
          payload = await options.verifier.verify(token);
        } catch (err) {
          obs.logger.info('token rejected', { reason: err instanceof Error ? err.name : 'unknown' });
          obs.metrics.addMetric('TokenRejected', MetricUnit.Count, 1);
          throw new Error('Unauthorized');
        }
        const claims = contextFromClaims(payload, options.platformTenantId);
        if (!claims.ok) obs.logger.warn('claims rejected', { reason: claims.reason, sub: payload.sub });
        tenant = claims.ok ? claims.context : null;
        const exp = typeof payload.exp === 'number' ? payload.exp * 1000 : 0;
        cache.set(key, tenant, Math.min(now() + options.cacheSeconds * 1000, exp));
      }
      if (!tenant) {
        obs.metrics.addMetric('AccessDenied', MetricUnit.Count, 1);
        return denyPolicy('denied', event.methodArn);
      }
      const usageIdentifierKey = await options.usageKey(tenant.tenantId);
      obs.metrics.addMetric('Authorized', MetricUnit.Count, 1);
      return { ...allowPolicy(tenant, event.methodArn), usageIdentifierKey };
    } finally {
      obs.metrics.publishStoredMetrics();
    }
  };
}

function handlerFromEnv() {
  const env = process.env;
  const cacheSeconds = Math.min(Number(env[ENV.authCacheSeconds] ?? 300) || 300, 3600);
  const platformTenantId = env[ENV.platformTenantId] ?? 'platform';
  const keySecretArn = env[ENV.usageKeySecretArn];
  const platformSecretArn = env[ENV.platformUsageKeySecretArn];
  if (!keySecretArn || !platformSecretArn)
    throw new Error(`${ENV.usageKeySecretArn} and ${ENV.platformUsageKeySecretArn} must be set`);
  return createAuthorizerHandler({
    verifier: createTokenVerifier(verifierConfigFromEnv(env)),
    platformTenantId,
    cacheSeconds,
    usageKey: usageKeyResolver({
      secret: async () => Buffer.from(await secretString(keySecretArn), 'utf8'),
      platform: { tenantId: platformTenantId, value: () => secretString(platformSecretArn) },
    }),
  });
}

let instance: ReturnType<typeof createAuthorizerHandler> | undefined;

/** Lambda entry point: configuration from the environment (see ENV in contract.ts). */
export const handler = (event: APIGatewayTokenAuthorizerEvent, context: Context) => {
  instance ??= handlerFromEnv();
  return instance(event, context);
};
