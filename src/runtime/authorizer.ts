import { createHash } from 'node:crypto';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { STSClient } from '@aws-sdk/client-sts';
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent, Context } from 'aws-lambda';
import { contextFromClaims } from './auth/claims';
import { allowPolicy, denyPolicy } from './auth/policy';
import { TtlCache } from './auth/ttl-cache';
import {
  createHealthTokenVerifier,
  createTokenVerifier,
  newJwksCache,
  type TokenVerifier,
  verifierConfigFromEnv,
} from './auth/verifier';
import { type AuthorizerContext, ENV, HEALTH_CLIENT, HEALTH_TENANT_ID } from './contract';
import { SessionVendor, stsAssumeDataRole } from './data/sts-sessions';
import { secondsFromEnv } from './env-seconds';
import { type Observability, observability } from './observability';
import { secretString } from './secrets';
import { type UsageKeyResolver, usageKeyResolver } from './usage-plans/usage-key';

export interface AuthorizerOptions {
  verifier: TokenVerifier;
  platformTenantId: string;
  /** Upper bound on how long a verified token is reused without verifying again (never past its `exp`); 0: never. */
  cacheSeconds: number;
  /**
   * The caller tenant's API key value, returned as `usageIdentifierKey` with every Allow (the REST API's
   * `apiKeySourceType` is AUTHORIZER): API Gateway applies that key's usage plan, so throttling and the
   * daily quota apply per tenant. Without it, methods that require an API key answer 403.
   */
  usageKey: UsageKeyResolver;
  /**
   * Verifier of the health client's access tokens. A token that passes acts as the synthetic tenant
   * (`HEALTH_TENANT_ID`), may call only the deep health route, and is metered on the operators' key.
   * @default - access tokens are refused
   */
  healthVerifier?: TokenVerifier;
  /**
   * The data credentials for the verified caller (data/sts-sessions.ts: the tenant data role tagged with the
   * token's tenant, or the operator data role), added to the Allow's context: the API's only way to the table.
   * @default - none (the API refuses to serve without them)
   */
  sessions?: Pick<SessionVendor, 'context'>;
  obs?: Observability;
  now?: () => number;
}

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/;

/**
 * `token_use` of a token, read before verification only to pick the verifier; the chosen verifier then
 * checks every claim, so a forged `token_use` just fails that verifier.
 */
function tokenUse(token: string): unknown {
  try {
    return (
      JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
        string,
        unknown
      >
    ).token_use;
  } catch {
    return undefined;
  }
}

/**
 * API Gateway TOKEN authorizer (identity source: the Authorization header).
 * - No token, a malformed header, or a token that fails verification: throws `Unauthorized`, which
 *   API Gateway turns into 401.
 * - A valid token whose claims do not make a tenant context: an explicit Deny (403).
 * - The health client's access token (client credentials): Allow for `GET /health/deep` only, as the
 *   synthetic tenant `HEALTH_TENANT_ID`.
 * - Otherwise Allow for the whole API, with context {tenantId, userId, role, tier, exp} and the tenant's API
 *   key as `usageIdentifierKey` (per-tenant usage plan throttling and quota). `exp` is there because API
 *   Gateway serves a cached Allow for its whole TTL, past the token's expiry: the API checks it per request.
 * Verified contexts are cached in the function instance per token hash, besides API Gateway's own
 * authorizer cache (set its TTL to the same value), so a cold API Gateway cache does not mean RSA again.
 */
export function createAuthorizerHandler(options: AuthorizerOptions) {
  const obs = options.obs ?? observability('fastish-authorizer');
  const now = options.now ?? Date.now;
  const cache = new TtlCache<AuthorizerContext | null>(10_000, now);

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
        const health = tokenUse(token) === 'access';
        const verifier = health ? options.healthVerifier : options.verifier;
        let payload: Awaited<ReturnType<TokenVerifier['verify']>>;
        try {
          if (!verifier) throw new Error('access tokens are not accepted');
          payload = await verifier.verify(token);
        } catch (err) {
          obs.logger.info('token rejected', { reason: err instanceof Error ? err.name : 'unknown' });
          obs.metrics.addMetric('TokenRejected', MetricUnit.Count, 1);
          throw new Error('Unauthorized');
        }
        // Both verifiers require a numeric exp.
        const exp = Number(payload.exp);
        if (health) {
          tenant = {
            tenantId: HEALTH_TENANT_ID,
            userId: String(payload.sub),
            role: 'viewer',
            tier: 'basic',
            exp,
          };
        } else {
          const claims = contextFromClaims(payload, options.platformTenantId);
          if (!claims.ok) obs.logger.warn('claims rejected', { reason: claims.reason, sub: payload.sub });
          tenant = claims.ok ? { ...claims.context, exp } : null;
        }
        cache.set(key, tenant, Math.min(now() + options.cacheSeconds * 1000, exp * 1000));
      }
      if (!tenant) {
        obs.metrics.addMetric('AccessDenied', MetricUnit.Count, 1);
        return denyPolicy('denied', event.methodArn);
      }
      // Every authorized method needs an API key; the health client's few calls use the operators' one.
      const health = tenant.tenantId === HEALTH_TENANT_ID;
      const usageIdentifierKey = await options.usageKey(health ? options.platformTenantId : tenant.tenantId);
      obs.metrics.addMetric('Authorized', MetricUnit.Count, 1);
      const allow = allowPolicy(tenant, event.methodArn, health ? 'health' : 'api');
      const session = (await options.sessions?.context(tenant)) ?? {};
      return { ...allow, context: { ...allow.context, ...session }, usageIdentifierKey };
    } finally {
      obs.metrics.publishStoredMetrics();
    }
  };
}

/** `AUTH_CACHE_SECONDS`: unset is 300 (the configuration's default), `0` no cache, at most 3600 (API Gateway's). */
export function authCacheSecondsFromEnv(raw: string | undefined): number {
  return secondsFromEnv(ENV.authCacheSeconds, raw, 300, 3600);
}

function handlerFromEnv() {
  const env = process.env;
  const cacheSeconds = authCacheSecondsFromEnv(env[ENV.authCacheSeconds]);
  const platformTenantId = env[ENV.platformTenantId] ?? 'platform';
  const keySecretArn = env[ENV.usageKeySecretArn];
  const platformSecretArn = env[ENV.platformUsageKeySecretArn];
  if (!keySecretArn || !platformSecretArn)
    throw new Error(`${ENV.usageKeySecretArn} and ${ENV.platformUsageKeySecretArn} must be set`);
  const verifierConfig = verifierConfigFromEnv(env);
  const jwks = newJwksCache();
  const healthClientId = env[ENV.healthClientId];
  const tenantRoleArn = env[ENV.tenantRoleArn];
  const operatorRoleArn = env[ENV.operatorRoleArn];
  if (!tenantRoleArn || !operatorRoleArn)
    throw new Error(`${ENV.tenantRoleArn} and ${ENV.operatorRoleArn} must be set`);
  return createAuthorizerHandler({
    verifier: createTokenVerifier(verifierConfig, jwks),
    ...(healthClientId
      ? {
          healthVerifier: createHealthTokenVerifier(
            { ...verifierConfig, clientId: healthClientId, scope: HEALTH_CLIENT.scope },
            jwks,
          ),
        }
      : {}),
    platformTenantId,
    cacheSeconds,
    sessions: new SessionVendor({
      tenantRoleArn,
      operatorRoleArn,
      platformTenantId,
      cacheSeconds,
      assume: stsAssumeDataRole(new STSClient({})),
    }),
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
