import { readFileSync } from 'node:fs';
import { App, Stage } from 'aws-cdk-lib';
import { parse } from 'yaml';
import { FEATURE_FLAGS } from '../../src/app/feature-flags';
import { validateConfig } from '../../src/config';
import { DruidStack, hostFromEksStack } from '../../src/stacks/druid/druid-stack';
import { EksStack } from '../../src/stacks/eks/eks-stack';

/** Datasources used by the Druid tests: Kafka with HLL/theta rollups + MSQ batch, Kinesis + native batch. */
export const DATASOURCES = [
  {
    name: 'clickstream',
    source: { type: 'kafka', topic: 'clicks' },
    timestamp: { column: 'ts', format: 'iso' },
    dimensions: ['page', 'country', { name: 'latency_ms', type: 'long' }],
    metrics: [
      { type: 'count', name: 'events' },
      { type: 'longSum', name: 'bytes', fieldName: 'bytes' },
      { type: 'HLLSketchBuild', name: 'unique_users', fieldName: 'user_id', lgK: 14 },
      { type: 'thetaSketch', name: 'user_set', fieldName: 'user_id' },
    ],
    segmentGranularity: 'HOUR',
    queryGranularity: 'MINUTE',
    retention: { loadPeriod: 'P30D', replicants: { _default_tier: 2 } },
    compaction: { skipOffsetFromLatest: 'PT3H', segmentGranularity: 'DAY' },
    batch: { prefix: 'clickstream/', mode: 'msq', interval: '2024-01-01/2025-01-01' },
  },
  {
    name: 'orders',
    source: { type: 'kinesis', stream: 'orders', shards: 2 },
    timestamp: { column: 'created_at', format: 'millis' },
    dimensions: ['status', 'region'],
    metrics: [
      { type: 'count', name: 'count' },
      { type: 'doubleSum', name: 'revenue', fieldName: 'amount' },
    ],
    compaction: { enabled: false },
    batch: { prefix: 'orders/', mode: 'native', interval: '2023-01-01/2025-01-01' },
  },
];

export function loadExample(mutate: (config: Record<string, unknown>) => void = () => {}) {
  const raw = parse(readFileSync(`${__dirname}/../../examples/fastish.yaml`, 'utf8')) as Record<
    string,
    unknown
  >;
  const defaults = (raw.defaults ?? {}) as Record<string, Record<string, unknown>>;
  defaults.druid = {
    ...(defaults.druid ?? {}),
    ingestion: 'both',
    dataLake: { bucketName: 'acme-data-lake' },
    datasources: DATASOURCES,
  };
  raw.defaults = defaults;
  // Only what Druid needs: one environment with eks + druid keeps the test synth fast.
  const envs = raw.environments as Record<string, Record<string, unknown>>;
  raw.environments = { dev: { ...envs.dev, architectures: ['eks', 'druid'] } };
  if (raw.release) (raw.release as Record<string, unknown>).pipelineEnvironment = 'dev';
  mutate(raw);
  return validateConfig(raw, 'test');
}

/** Builds dev's eks + druid stacks (the app's factories do the same) and synthesizes them. */
export function synthDruid(mutate?: (config: Record<string, unknown>) => void) {
  const model = loadExample(mutate);
  const env = model.environments.find((e) => e.name === 'dev');
  if (!env) throw new Error('no dev environment');
  const app = new App({ context: { ...FEATURE_FLAGS }, analyticsReporting: false });
  const stage = new Stage(app, env.name, { env: { account: env.account, region: env.region } });
  const eksStack = new EksStack(stage, 'eks', { platform: model, environment: env });
  const stack = new DruidStack(stage, 'druid', {
    platform: model,
    environment: env,
    host: hostFromEksStack(eksStack),
  });
  const assembly = app.synth();
  return { app, stack, eksStack, assembly, model };
}
