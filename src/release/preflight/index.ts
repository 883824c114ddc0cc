import type { EnvironmentModel, PlatformModel } from '../../config';
import { type CheckRow, row } from '../check-rows';
import { checkAddons } from './addons';
import { checkCharts, type Fetch } from './charts';
import { checkParameters } from './parameters';
import { checkQuotas } from './quotas';
import { type Requirements, synthRequirements } from './requirements';
import { checkConnection, checkIdentity, checkServices } from './services';

export type { Fetch } from './charts';
export { QUOTAS } from './quotas';
export { type Requirements, requirementsFromStacks, synthRequirements } from './requirements';
export { schemaErrors } from './schema-check';

export interface PreflightDependencies {
  /** HTTP for the chart repositories (the only call that is not to AWS). @default globalThis.fetch */
  readonly fetch: Fetch;
  /** What the environment needs. @default synthesized from the config, offline */
  readonly requirements: (model: PlatformModel, env: EnvironmentModel) => Requirements;
  readonly progress: (line: string) => void;
}

export interface PreflightReport {
  readonly environment: string;
  readonly account: string;
  readonly region: string;
  readonly rows: readonly CheckRow[];
}

/**
 * `fastish preflight`: read-only calls, with the operator's credentials, that catch what synth cannot (it
 * never calls AWS). The identity goes first: with credentials for another account every other answer would
 * be about the wrong account, so nothing else runs.
 */
export async function runPreflight(
  model: PlatformModel,
  env: EnvironmentModel,
  deps: PreflightDependencies,
): Promise<PreflightReport> {
  deps.progress('synthesizing to read what the environment needs');
  const req = deps.requirements(model, env);
  const base = { environment: env.name, account: env.account, region: env.region };
  deps.progress('checking the caller identity');
  const identity = await checkIdentity(req);
  if (identity.status === 'fail') {
    return {
      ...base,
      rows: [identity, row('other checks', 'skip', 'not run: they would read another account')],
    };
  }
  deps.progress('checking add-ons, AMIs, charts, quotas, connection and regional services');
  const groups = await Promise.all([
    checkAddons(req),
    checkParameters(req),
    checkCharts(req, deps.fetch),
    checkQuotas(req),
    checkConnection(req),
    checkServices(req),
  ]);
  return { ...base, rows: [identity, ...groups.flat()] };
}

export const defaultPreflightDependencies = (progress: (line: string) => void): PreflightDependencies => ({
  fetch: (url, init) => globalThis.fetch(url, init),
  requirements: synthRequirements,
  progress,
});
