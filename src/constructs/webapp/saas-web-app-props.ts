import type { Duration } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { NamingContext } from '../../naming';
import type { WebAppConsoleOptions } from './console-wiring';
import type { HealthCheckPipeline } from './health-check';
import type { ApiThrottle, TierLimits } from './tenant-api';
import type { WebAppMfa } from './tenant-user-pool';

/**
 * Throttle and quota of each tenant tier (one usage plan per tier; every tenant has its own API key in
 * its tier's plan, so the limits apply per tenant). The tiers are the ones tokens carry in `custom:tier`.
 */
export interface TenantTiers {
  readonly basic: TierLimits;
  readonly standard: TierLimits;
  readonly premium: TierLimits;
}

/** The tiers a `SaasWebApp` gets by default. */
export const DEFAULT_TENANT_TIERS: TenantTiers = {
  basic: { rateLimit: 10, burstLimit: 20, quotaPerDay: 10_000 },
  standard: { rateLimit: 50, burstLimit: 100, quotaPerDay: 100_000 },
  premium: { rateLimit: 200, burstLimit: 400, quotaPerDay: 1_000_000 },
};

export interface SaasWebAppProps {
  /**
   * Organization, environment, account, region and qualifier: every physical name (table, user pool,
   * functions, API, keys, log groups, published parameters `/fastish/<env>/webapp/…`) derives from these.
   */
  readonly naming: NamingContext;
  /**
   * Retention of every log group (functions, API access, WAF, console builds).
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * E-mail addresses subscribed to the alarm topic.
   * @default - none
   */
  readonly alarmEmails?: string[];
  /**
   * Regions of DynamoDB global-table replicas of the tenant table.
   * @default - none
   */
  readonly tableReplicaRegions?: string[];
  /**
   * Multi-factor sign-in.
   * @default WebAppMfa.REQUIRED
   */
  readonly mfa?: WebAppMfa;
  /**
   * How long API Gateway and the authorizer reuse a verified token; zero disables the cache.
   * @default Duration.minutes(5)
   */
  readonly authorizerCacheTtl?: Duration;
  /**
   * Reserved concurrency of the API function.
   * @default - unreserved
   */
  readonly apiReservedConcurrency?: number;
  /**
   * Lifetime of expiring records (idempotency keys).
   * @default Duration.days(30)
   */
  readonly idempotencyTtl?: Duration;
  /**
   * Throttling of the whole API stage (all tenants).
   * @default - 500 requests per second, bursts of 1,000
   */
  readonly apiThrottle?: ApiThrottle;
  /**
   * Throttle and daily quota per tenant tier.
   * @default DEFAULT_TENANT_TIERS (basic 10/s and 10,000 a day, standard 50/s and 100,000, premium 200/s and 1,000,000)
   */
  readonly tiers?: TenantTiers;
  /**
   * Requests per client IP per 5 minutes before the WAF blocks.
   * @default 2000
   */
  readonly wafRateLimitPer5Minutes?: number;
  /**
   * The tenant console on Amplify Hosting (its origin is the API's CORS origin and the user pool's
   * OAuth callback host).
   * @default - no console
   */
  readonly console?: WebAppConsoleOptions;
  /**
   * The release pipeline whose deep health check reads the health client's secret from here.
   * @default - none: operators read it with their own credentials
   */
  readonly healthCheckPipeline?: HealthCheckPipeline;
}
