import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { Toolkit } from '@aws-cdk/toolkit-lib';
import {
  checksGate,
  type DeployDependencies,
  deployEnvironment,
  deployExitCode,
  networkProbes,
  renderDeployReport,
} from '../../release/deploy';
import { type Command, type CommandIo, defaultConfigPath, UsageError } from '../command';

const USAGE = `fastish deploy <environment> [--yes] [--config <file>] [--json]

Validates the config and runs the gates (fastish check), synthesizes, then deploys the environment's
stacks with @aws-cdk/toolkit-lib: a change set per stack is previewed and must be approved (unless
--yes), stacks deploy one at a time in dependency order, CloudFormation rolls a failed stack back.
Afterwards the API gets the deep check (a health-client token, then GET /health/deep through the
authorizer, STS and DynamoDB) and a public EKS API an HTTPS probe; private endpoints (Aurora, a private
EKS API) are reported as not checked from here. Exit 0 only if all of it passed.

  --yes            approve every change set without asking (CI)
  --config <file>  config file (default: $FASTISH_CONFIG or fastish.yaml)
  --json           machine-readable report on stdout`;

/** Asks on the terminal; without one, declines (use --yes in automation). */
async function terminalConfirm(question: string): Promise<boolean> {
  process.stderr.write(`${question}\n`);
  if (!process.stdin.isTTY) {
    process.stderr.write('No terminal to confirm on: declined (pass --yes to approve non-interactively).\n');
    return false;
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question('Deploy these changes? (y/N) ')).trim());
  } finally {
    rl.close();
  }
}

export async function runDeployCommand(
  args: readonly string[],
  io: CommandIo,
  overrides: Partial<DeployDependencies> = {},
): Promise<number> {
  let parsed: { values: { yes?: boolean; config?: string; json?: boolean }; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...args],
      options: {
        yes: { type: 'boolean', short: 'y', default: false },
        config: { type: 'string', short: 'c' },
        json: { type: 'boolean', default: false },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const [environment, ...extra] = parsed.positionals;
  if (!environment || extra.length > 0) throw new UsageError('expected exactly one environment');
  const deps: DeployDependencies = {
    createToolkit: (ioHost) => new Toolkit({ ioHost, color: false, emojis: false }),
    confirm: terminalConfirm,
    probes: networkProbes,
    gates: [checksGate],
    progress: (line) => io.err(`${line}\n`),
    ...overrides,
  };
  const report = await deployEnvironment(
    { environment, configPath: parsed.values.config ?? defaultConfigPath(), yes: parsed.values.yes ?? false },
    deps,
  );
  io.out(parsed.values.json ? `${JSON.stringify(report, null, 2)}\n` : renderDeployReport(report));
  return deployExitCode(report);
}

export const deployCommand: Command = {
  summary: 'Deploy one environment: gates, change-set preview + confirmation, rollback, health checks',
  usage: USAGE,
  run: (args, io) => runDeployCommand(args, io),
};
