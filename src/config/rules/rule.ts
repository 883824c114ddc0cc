import type { ConfigIssue } from '../errors';
import type { EnvironmentSettings, RawConfig } from '../schema';

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
