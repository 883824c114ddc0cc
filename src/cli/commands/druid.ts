import { loadConfig } from '../../config';
import { datasourceApiCalls } from '../../constructs/druid/specs';
import { CONFIG_OPTIONS, type Command, defaultConfigPath, parseOptions, UsageError } from '../command';

const USAGE = `fastish druid specs [--config <file>] [--env <name>] [--json]

Prints, offline, every Druid API call the druid stack's spec applier makes for an environment's
datasources: retention rules, compaction configs, batch backfills (MSQ or native) and supervisor specs
(Kafka with MSK IAM, Kinesis). Deploy-time values (the MSK bootstrap servers) are shown as placeholders.

  -c, --config <file>  config file (default: $FASTISH_CONFIG or fastish.yaml)
  -e, --env <name>     environment (default: the first one enabling druid)
      --json           one JSON array of {method, path, file, body}`;

/** `fastish druid specs`: the generated Druid specs, exactly as the stack applies them. */
export const druidCommand: Command = {
  summary: 'Print the Druid supervisor specs, rules, compaction and batch tasks of an environment',
  usage: USAGE,
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub !== 'specs')
      throw new UsageError(sub ? `unknown druid command "${sub}"` : 'missing druid command');
    const { values } = parseOptions(rest, { ...CONFIG_OPTIONS, env: { type: 'string', short: 'e' } });
    const path = values.config ?? defaultConfigPath();
    const model = loadConfig(path);
    const env = values.env
      ? model.environments.find((e) => e.name === values.env)
      : model.environments.find((e) => e.architectures.includes('druid'));
    if (!env)
      throw new UsageError(
        values.env
          ? `${path}: no environment "${values.env}" (environments: ${model.environments.map((e) => e.name).join(', ')})`
          : `${path}: no environment enables druid`,
      );
    const s = env.settings.druid;
    const streamNames = Object.fromEntries(
      s.datasources.flatMap((d) =>
        d.source.type === 'kinesis'
          ? [[d.source.stream, env.naming.name('kinesisStream', 'druid', d.source.stream)]]
          : [],
      ),
    );
    const calls = datasourceApiCalls(
      s.datasources,
      {
        kafkaBootstrapServers: s.ingestion === 'kinesis' ? undefined : '<MSK_IAM_BOOTSTRAP_SERVERS>',
        region: env.region,
        kinesisStreamNames: streamNames,
      },
      s.dataLake.bucketName ? { bucketName: s.dataLake.bucketName } : undefined,
    );
    if (values.json) {
      io.out(`${JSON.stringify(calls, undefined, 2)}\n`);
      return 0;
    }
    if (calls.length === 0) {
      io.out(`${env.name}: no druid.datasources configured\n`);
      return 0;
    }
    for (const c of calls)
      io.out(`# ${c.method} ${c.path}  (${c.file})\n${JSON.stringify(c.body, undefined, 2)}\n\n`);
    return 0;
  },
};
