import { z } from 'zod';
import { dnsName, region } from '../primitives';

const tier = z.strictObject({
  rateLimit: z.number().int().min(1).max(10_000).meta({ description: 'Steady-state requests per second' }),
  burstLimit: z.number().int().min(1).max(5_000).meta({ description: 'Burst capacity in requests' }),
  quotaPerDay: z.number().int().min(1).meta({ description: 'Requests per tenant per day' }),
});

export const TIER_NAMES = ['basic', 'standard', 'premium'] as const;

/** Settings of the multi-tenant web application (`webapp`). Every field has a default. */
export const webappSettings = z
  .strictObject({
    team: z.string().optional().meta({ description: 'Owning team (default: organization.platformTeam)' }),
    tiers: z
      .strictObject({ basic: tier, standard: tier, premium: tier })
      .default({
        basic: { rateLimit: 10, burstLimit: 20, quotaPerDay: 10_000 },
        standard: { rateLimit: 50, burstLimit: 100, quotaPerDay: 100_000 },
        premium: { rateLimit: 200, burstLimit: 400, quotaPerDay: 1_000_000 },
      })
      .meta({ description: 'API throttling and quota per tenant tier (usage plans)' }),
    mfa: z.enum(['off', 'optional', 'required']).default('required').meta({ description: 'Cognito MFA' }),
    wafRateLimitPer5Minutes: z
      .number()
      .int()
      .min(10)
      .max(2_000_000_000)
      .default(2_000)
      .meta({ description: 'Requests per client IP per 5 minutes before the WAF blocks' }),
    consoleDomain: dnsName
      .optional()
      .meta({ description: 'Custom domain of the console (Amplify); default: the Amplify domain' }),
    consoleRepository: z
      .url()
      .optional()
      .meta({ description: 'Git repository Amplify builds the console from (default: manual deploys)' }),
    consoleBranch: z
      .string()
      .min(1)
      .default('main')
      .meta({ description: 'Production branch of the console' }),
    tableReplicaRegions: z
      .array(region)
      .default([])
      .meta({ description: 'Regions of DynamoDB global-table replicas (default: none)' }),
    itemTtlDays: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .default(30)
      .meta({ description: 'TTL of expiring records (idempotency keys)' }),
    apiThrottle: z
      .strictObject({
        rateLimit: z.number().int().min(1).max(10_000).default(500).meta({
          description: 'Steady-state requests per second for the whole API stage (all tenants)',
        }),
        burstLimit: z.number().int().min(1).max(5_000).default(1_000).meta({
          description: 'Burst capacity of the whole API stage in requests',
        }),
      })
      .prefault({})
      .meta({ description: 'Stage-level throttling: the ceiling above every tier usage plan' }),
    authorizerCacheSeconds: z.number().int().min(0).max(3600).default(300).meta({
      description: 'Seconds API Gateway (and the authorizer) reuse a verified token; 0 disables the cache',
    }),
    consoleCallbackPath: z
      .string()
      .regex(/^\/[A-Za-z0-9/_-]*$/)
      .default('/auth/callback')
      .meta({ description: 'Path of the console that receives the OAuth authorization code' }),
    alarmEmails: z
      .array(z.email())
      .default([])
      .meta({ description: 'E-mail addresses subscribed to the webapp alarm topic (default: none)' }),
    apiReservedConcurrency: z.number().int().min(1).optional().meta({
      description:
        'Reserved concurrency of the API function (default: unreserved; new accounts have a quota of 10)',
    }),
  })
  .prefault({});

export type WebappSettings = z.infer<typeof webappSettings>;
