import { addCount, type DailyRequests, type RequestCounts } from '../runtime/billing/request-counts';
import type { Tier, TierLimits } from '../runtime/contract';
import type { UsageKeyState, UsagePlanRegistry } from '../runtime/usage-plans/registry';
import type { UsageKeyResolver } from '../runtime/usage-plans/usage-key';

export interface FakeApiKey {
  id: string;
  /** The tenant id, as the AWS adapter names keys. */
  name: string;
  value: string;
  enabled: boolean;
  /** The usage plan (tier) the key is in; undefined while it is in none. */
  tier: Tier | undefined;
  tags: Record<string, string>;
}

/** What API Gateway does with a request's API key, in the order it checks. */
export type Admission = 'ok' | 'invalid_key' | 'throttled' | 'quota_exceeded';

/**
 * In-memory stand-in for API Gateway API keys and usage plans, which the dev gateway also enforces the way
 * API Gateway does: a missing, disabled or plan-less key is refused (403), then the key's token bucket
 * (refilled at the plan's `rateLimit` per second, holding at most `burstLimit`) must have a token (else
 * 429 throttled), then the key's count for the UTC day must be below the plan's `quotaPerDay` (else 429
 * quota exceeded). Throttled requests do not count toward the quota. A key that moves to another plan
 * starts with a full bucket and that plan's own count, as usage in API Gateway is per plan and key.
 * `requests` reports the counts as `GetUsage` does: per existing key (a deleted key's usage is gone), per
 * plan and day.
 */
export class FakeUsagePlanRegistry implements UsagePlanRegistry, RequestCounts {
  /** Keys by value (API Gateway resolves `usageIdentifierKey` by value). */
  readonly keys = new Map<string, FakeApiKey>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly counts = new Map<string, number>();
  private nextId = 1;

  constructor(
    readonly limits: Readonly<Record<Tier, TierLimits>>,
    private readonly usageKey: UsageKeyResolver,
    private readonly now: () => number = Date.now,
  ) {}

  /** The tenant's key (by name), as an operator would look it up in the console. */
  keyOf(tenantId: string): FakeApiKey | undefined {
    for (const key of this.keys.values()) if (key.name === tenantId) return key;
    return undefined;
  }

  async ensureKey(tenantId: string, state: UsageKeyState): Promise<void> {
    const value = await this.usageKey(tenantId);
    let key = this.keys.get(value);
    if (!key) {
      key = {
        id: `key${this.nextId++}`,
        name: tenantId,
        value,
        enabled: state.enabled,
        tier: undefined,
        tags: { 'fastish:tenant': tenantId },
      };
      this.keys.set(value, key);
    }
    key.enabled = state.enabled;
    if (key.tier !== state.tier) {
      key.tier = state.tier;
      this.buckets.delete(key.id);
    }
  }

  async deleteKey(tenantId: string): Promise<void> {
    const key = this.keys.get(await this.usageKey(tenantId));
    if (!key) return;
    this.keys.delete(key.value);
    this.buckets.delete(key.id);
  }

  /** One request carrying `value` as its API key: admitted, or why not. */
  admit(value: string | undefined): Admission {
    const key = value === undefined ? undefined : this.keys.get(value);
    if (!key?.enabled || !key.tier) return 'invalid_key';
    const limits = this.limits[key.tier];
    const now = this.now();
    const bucket = this.buckets.get(key.id) ?? { tokens: limits.burstLimit, at: now };
    bucket.tokens = Math.min(
      limits.burstLimit,
      bucket.tokens + ((now - bucket.at) / 1000) * limits.rateLimit,
    );
    bucket.at = now;
    this.buckets.set(key.id, bucket);
    if (bucket.tokens < 1) return 'throttled';
    const day = new Date(now).toISOString().slice(0, 10);
    const countKey = `${key.id}|${key.tier}|${day}`;
    const count = this.counts.get(countKey) ?? 0;
    if (count >= limits.quotaPerDay) return 'quota_exceeded';
    bucket.tokens -= 1;
    this.counts.set(countKey, count + 1);
    return 'ok';
  }

  /** Admitted requests per day, tenant (key name) and plan, for days in [from, to] (the billing collector). */
  async requests(from: string, to: string): Promise<DailyRequests> {
    const names = new Map([...this.keys.values()].map((k) => [k.id, k.name]));
    const out: DailyRequests = new Map();
    for (const [countKey, n] of this.counts) {
      const [id, tier, day] = countKey.split('|') as [string, string, string];
      const name = names.get(id);
      if (name && day >= from && day <= to) addCount(out, day, name, tier, n);
    }
    return out;
  }
}
