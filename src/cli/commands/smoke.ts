import { renderRows, rowsExitCode } from '../../release/check-rows';
import { defaultSmokeDependencies, runSmoke, type SmokeDependencies } from '../../release/smoke';
import {
  CONFIG_OPTIONS,
  type Command,
  type CommandIo,
  defaultConfigPath,
  parseOptions,
  progress,
} from '../command';
import { loadModel } from '../platform';
import { environmentOf } from './preflight';

const USAGE = `fastish smoke --env <name> [--in-vpc] [--smoke-secret <name>] [--config <file>] [--json]

The last step of a deploy: uses what the environment runs, as its users and operators do.
  web api     sign in as the smoke user (Cognito SRP, TOTP when the pool requires MFA), create an item,
              read it back, delete it, see it gone: authorizer, tenant credentials, DynamoDB, all routes'
              plumbing. The smoke user is an ordinary member of a smoke tenant, set up once per
              environment (docs/operations.md, "Smoke test"); its secret is <org>-<env>-webapp-smoke-user.
  eks         every node Ready, and a pod only Karpenter's nodes may take runs (then is deleted), through
              the Kubernetes API with a token from a presigned STS call (as aws eks get-token)
  druid       ingest a few rows (native batch, inline) and query them back with SQL through the router
The EKS API (unless eks.publicEndpointCidrs) and the Druid router are reachable only from the VPC: they
are reported as not checked from here, unless --in-vpc says this machine is inside it.
Endpoints come from the values the stacks publish in SSM (/fastish/<env>/...). Exit 1 on any failure.

  -e, --env <name>          the environment (required)
      --in-vpc              this machine can reach the VPC's private endpoints
      --smoke-secret <name> Secrets Manager secret of the smoke user (default <org>-<env>-webapp-smoke-user)
  -c, --config <file>       config file (default: $FASTISH_CONFIG or fastish.yaml)
      --json                the rows as JSON on stdout`;

export async function runSmokeCommand(
  args: readonly string[],
  io: CommandIo,
  overrides: Partial<SmokeDependencies> = {},
): Promise<number> {
  const { values } = parseOptions(args, {
    ...CONFIG_OPTIONS,
    env: { type: 'string', short: 'e' },
    'in-vpc': { type: 'boolean', default: false },
    'smoke-secret': { type: 'string' },
  });
  const path = values.config ?? defaultConfigPath();
  const env = environmentOf(loadModel(path), values.env, path);
  const secret = values['smoke-secret'];
  const report = await runSmoke(
    env,
    { inVpc: values['in-vpc'] ?? false, ...(secret ? { smokeSecret: secret } : {}) },
    { ...defaultSmokeDependencies(progress(io)), ...overrides },
  );
  io.out(
    values.json
      ? `${JSON.stringify(report, null, 2)}\n`
      : renderRows(`Smoke ${env.name} (${env.account}/${env.region}), run ${report.runId}`, report.rows),
  );
  return rowsExitCode(report.rows);
}

export const smokeCommand: Command = {
  summary: 'After a deploy: the web API (sign in, create, read, delete), EKS nodes and Karpenter, Druid',
  usage: USAGE,
  run: (args, io) => runSmokeCommand(args, io),
};
