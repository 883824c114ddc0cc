import type { Architecture } from './architectures';
import type { ConfigIssue } from './errors';
import { druidNamespace, druidSizing, sourcesMatchIngestion } from './rules/druid';
import { duplicateIssues } from './rules/duplicates';
import { hostedZoneHasId, nodeGroupBounds, oneNodeArchitecture, subnetsFit } from './rules/eks';
import { settingPath } from './rules/origin';
import type { EnvironmentRule, EnvironmentUnderCheck } from './rules/rule';

const noDuplicates: EnvironmentRule = (env, at) => duplicateIssues(env.settings, at);

/**
 * Rules across fields of one environment's effective settings (schema defaults ← `defaults` ←
 * `overrides`), by the architecture whose stack would refuse them: everything synth would refuse is
 * refused here, with the config path to change.
 */
export const ENVIRONMENT_RULES: Readonly<Record<Architecture | 'all', readonly EnvironmentRule[]>> = {
  all: [noDuplicates],
  webapp: [],
  eks: [nodeGroupBounds, subnetsFit, hostedZoneHasId, oneNodeArchitecture],
  druid: [sourcesMatchIngestion, druidSizing, druidNamespace],
};

export function checkEnvironmentRules(env: EnvironmentUnderCheck): ConfigIssue[] {
  const at = (path: readonly PropertyKey[]) => settingPath(env.raw, env.name, path);
  const enabled = env.raw.environments[env.name]?.architectures ?? [];
  const rules = [...ENVIRONMENT_RULES.all, ...enabled.flatMap((a) => ENVIRONMENT_RULES[a])];
  return rules.flatMap((rule) => rule(env, at));
}
