import { describe, expect, it } from 'vitest';
import { datasourceSchema } from '../../src/config/architectures/druid';
import {
  type DruidProperties,
  parseRuntimeProperties,
  renderRuntimeProperties,
  validateDruidProperties,
} from '../../src/constructs/druid/runtime-properties';
import { checkContainerSizing, requiredDirectMemoryMiB } from '../../src/constructs/druid/sizing';
import {
  batchIngestion,
  compactionConfig,
  datasourceApiCalls,
  retentionRules,
  supervisorSpec,
} from '../../src/constructs/druid/specs';
import { DATASOURCES } from './fixture';

const [clicks, orders] = DATASOURCES.map((d) => datasourceSchema.parse(d));
if (!clicks || !orders) throw new Error('fixture');
const endpoints = {
  kafkaBootstrapServers: 'boot-abc.c1.kafka-serverless.eu-west-1.amazonaws.com:9098',
  region: 'eu-west-1',
  kinesisStreamNames: { orders: 'acme-dev-druid-orders' },
};
// biome-ignore lint/suspicious/noExplicitAny: tests read untyped JSON and manifests
type Any = Record<string, any>;

describe('Kafka supervisor spec (MSK IAM)', () => {
  const spec = supervisorSpec(clicks, endpoints) as Any;
  it('uses SASL_SSL with the AWS_MSK_IAM mechanism, login module and callback handler on port 9098', () => {
    expect(spec.type).toBe('kafka');
    expect(spec.spec.ioConfig.consumerProperties).toEqual({
      'bootstrap.servers': 'boot-abc.c1.kafka-serverless.eu-west-1.amazonaws.com:9098',
      'security.protocol': 'SASL_SSL',
      'sasl.mechanism': 'AWS_MSK_IAM',
      'sasl.jaas.config': 'software.amazon.msk.auth.iam.IAMLoginModule required;',
      'sasl.client.callback.handler.class': 'software.amazon.msk.auth.iam.IAMClientCallbackHandler',
    });
    expect(spec.spec.ioConfig.topic).toBe('clicks');
    expect(spec.spec.ioConfig.useEarliestOffset).toBe(true);
    expect(spec.spec.tuningConfig).toEqual({ type: 'kafka' });
  });
  it('has the typed schema: timestamp, dimensions, HLL and theta rollups, granularity', () => {
    const ds = spec.spec.dataSchema;
    expect(ds.dataSource).toBe('clickstream');
    expect(ds.timestampSpec).toEqual({ column: 'ts', format: 'iso' });
    expect(ds.dimensionsSpec.dimensions).toEqual([
      { type: 'string', name: 'page' },
      { type: 'string', name: 'country' },
      { type: 'long', name: 'latency_ms' },
    ]);
    expect(ds.metricsSpec).toEqual([
      { type: 'count', name: 'events' },
      { type: 'longSum', name: 'bytes', fieldName: 'bytes' },
      { type: 'HLLSketchBuild', name: 'unique_users', fieldName: 'user_id', lgK: 14, tgtHllType: 'HLL_4' },
      { type: 'thetaSketch', name: 'user_set', fieldName: 'user_id', size: 16384 },
    ]);
    expect(ds.granularitySpec).toEqual({
      type: 'uniform',
      segmentGranularity: 'HOUR',
      queryGranularity: 'MINUTE',
      rollup: true,
    });
  });
  it('refuses a Kafka datasource when MSK is off', () => {
    expect(() => supervisorSpec(clicks, { region: 'eu-west-1' })).toThrow(/MSK is not enabled/);
  });
});

describe('Kinesis supervisor spec', () => {
  const spec = supervisorSpec(orders, endpoints) as Any;
  it('reads the physical stream through the regional endpoint', () => {
    expect(spec.type).toBe('kinesis');
    expect(spec.spec.ioConfig).toMatchObject({
      type: 'kinesis',
      stream: 'acme-dev-druid-orders',
      endpoint: 'kinesis.eu-west-1.amazonaws.com',
      useEarliestSequenceNumber: true,
      inputFormat: { type: 'json' },
    });
    expect(spec.spec.ioConfig.consumerProperties).toBeUndefined();
    expect(spec.spec.dataSchema.timestampSpec).toEqual({ column: 'created_at', format: 'millis' });
  });
});

describe('rules and compaction', () => {
  it('loads the recent period on the configured tiers and drops older data from historicals', () => {
    expect(retentionRules(clicks)).toEqual([
      { type: 'loadByPeriod', period: 'P30D', includeFuture: true, tieredReplicants: { _default_tier: 2 } },
      { type: 'dropForever' },
    ]);
  });
  it('generates auto-compaction with the skip offset and target granularity, none when disabled', () => {
    expect(compactionConfig(clicks)).toEqual({
      dataSource: 'clickstream',
      skipOffsetFromLatest: 'PT3H',
      tuningConfig: { partitionsSpec: { type: 'dynamic', maxRowsPerSegment: 5_000_000 } },
      granularitySpec: { segmentGranularity: 'DAY' },
    });
    expect(compactionConfig(orders)).toBeUndefined();
  });
});

describe('batch ingestion from the data lake', () => {
  it('MSQ: REPLACE exactly the history interval with the same rollup as the stream', () => {
    const batch = batchIngestion(clicks, { bucketName: 'acme-data-lake' }) as Any;
    expect(batch.path).toBe('/druid/v2/sql/task');
    const q: string = batch.body.query;
    expect(q).toMatch(
      /^REPLACE INTO "clickstream"\nOVERWRITE WHERE "__time" >= TIMESTAMP '2024-01-01 00:00:00' AND "__time" < TIMESTAMP '2025-01-01 00:00:00'/,
    );
    expect(q).toContain(`TIME_FLOOR(TIME_PARSE("ts"), 'PT1M') AS "__time"`);
    expect(q).toContain(`DS_HLL("user_id", 14, 'HLL_4') AS "unique_users"`);
    expect(q).toContain(`DS_THETA("user_id", 16384) AS "user_set"`);
    expect(q).toContain('COUNT(*) AS "events"');
    expect(q).toContain('"prefixes":["s3://acme-data-lake/clickstream/"]');
    expect(q).toContain('GROUP BY 1, 2, 3, 4');
    expect(q).toMatch(/PARTITIONED BY HOUR$/);
    expect(batch.body.context.finalizeAggregations).toBe(false);
  });
  it('native: index_parallel over the prefix with the interval and no append', () => {
    const batch = batchIngestion(orders, { bucketName: 'acme-data-lake' }) as Any;
    expect(batch.path).toBe('/druid/indexer/v1/task');
    expect(batch.body.type).toBe('index_parallel');
    expect(batch.body.spec.ioConfig).toMatchObject({
      inputSource: { type: 's3', prefixes: ['s3://acme-data-lake/orders/'] },
      appendToExisting: false,
    });
    expect(batch.body.spec.dataSchema.granularitySpec.intervals).toEqual(['2023-01-01/2025-01-01']);
    expect(batch.body.spec.dataSchema.dataSource).toBe('orders');
  });
  it('needs a data lake bucket', () => {
    expect(() => batchIngestion(clicks, undefined)).toThrow(/dataLake.bucketName/);
  });
  it('orders calls: rules, compaction, batch, then the supervisor; rejects duplicates', () => {
    const calls = datasourceApiCalls([clicks, orders], endpoints, { bucketName: 'acme-data-lake' });
    expect(calls.map((c) => c.path)).toEqual([
      '/druid/coordinator/v1/rules/clickstream',
      '/druid/coordinator/v1/config/compaction',
      '/druid/v2/sql/task',
      '/druid/indexer/v1/supervisor',
      '/druid/coordinator/v1/rules/orders',
      '/druid/indexer/v1/task',
      '/druid/indexer/v1/supervisor',
    ]);
    expect(() => datasourceApiCalls([clicks, clicks], endpoints, { bucketName: 'l' })).toThrow(
      /defined twice/,
    );
  });
});

describe('typed runtime properties', () => {
  it('rejects misspelled keys and wrong value types at compile time', () => {
    // @ts-expect-error misspelled key
    const misspelled: DruidProperties = { 'druid.zk.service.enable': false };
    // @ts-expect-error booleans are not strings
    const wrongType: DruidProperties = { 'druid.zk.service.enabled': 'false' };
    expect(() => validateDruidProperties(misspelled, 'here')).toThrow(
      /unknown Druid property "druid.zk.service.enable"/,
    );
    expect(() => validateDruidProperties(wrongType, 'here')).toThrow(/druid.zk.service.enabled/);
  });
  it('rejects wrong values computed at synth, naming the construct', () => {
    expect(() =>
      validateDruidProperties({ 'druid.processing.numThreads': 0 }, 'dev/druid/Kubernetes'),
    ).toThrow(/^dev\/druid\/Kubernetes: invalid Druid runtime properties: druid.processing.numThreads/);
    expect(() =>
      validateDruidProperties({ 'druid.metadata.storage.connector.password': 'plaintext' }, 'x'),
    ).toThrow(/druid.metadata.storage.connector.password/);
  });
  it('renders sorted properties with JSON lists and environment password providers', () => {
    const text = renderRuntimeProperties(
      {
        'druid.zk.service.enabled': false,
        'druid.extensions.loadList': ['druid-s3-extensions', 'druid-kubernetes-extensions'],
        'druid.processing.buffer.sizeBytes': 524_288_000,
        'druid.escalator.internalClientPassword': {
          type: 'environment',
          variable: 'DRUID_INTERNAL_PASSWORD',
        },
      },
      'x',
    );
    expect(text).toBe(
      [
        'druid.escalator.internalClientPassword={"type":"environment","variable":"DRUID_INTERNAL_PASSWORD"}',
        'druid.extensions.loadList=["druid-s3-extensions","druid-kubernetes-extensions"]',
        'druid.processing.buffer.sizeBytes=524288000',
        'druid.zk.service.enabled=false',
        '',
      ].join('\n'),
    );
    expect(parseRuntimeProperties(text)['druid.zk.service.enabled']).toBe('false');
  });
});

describe('sizing rule FST-DRUID1', () => {
  const broker = { numThreads: 3, numMergeBuffers: 4, bufferSizeMiB: 500 };
  it('computes Druid’s direct memory requirement', () => {
    expect(requiredDirectMemoryMiB(broker)).toBe(4000);
  });
  it('passes a fitting container and reports the headroom', () => {
    const r = checkContainerSizing('p', {
      memoryLimitMiB: 16_384,
      jvms: [{ role: 'broker', heapMiB: 8192, directMemoryMiB: 4096, overheadMiB: 512, processing: broker }],
    });
    expect(r).toEqual({ requiredMiB: 12_800, limitMiB: 16_384, headroomMiB: 3_584 });
  });
  it('fails when direct memory is below (threads + merge buffers + 1) x buffer', () => {
    expect(() =>
      checkContainerSizing('dev/druid/Kubernetes/Druid/broker', {
        memoryLimitMiB: 32_768,
        jvms: [
          { role: 'broker', heapMiB: 8192, directMemoryMiB: 2048, overheadMiB: 512, processing: broker },
        ],
      }),
    ).toThrow(
      /^dev\/druid\/Kubernetes\/Druid\/broker: \[FST-DRUID1\].*direct memory 2048 MiB < .* = 4000 MiB/,
    );
  });
  it('fails when heap + direct + overhead of all JVMs exceed the limit (peons count)', () => {
    expect(() =>
      checkContainerSizing('mm', {
        memoryLimitMiB: 8192,
        jvms: [
          { role: 'middlemanager', heapMiB: 256, directMemoryMiB: 128, overheadMiB: 512 },
          { role: 'peon', heapMiB: 1024, directMemoryMiB: 1024, overheadMiB: 512, count: 4 },
        ],
      }),
    ).toThrow(/JVMs need 11136 MiB .* container limit is 8192 MiB/);
  });
});
