export { ARCHITECTURES, type Architecture } from './architectures';
export { ConfigError, type ConfigIssue, formatIssues } from './errors';
export { loadConfig, readConfigFile, validateConfig } from './load';
export { deepMerge } from './merge';
export type { EnvironmentModel, PlatformModel, Team } from './model';
export { teamOf } from './model';
export { configSchema, environmentSettingsSchema, TEAM_ROLES, type TeamRole } from './schema';
