import type { Naming } from '../naming';
import type { Architecture } from './architectures';
import type { ReleaseSettings } from './architectures/release';
import type { EnvironmentSettings, TeamConfig, TeamRole } from './schema';

export type { Architecture, EnvironmentSettings, ReleaseSettings, TeamConfig, TeamRole };

export interface Team extends TeamConfig {
  readonly name: string;
}

/** One environment after validation and overlay: everything a stage needs, nothing to look up. */
export interface EnvironmentModel {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly availabilityZones: readonly string[];
  readonly approval: 'required' | 'none';
  readonly architectures: readonly Architecture[];
  /** Effective settings: schema defaults ← config `defaults` ← environment `overrides`. */
  readonly settings: EnvironmentSettings;
  readonly qualifier: string;
  readonly naming: Naming;
}

/** The validated platform: the only input the app, stacks and CLI take. */
export interface PlatformModel {
  readonly organization: { readonly name: string; readonly domain: string; readonly platformTeam: string };
  readonly teams: readonly Team[];
  /** In config order, which is promotion order. */
  readonly environments: readonly EnvironmentModel[];
  readonly tags: Readonly<Record<string, string>>;
  readonly release?: ReleaseSettings;
}

export function teamOf(model: PlatformModel, name: string): Team {
  const team = model.teams.find((t) => t.name === name);
  if (!team) throw new Error(`unknown team "${name}"`);
  return team;
}
