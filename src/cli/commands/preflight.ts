import type { EnvironmentModel, PlatformModel } from '../../config';
import { renderRows, rowsExitCode } from '../../release/check-rows';
import {
  defaultPreflightDependencies,
  type PreflightDependencies,
  runPreflight,
} from '../../release/preflight';
import {
  CONFIG_OPTIONS,
  type Command,
  type CommandIo,
  defaultConfigPath,
  parseOptions,
  progress,
  UsageError,
} from '../command';
import { loadModel } from '../platform';

const USAGE = `fastish preflight --env <name> [--config <file>] [--json]

Read-only AWS calls, with your credentials, that catch what an offline synth cannot. Run it before a
deploy (credentials for the environment's account, its region):
  identity          the credentials are for the environment's account (else nothing else runs)
  eks add-on        each pinned add-on build exists for the cluster's Kubernetes version, and our
                    configuration values match the schema EKS publishes for it
  bottlerocket ami  Karpenter's bottlerocket@<version> alias and the system nodes' release resolve
  helm chart        each pinned chart version is in its repository (HTTPS index.yaml or OCI registry;
                    the only call that is not to AWS)
  quota             VPCs, Elastic IPs, NAT gateways per zone, EKS clusters, Lambda concurrency: what the
                    environment adds plus what others use, against the account's quota
  source connection the pipeline's CodeConnections connection is AVAILABLE (pipeline environment only)
  amplify hosting,  the services answer in the region
  msk serverless
Exit 1 on any blocker (FAIL); warnings (checks that could not complete from here) do not block.

  -e, --env <name>     the environment to check (required)
  -c, --config <file>  config file (default: $FASTISH_CONFIG or fastish.yaml)
      --json           the rows as JSON on stdout`;

/** Resolves `--env` against the config: a usage error lists the environments there are. */
export function environmentOf(
  model: PlatformModel,
  name: string | undefined,
  path: string,
): EnvironmentModel {
  if (!name) throw new UsageError('--env <name> is required');
  const env = model.environments.find((e) => e.name === name);
  if (!env) {
    throw new UsageError(
      `${path}: no environment "${name}" (environments: ${model.environments.map((e) => e.name).join(', ')})`,
    );
  }
  return env;
}

export async function runPreflightCommand(
  args: readonly string[],
  io: CommandIo,
  overrides: Partial<PreflightDependencies> = {},
): Promise<number> {
  const { values } = parseOptions(args, { ...CONFIG_OPTIONS, env: { type: 'string', short: 'e' } });
  const path = values.config ?? defaultConfigPath();
  const model = loadModel(path);
  const env = environmentOf(model, values.env, path);
  const report = await runPreflight(model, env, {
    ...defaultPreflightDependencies(progress(io)),
    ...overrides,
  });
  io.out(
    values.json
      ? `${JSON.stringify(report, null, 2)}\n`
      : renderRows(`Preflight ${env.name} (${env.account}/${env.region})`, report.rows),
  );
  return rowsExitCode(report.rows);
}

export const preflightCommand: Command = {
  summary: 'Read-only account checks before a deploy: add-ons, AMIs, charts, quotas, connection, services',
  usage: USAGE,
  run: (args, io) => runPreflightCommand(args, io),
};
