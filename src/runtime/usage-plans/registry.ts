import type { Tier } from '../contract';

/** The state one tenant's API key should be in. */
export interface UsageKeyState {
  /** The tier whose usage plan (throttle + daily quota) the key belongs to, and only that one. */
  tier: Tier;
  /** Disabled keys are refused by API Gateway (403) before the authorizer's Allow reaches the API. */
  enabled: boolean;
}

/**
 * Per-tenant API keys in per-tier usage plans. API Gateway throttles and meters per API key, so giving
 * every tenant its own key (value from `deriveUsageKey`) makes each tier's rate, burst and daily quota
 * apply per tenant. In AWS: `ApiGatewayUsagePlanRegistry`; locally: `FakeUsagePlanRegistry` (src/dev),
 * which the dev gateway also enforces.
 *
 * Both operations are idempotent, so a failed tenant operation can simply be repeated.
 */
export interface UsagePlanRegistry {
  /**
   * Creates the tenant's key if missing, sets `enabled`, and makes the tier's usage plan the key's only
   * plan (a tier change moves it).
   */
  ensureKey(tenantId: string, state: UsageKeyState): Promise<void>;
  /** Deletes the tenant's key (and with it its usage plan memberships); absent is fine. */
  deleteKey(tenantId: string): Promise<void>;
}
