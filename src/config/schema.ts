import { z } from 'zod';
import { ARCHITECTURES } from './architectures';
import { bootstrapSettings } from './architectures/bootstrap';
import { druidSettings } from './architectures/druid';
import { eksSettings } from './architectures/eks';
import { releaseSettings } from './architectures/release';
import { webappSettings } from './architectures/webapp';
import { LIMITS, MAX_CONFIG_TAGS } from './limits';
import {
  accountId,
  atMostEntries,
  dnsName,
  iamPrincipalArn,
  region,
  retentionDays,
  slug,
  tagKey,
  tagValue,
  zoneName,
} from './primitives';

/** Name length budgets keep every derived physical name readable before the naming module hashes. */
export const NAME_LIMITS = { organization: 12, team: 20, environment: 10 } as const;

export const TEAM_ROLES = ['admin', 'developer', 'read-only'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

export const contributorSchema = z.strictObject({
  principal: iamPrincipalArn.meta({ description: 'IAM user or role ARN of the contributor' }),
  role: z.enum(TEAM_ROLES).meta({ description: 'Permission level within the team' }),
});

export const teamSchema = z.strictObject({
  costCenter: z
    .string()
    .regex(/^[A-Za-z0-9_.:/=+@ -]{1,64}$/, { message: 'must be 1-64 characters usable in a tag value' })
    .meta({ description: 'Cost center, tagged on every resource the team owns' }),
  contributors: z
    .array(contributorSchema)
    .max(25, { message: 'takes at most 25 contributors (a team role trusts them in one IAM trust policy)' })
    .default([])
    .meta({ description: 'People and roles in the team' }),
});

/**
 * Per-environment settings. The config's `defaults` and each environment's `overrides` are partial
 * versions of this object; the effective settings are defaults deep-merged with the overrides.
 */
export const environmentSettingsSchema = z
  .strictObject({
    logRetentionDays: retentionDays.default(365),
    bootstrap: bootstrapSettings,
    webapp: webappSettings,
    eks: eksSettings,
    druid: druidSettings,
  })
  .prefault({});

export const APPROVALS = ['required', 'none'] as const;

export const environmentSchema = z.strictObject({
  account: accountId,
  region: region,
  availabilityZones: z
    .array(zoneName)
    .min(2, { message: 'needs at least 2 availability zones' })
    .max(6, { message: 'takes at most 6 availability zones' })
    .meta({ description: 'Availability zones used, in order (explicit: synth does no lookups)' }),
  approval: z
    .enum(APPROVALS)
    .default('required')
    .meta({ description: 'Whether a person approves each release to this environment' }),
  architectures: z
    .array(z.enum(ARCHITECTURES))
    .max(ARCHITECTURES.length)
    .default([])
    .meta({ description: 'Architectures deployed here; the bootstrap stack is always deployed' }),
  overrides: z
    .record(z.string(), z.unknown())
    .default({})
    .meta({ description: 'Partial environment settings deep-merged over `defaults` (arrays replace)' }),
});

function tagCharacters(tags: Record<string, string>): number {
  return Object.entries(tags).reduce((sum, [k, v]) => sum + k.length + v.length, 0);
}

export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  organization: z.strictObject({
    name: slug(NAME_LIMITS.organization, 'organization name'),
    domain: dnsName.meta({ description: 'Primary DNS domain of the organization' }),
    platformTeam: z.string().meta({ description: 'Team that owns the bootstrap and release stacks' }),
  }),
  teams: atMostEntries(
    LIMITS.teams,
    'teams',
    "the teams stack's template grows by about 45 KB per team; CloudFormation takes 1,000,000 bytes",
    z
      .record(slug(NAME_LIMITS.team, 'team name'), teamSchema)
      .refine((t) => Object.keys(t).length > 0, { message: 'needs at least one team' }),
  ).meta({ description: `Teams, at most ${LIMITS.teams}` }),
  environments: atMostEntries(
    LIMITS.environments,
    'environments',
    'one pipeline wave each',
    z
      .record(slug(NAME_LIMITS.environment, 'environment name'), environmentSchema)
      .refine((e) => Object.keys(e).length > 0, { message: 'needs at least one environment' }),
  ).meta({
    description: `Environments in promotion order (the pipeline deploys them in this order), at most ${LIMITS.environments}`,
  }),
  defaults: z
    .record(z.string(), z.unknown())
    .default({})
    .meta({ description: 'Settings shared by every environment (see Environment settings)' }),
  tags: atMostEntries(
    MAX_CONFIG_TAGS,
    'tags',
    `AWS takes ${LIMITS.tagsPerResource} tags per resource and Fastish adds up to ${LIMITS.fastishTagsPerResource} of its own`,
    z
      .record(tagKey, tagValue)
      .refine((tags) => tagCharacters(tags) <= LIMITS.configTagCharacters, {
        error: (issue) =>
          `has ${tagCharacters(issue.input as Record<string, string>)} characters of tag keys and values; Fastish takes at most ${LIMITS.configTagCharacters} (every taggable resource repeats them, within CloudFormation's 1,000,000 bytes per template)`,
      })
      .default({}),
  ).meta({
    description: `Extra tags applied to every resource: at most ${MAX_CONFIG_TAGS}, of at most ${LIMITS.configTagCharacters} characters (keys and values) together`,
  }),
  release: releaseSettings.optional(),
});

export type RawConfig = z.infer<typeof configSchema>;
export type EnvironmentSettings = z.infer<typeof environmentSettingsSchema>;
export type TeamConfig = z.infer<typeof teamSchema>;
export type EnvironmentConfig = z.infer<typeof environmentSchema>;
