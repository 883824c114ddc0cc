import { createHmac } from 'node:crypto';

/** API Gateway refuses API key values shorter than this. */
export const MIN_USAGE_KEY_LENGTH = 20;

/**
 * The value of a tenant's API key: `hex(HMAC-SHA256(secret, "fastish-usage-key:" + tenantId))`, 64
 * characters. Derived, never stored: the authorizer computes it from the verified tenant id with no lookup,
 * and the API computes the same value when it creates the key at onboarding.
 *
 * Why a secret at all, when API Gateway takes the key only from the authorizer (`apiKeySourceType:
 * AUTHORIZER`, so a client cannot present one)? Two reasons: API key values are unique per account and
 * region, so two environments in one account must derive different values for the same tenant id; and a
 * value nobody can compute cannot be used on some other API of the account that reads keys from headers.
 * Hex rather than base64url: only alphanumeric characters, which every API Gateway API accepts.
 */
export function deriveUsageKey(secret: Buffer, tenantId: string): string {
  if (secret.length === 0) throw new Error('usage key secret is empty');
  return createHmac('sha256', secret).update(`fastish-usage-key:${tenantId}`).digest('hex');
}

/** Resolves a tenant's API key value (the authorizer's and the API's view of the same derivation). */
export type UsageKeyResolver = (tenantId: string) => Promise<string>;

export interface UsageKeyResolverOptions {
  /** The HMAC key, read once (Secrets Manager in AWS, random per start locally). */
  secret: () => Promise<Buffer>;
  /**
   * The platform tenant's key value, when it is not derived: in AWS the stack creates the operators'
   * API key from its own generated secret (CloudFormation cannot compute an HMAC), so the authorizer reads
   * that value instead. Locally the platform key is derived like any other.
   * @default derived
   */
  platform?: { tenantId: string; value: () => Promise<string> };
}

/**
 * A resolver that reads its secrets once and retries after a failure (a throttled Secrets Manager call
 * at cold start must not poison the function instance).
 */
export function usageKeyResolver(options: UsageKeyResolverOptions): UsageKeyResolver {
  const once = <T>(load: () => Promise<T>) => {
    let pending: Promise<T> | undefined;
    return () => {
      pending ??= load().catch((err) => {
        pending = undefined;
        throw err;
      });
      return pending;
    };
  };
  const secret = once(options.secret);
  const platformValue = options.platform ? once(options.platform.value) : undefined;
  return async (tenantId) => {
    if (platformValue && tenantId === options.platform?.tenantId) return platformValue();
    return deriveUsageKey(await secret(), tenantId);
  };
}
