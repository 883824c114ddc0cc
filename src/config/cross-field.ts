import type { ConfigIssue } from './errors';
import { duplicateIssues } from './rules/duplicates';
import { settingPath } from './rules/origin';
import type { EnvironmentSettings, RawConfig } from './schema';

/** One environment's effective settings, with where each came from. */
export interface EnvironmentUnderCheck {
  readonly raw: RawConfig;
  readonly name: string;
  readonly settings: EnvironmentSettings;
}

/** A cross-field rule: the issues of one environment (paths are config paths, see `settingPath`). */
export type EnvironmentRule = (
  env: EnvironmentUnderCheck,
  at: (path: readonly PropertyKey[]) => string,
) => ConfigIssue[];

const noDuplicates: EnvironmentRule = (env, at) => duplicateIssues(env.settings, at);

/**
 * Rules across fields of one environment's effective settings (schema defaults ← `defaults` ←
 * `overrides`). Everything synth would refuse is refused here, with the config path to change.
 */
export const ENVIRONMENT_RULES: readonly EnvironmentRule[] = [noDuplicates];

export function checkEnvironmentRules(env: EnvironmentUnderCheck): ConfigIssue[] {
  const at = (path: readonly PropertyKey[]) => settingPath(env.raw, env.name, path);
  return ENVIRONMENT_RULES.flatMap((rule) => rule(env, at));
}
