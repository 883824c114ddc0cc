import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EvaluatorMissingError, readRehearsalAssembly, rehearseAssembly } from '../../rehearse';
import {
  CONFIG_OPTIONS,
  type Command,
  defaultConfigPath,
  parseOptions,
  progress,
  UsageError,
} from '../command';
import { buildFromModel, loadModel } from '../platform';
import { renderRehearsal } from '../rehearsal-report';

const USAGE = `fastish rehearse [--env <name>] [--config <file> | --app <cdk.out>] [--json] [--verbose]
                 [--resource-schemas <dir>]

Replays, offline, the AWS calls of a first deploy into accounts that never ran \`cdk bootstrap\`, and
authorizes each by evaluating the synthesized IAM policies (identity, trust, resource policies,
permissions boundaries, session tags) with an IAM policy evaluator:
  1. the operator deploys the bootstrap and teams stacks with their own credentials;
  2. fastish deploy: lookup, asset publishing, change sets, the execution role creating every resource;
  3. the release pipeline: source connection, CodeBuild, self-mutation, cross-account stages;
  4. run time: functions and pods through their roles.
Exit 1 on any denied call or blocker.

The evaluator is @cloud-copilot/iam-simulate (AGPL-3.0), which Fastish does not ship: install it in
your project to use this command (npm install --save-dev @cloud-copilot/iam-simulate).

  -e, --env <name>             only this environment's accounts (default: every environment)
  -c, --config <file>          config file to synthesize (default: $FASTISH_CONFIG or fastish.yaml)
      --app <dir>              rehearse an existing cloud assembly instead of synthesizing
      --resource-schemas <dir> CloudFormation registry schemas (CloudformationSchema.zip, extracted):
                               the execution role is checked against each type's handler permissions
                               (default: $FASTISH_RESOURCE_SCHEMAS, else each type's create action)
      --json                   the full report on stdout
      --verbose                list every call, not only denied ones`;

export const rehearseCommand: Command = {
  summary: 'Replay a first deploy offline, authorizing every AWS call against the synthesized IAM policies',
  usage: USAGE,
  async run(args, io) {
    const { values } = parseOptions(args, {
      ...CONFIG_OPTIONS,
      env: { type: 'string', short: 'e' },
      app: { type: 'string' },
      'resource-schemas': { type: 'string' },
      verbose: { type: 'boolean', default: false },
    });
    if (values.app && values.config) throw new UsageError('--app and --config are exclusive');
    const step = progress(io);
    let dir = values.app ? resolve(values.app) : undefined;
    let temp: string | undefined;
    try {
      if (!dir) {
        const path = values.config ?? defaultConfigPath();
        step(`validating ${path}`);
        const model = loadModel(path);
        if (values.env && !model.environments.some((e) => e.name === values.env)) {
          throw new UsageError(
            `${path}: no environment "${values.env}" (environments: ${model.environments.map((e) => e.name).join(', ')})`,
          );
        }
        temp = mkdtempSync(join(tmpdir(), 'fastish-rehearse-'));
        step('synthesizing');
        buildFromModel(model, { outdir: temp }).app.synth();
        dir = temp;
      }
      const stacks = readRehearsalAssembly(dir);
      step(`rehearsing ${stacks.length} stacks`);
      const schemas = values['resource-schemas'] ?? process.env.FASTISH_RESOURCE_SCHEMAS;
      const report = await rehearseAssembly(stacks, {
        ...(schemas ? { resourceSchemas: schemas } : {}),
        ...(values.env ? { environments: [values.env] } : {}),
      });
      const blockers = report.phases.flatMap((p) => p.findings.filter((f) => f.blocking)).length;
      io.out(
        values.json ? `${JSON.stringify(report, undefined, 2)}\n` : renderRehearsal(report, values.verbose),
      );
      return report.denied > 0 || blockers > 0 ? 1 : 0;
    } catch (err) {
      if (err instanceof EvaluatorMissingError) {
        io.err(`fastish rehearse: ${err.message}\n`);
        return 2;
      }
      throw err;
    } finally {
      if (temp) rmSync(temp, { recursive: true, force: true });
    }
  },
};
