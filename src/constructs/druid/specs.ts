import type { DatasourceSettings as DatasourceDefinition } from './settings';

/**
 * Generates, from typed datasource definitions, everything Druid needs to ingest and manage a table:
 * the Kafka (MSK IAM) or Kinesis supervisor spec, load/drop rules, the auto-compaction config and the
 * batch backfill from the data lake (MSQ REPLACE or native index_parallel) into the same table.
 * Pure functions: the stack applies the output, `fastish druid specs` prints it, tests assert on it.
 */

/** Where streams live. Values may be CDK tokens (the stack) or placeholders (the CLI). */
export interface StreamEndpoints {
  /** MSK Serverless IAM bootstrap servers (`host:9098`). */
  readonly kafkaBootstrapServers?: string;
  /** AWS region of the Kinesis streams. */
  readonly region: string;
  /** Physical Kinesis stream name per configured stream name. @default the configured name */
  readonly kinesisStreamNames?: Readonly<Record<string, string>>;
  /** Physical MSK topic per configured topic. @default the configured topic */
  readonly kafkaTopics?: Readonly<Record<string, string>>;
}

export interface DataLake {
  readonly bucketName: string;
}

/** MSK IAM port for SASL_SSL clients. */
export const MSK_IAM_PORT = 9098;

/** Kafka consumer properties for MSK with IAM access control (aws-msk-iam-auth, bundled with Druid's Kafka extension). */
export function mskIamConsumerProperties(bootstrapServers: string): Record<string, string> {
  return {
    'bootstrap.servers': bootstrapServers,
    'security.protocol': 'SASL_SSL',
    'sasl.mechanism': 'AWS_MSK_IAM',
    'sasl.jaas.config': 'software.amazon.msk.auth.iam.IAMLoginModule required;',
    'sasl.client.callback.handler.class': 'software.amazon.msk.auth.iam.IAMClientCallbackHandler',
  };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function dimensionSpec(ds: DatasourceDefinition): Json {
  if (ds.dimensions.length === 0) return { useSchemaDiscovery: true, dimensionExclusions: [] };
  return {
    dimensions: ds.dimensions.map((d) =>
      typeof d === 'string' ? { type: 'string', name: d } : { type: d.type, name: d.name },
    ),
  };
}

export function metricsSpec(ds: DatasourceDefinition): Json[] {
  return ds.metrics.map((m): Json => {
    switch (m.type) {
      case 'count':
        return { type: 'count', name: m.name };
      case 'HLLSketchBuild':
        return {
          type: 'HLLSketchBuild',
          name: m.name,
          fieldName: m.fieldName,
          lgK: m.lgK,
          tgtHllType: m.tgtHllType,
        };
      case 'thetaSketch':
        return { type: 'thetaSketch', name: m.name, fieldName: m.fieldName, size: m.size };
      default:
        return { type: m.type, name: m.name, fieldName: m.fieldName };
    }
  });
}

function inputFormat(ds: DatasourceDefinition): Json {
  if (ds.inputFormat === 'csv') {
    if (!ds.csvColumns || ds.csvColumns.length === 0) {
      throw new Error(`datasource ${ds.name}: inputFormat csv needs csvColumns`);
    }
    return { type: 'csv', columns: [...ds.csvColumns], findColumnsFromHeader: false };
  }
  return { type: 'json' };
}

function dataSchema(ds: DatasourceDefinition, intervals?: string[]): Json {
  return {
    dataSource: ds.name,
    timestampSpec: { column: ds.timestamp.column, format: ds.timestamp.format },
    dimensionsSpec: dimensionSpec(ds),
    metricsSpec: metricsSpec(ds),
    granularitySpec: {
      type: 'uniform',
      segmentGranularity: ds.segmentGranularity,
      queryGranularity: ds.queryGranularity,
      rollup: ds.rollup,
      ...(intervals ? { intervals } : {}),
    },
  };
}

/** Supervisor spec (POST /druid/indexer/v1/supervisor) for the datasource's Kafka or Kinesis source. */
export function supervisorSpec(ds: DatasourceDefinition, endpoints: StreamEndpoints): Json {
  const common = {
    inputFormat: inputFormat(ds),
    taskCount: ds.taskCount,
    replicas: ds.replicas,
    taskDuration: ds.taskDuration,
  };
  if (ds.source.type === 'kafka') {
    if (!endpoints.kafkaBootstrapServers) {
      throw new Error(`datasource ${ds.name}: reads Kafka topic ${ds.source.topic} but MSK is not enabled`);
    }
    return {
      type: 'kafka',
      spec: {
        dataSchema: dataSchema(ds),
        ioConfig: {
          type: 'kafka',
          topic: endpoints.kafkaTopics?.[ds.source.topic] ?? ds.source.topic,
          consumerProperties: mskIamConsumerProperties(endpoints.kafkaBootstrapServers),
          useEarliestOffset: true,
          ...common,
        },
        tuningConfig: { type: 'kafka' },
      },
    };
  }
  return {
    type: 'kinesis',
    spec: {
      dataSchema: dataSchema(ds),
      ioConfig: {
        type: 'kinesis',
        stream: endpoints.kinesisStreamNames?.[ds.source.stream] ?? ds.source.stream,
        endpoint: `kinesis.${endpoints.region}.amazonaws.com`,
        useEarliestSequenceNumber: true,
        ...common,
      },
      tuningConfig: { type: 'kinesis' },
    },
  };
}

/**
 * Load/drop rules (POST /druid/coordinator/v1/rules/<datasource>): the recent period loaded on the
 * configured tiers, older segments dropped from historicals only. Dropped segments stay in deep storage
 * (Fastish never enables the coordinator's kill of unused segments), so history can be reloaded.
 */
export function retentionRules(ds: DatasourceDefinition): Json[] {
  return [
    {
      type: 'loadByPeriod',
      period: ds.retention.loadPeriod,
      includeFuture: true,
      tieredReplicants: { ...ds.retention.replicants },
    },
    { type: 'dropForever' },
  ];
}

/** Auto-compaction config (POST /druid/coordinator/v1/config/compaction), or undefined when disabled. */
export function compactionConfig(ds: DatasourceDefinition): Json | undefined {
  if (!ds.compaction.enabled) return undefined;
  return {
    dataSource: ds.name,
    skipOffsetFromLatest: ds.compaction.skipOffsetFromLatest,
    tuningConfig: {
      partitionsSpec: { type: 'dynamic', maxRowsPerSegment: ds.compaction.maxRowsPerSegment },
    },
    ...(ds.compaction.segmentGranularity
      ? { granularitySpec: { segmentGranularity: ds.compaction.segmentGranularity } }
      : {}),
  };
}

const GRANULARITY_PERIOD: Record<string, string> = {
  SECOND: 'PT1S',
  MINUTE: 'PT1M',
  FIFTEEN_MINUTE: 'PT15M',
  THIRTY_MINUTE: 'PT30M',
  HOUR: 'PT1H',
  SIX_HOUR: 'PT6H',
  DAY: 'P1D',
  MONTH: 'P1M',
  YEAR: 'P1Y',
};

const q = (name: string) => `"${name.replaceAll('"', '""')}"`;
const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;

function timestampExpression(ds: DatasourceDefinition): string {
  const col = q(ds.timestamp.column);
  const parsed = {
    auto: `TIME_PARSE(${col})`,
    iso: `TIME_PARSE(${col})`,
    millis: `MILLIS_TO_TIMESTAMP(${col})`,
    posix: `MILLIS_TO_TIMESTAMP(${col} * 1000)`,
    micro: `MILLIS_TO_TIMESTAMP(${col} / 1000)`,
    nano: `MILLIS_TO_TIMESTAMP(${col} / 1000000)`,
  }[ds.timestamp.format];
  const grain = GRANULARITY_PERIOD[ds.queryGranularity];
  return grain ? `TIME_FLOOR(${parsed}, ${lit(grain)})` : parsed;
}

function externSignature(ds: DatasourceDefinition): Json[] {
  const columns = new Map<string, string>();
  const tsType = ['millis', 'posix', 'micro', 'nano'].includes(ds.timestamp.format) ? 'long' : 'string';
  columns.set(ds.timestamp.column, tsType);
  for (const d of ds.dimensions) {
    if (typeof d === 'string') columns.set(d, 'string');
    else columns.set(d.name, d.type === 'json' ? 'COMPLEX<json>' : d.type);
  }
  for (const m of ds.metrics) {
    if (m.type === 'count') continue;
    const t = m.type.startsWith('long') ? 'long' : m.type.startsWith('double') ? 'double' : 'string';
    if (!columns.has(m.fieldName)) columns.set(m.fieldName, t);
  }
  return [...columns].map(([name, type]) => ({ name, type }));
}

function metricSql(m: DatasourceDefinition['metrics'][number]): string {
  switch (m.type) {
    case 'count':
      return `COUNT(*) AS ${q(m.name)}`;
    case 'HLLSketchBuild':
      return `DS_HLL(${q(m.fieldName)}, ${m.lgK}, ${lit(m.tgtHllType)}) AS ${q(m.name)}`;
    case 'thetaSketch':
      return `DS_THETA(${q(m.fieldName)}, ${m.size}) AS ${q(m.name)}`;
    case 'longSum':
    case 'doubleSum':
      return `SUM(${q(m.fieldName)}) AS ${q(m.name)}`;
    case 'longMin':
    case 'doubleMin':
      return `MIN(${q(m.fieldName)}) AS ${q(m.name)}`;
    case 'longMax':
    case 'doubleMax':
      return `MAX(${q(m.fieldName)}) AS ${q(m.name)}`;
  }
}

function intervalBounds(interval: string): [string, string] {
  const [start, end] = interval.split('/') as [string, string];
  const ts = (s: string) => (s.includes('T') ? s.replace('T', ' ').replace(/Z$/, '') : `${s} 00:00:00`);
  return [ts(start), ts(end)];
}

/**
 * Batch backfill of the datasource's history from `s3://<data lake>/<prefix>`: either an MSQ
 * `REPLACE … OVERWRITE WHERE` over exactly the history interval (POST /druid/v2/sql/task) or a native
 * `index_parallel` task (POST /druid/indexer/v1/task). Rollup matches the streaming spec, so history and
 * stream rows land in one table with the same schema.
 */
export function batchIngestion(
  ds: DatasourceDefinition,
  lake: DataLake | undefined,
): { path: string; body: Json } | undefined {
  if (!ds.batch) return undefined;
  if (!lake) throw new Error(`datasource ${ds.name}: batch ingestion needs druid.dataLake.bucketName`);
  const prefix = `s3://${lake.bucketName}/${ds.batch.prefix.replace(/^\/+/, '')}`;
  if (ds.batch.mode === 'native') {
    return {
      path: '/druid/indexer/v1/task',
      body: {
        type: 'index_parallel',
        spec: {
          dataSchema: dataSchema(ds, [ds.batch.interval]),
          ioConfig: {
            type: 'index_parallel',
            inputSource: { type: 's3', prefixes: [prefix] },
            inputFormat: inputFormat(ds),
            appendToExisting: false,
          },
          tuningConfig: {
            type: 'index_parallel',
            partitionsSpec: { type: 'dynamic', maxRowsPerSegment: ds.compaction.maxRowsPerSegment },
            maxNumConcurrentSubTasks: 2,
          },
        },
      },
    };
  }
  const [start, end] = intervalBounds(ds.batch.interval);
  const dims = ds.dimensions.map((d) => q(typeof d === 'string' ? d : d.name));
  const select = [`${timestampExpression(ds)} AS "__time"`, ...dims, ...ds.metrics.map(metricSql)];
  const groupBy = ds.rollup ? `\nGROUP BY ${[1, ...dims.map((_, i) => i + 2)].join(', ')}` : '';
  const extern = [
    lit(JSON.stringify({ type: 's3', prefixes: [prefix] })),
    lit(JSON.stringify(inputFormat(ds))),
    lit(JSON.stringify(externSignature(ds))),
  ].join(',\n    ');
  const query = [
    `REPLACE INTO ${q(ds.name)}`,
    `OVERWRITE WHERE "__time" >= TIMESTAMP ${lit(start)} AND "__time" < TIMESTAMP ${lit(end)}`,
    `SELECT\n  ${select.join(',\n  ')}`,
    `FROM TABLE(\n  EXTERN(\n    ${extern}\n  )\n)`,
    `WHERE ${timestampExpression(ds)} >= TIMESTAMP ${lit(start)} AND ${timestampExpression(ds)} < TIMESTAMP ${lit(end)}${groupBy}`,
    `PARTITIONED BY ${ds.segmentGranularity}`,
  ].join('\n');
  return {
    path: '/druid/v2/sql/task',
    body: { query, context: { finalizeAggregations: false, maxNumTasks: 3 } },
  };
}

/** One API call the spec applier makes, in order. */
export interface DruidApiCall {
  /** File name in the applier's ConfigMap. */
  readonly file: string;
  readonly method: 'POST';
  readonly path: string;
  readonly body: Json;
  /**
   * A one-off task (batch backfill): posted by its own Job, named by a hash of the one-off calls only, so
   * a change to a supervisor spec, a rule or a compaction config never posts it again.
   */
  readonly once?: boolean;
}

/** Every call that makes the cluster match the datasource definitions, in a deterministic order. */
export function datasourceApiCalls(
  datasources: readonly DatasourceDefinition[],
  endpoints: StreamEndpoints,
  lake: DataLake | undefined,
): DruidApiCall[] {
  const names = new Set<string>();
  const calls: DruidApiCall[] = [];
  for (const ds of datasources) {
    if (names.has(ds.name)) throw new Error(`datasource ${ds.name} is defined twice`);
    names.add(ds.name);
    calls.push({
      file: `${ds.name}.rules.json`,
      method: 'POST',
      path: `/druid/coordinator/v1/rules/${ds.name}`,
      body: retentionRules(ds),
    });
    const compaction = compactionConfig(ds);
    if (compaction) {
      calls.push({
        file: `${ds.name}.compaction.json`,
        method: 'POST',
        path: '/druid/coordinator/v1/config/compaction',
        body: compaction,
      });
    }
    const batch = batchIngestion(ds, lake);
    if (batch)
      calls.push({
        file: `${ds.name}.batch.json`,
        method: 'POST',
        path: batch.path,
        body: batch.body,
        once: true,
      });
    calls.push({
      file: `${ds.name}.supervisor.json`,
      method: 'POST',
      path: '/druid/indexer/v1/supervisor',
      body: supervisorSpec(ds, endpoints),
    });
  }
  return calls;
}
