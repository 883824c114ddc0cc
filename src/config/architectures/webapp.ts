import { z } from 'zod';
import type { ConfigIssue } from '../errors';
import { LIMITS } from '../limits';
import { dnsName, region } from '../primitives';

const tier = z.strictObject({
  rateLimit: z.number().int().min(1).max(10_000).meta({ description: 'Steady-state requests per second' }),
  burstLimit: z.number().int().min(1).max(5_000).meta({ description: 'Burst capacity in requests' }),
  quotaPerDay: z
    .number()
    .int()
    .min(1)
    .max(LIMITS.int32, { message: `must be at most ${LIMITS.int32} (API Gateway usage-plan quota)` })
    .meta({ description: 'Requests per tenant per day' }),
});

export const TIER_NAMES = ['basic', 'standard', 'premium'] as const;

const REPOSITORY_EXAMPLE = 'https://github.com/acme/platform';
const consoleRepository = z
  .string()
  .regex(/^https:\/\/((github\.com|bitbucket\.org)\/[\w.-]+\/[\w.-]+|gitlab\.com(\/[\w.-]+){2,})$/, {
    message: `must be the https URL of a GitHub, GitLab or Bitbucket repository, e.g. ${REPOSITORY_EXAMPLE}`,
  });

const consoleSettings = z
  .strictObject({
    enabled: z.boolean().default(true).meta({
      description: 'Host the console here; false leaves out a console that `defaults` configure',
    }),
    repository: consoleRepository.optional().meta({
      description:
        'GitHub, GitLab or Bitbucket repository (https URL) Amplify builds the console from; required when enabled (Amplify serves SSR apps only from a repository)',
    }),
    branch: z.string().min(1).default('main').meta({ description: 'Production branch of the console' }),
    domain: dnsName
      .optional()
      .meta({ description: 'Custom domain of the console (Amplify); default: the Amplify domain' }),
    callbackPath: z
      .string()
      .regex(/^\/[A-Za-z0-9/_-]*$/)
      .default('/auth/callback')
      .meta({ description: 'Path of the console that receives the OAuth authorization code' }),
    pullRequestPreviews: z.boolean().default(true).meta({
      description:
        'Build a preview per pull request (https://pr-<n>.<app id>.amplifyapp.com; signs in through the console); Amplify allows it for private repositories only',
    }),
  })
  .optional()
  .meta({
    description:
      'Tenant console (Next.js SSR) on Amplify Hosting, built from a Git repository; default: no console',
  });

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
    console: consoleSettings,
    tableReplicaRegions: z
      .array(region)
      .max(10)
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
    alarmEmails: z
      .array(z.email())
      .max(100)
      .default([])
      .meta({ description: 'E-mail addresses subscribed to the webapp alarm topic (default: none)' }),
    apiReservedConcurrency: z
      .number()
      .int()
      .min(1)
      .max(LIMITS.int32, { message: `must be at most ${LIMITS.int32} (Lambda reserved concurrency)` })
      .optional()
      .meta({
        description:
          'Reserved concurrency of the API function (default: unreserved; new accounts have a quota of 10)',
      }),
  })
  .prefault({});

export type WebappSettings = z.infer<typeof webappSettings>;

/**
 * Cross-field rules of the effective webapp settings of an environment that deploys the webapp (`at` is
 * `environments.<name>`): a console needs the repository it is built from.
 */
export function checkWebappSettings(settings: WebappSettings, at: string): ConfigIssue[] {
  const hosting = settings.console;
  if (!hosting?.enabled || hosting.repository) return [];
  return [
    {
      path: `${at}.overrides.webapp.console.repository`,
      value: undefined,
      message: `is required when the console is enabled: the https URL of the GitHub, GitLab or Bitbucket repository Amplify builds it from (e.g. ${REPOSITORY_EXAMPLE}; Amplify Hosting serves SSR apps only from a connected repository), or set console.enabled: false`,
    },
  ];
}
