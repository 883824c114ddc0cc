import { ConfigError } from '../../config';
import { CONFIG_OPTIONS, type Command, defaultConfigPath, parseOptions } from '../command';
import { loadModel } from '../platform';
import { renderTable } from '../table';

const USAGE = `fastish validate [--config <file>] [--json]

Validates the config file and prints the resolved environments. Every problem is listed at once
(path, value, what is accepted); exit 2 on any.

  -c, --config <file>  config file (default: $FASTISH_CONFIG or fastish.yaml)
      --json           machine-readable result on stdout`;

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

export const validateCommand: Command = {
  summary: 'Validate the config file and show the resolved environments',
  usage: USAGE,
  async run(args, io) {
    const { values } = parseOptions(args, CONFIG_OPTIONS);
    const path = values.config ?? defaultConfigPath();
    let model: ReturnType<typeof loadModel>;
    try {
      model = loadModel(path);
    } catch (err) {
      if (!(err instanceof ConfigError) || !values.json) throw err;
      io.out(`${JSON.stringify({ valid: false, source: err.source, issues: err.issues }, undefined, 2)}\n`);
      return 2;
    }
    const environments = model.environments.map((e) => ({
      name: e.name,
      account: e.account,
      region: e.region,
      availabilityZones: e.availabilityZones,
      approval: e.approval,
      qualifier: e.qualifier,
      stacks: [e.naming.stackName('bootstrap'), ...e.architectures.map((a) => e.naming.stackName(a))],
    }));
    if (values.json) {
      io.out(
        `${JSON.stringify({ valid: true, source: path, organization: model.organization.name, teams: model.teams.map((t) => t.name), environments }, undefined, 2)}\n`,
      );
      return 0;
    }
    io.out(
      `${path}: valid (${plural(model.teams.length, 'team')}, ${plural(environments.length, 'environment')})\n\n`,
    );
    io.out(
      `${renderTable(
        ['environment', 'account', 'region', 'approval', 'qualifier', 'stacks'],
        environments.map((e) => [e.name, e.account, e.region, e.approval, e.qualifier, e.stacks.join(', ')]),
      )}\n`,
    );
    return 0;
  },
};
