import { z } from 'zod';
import { LIMITS } from '../limits';
import { cidr, dnsName } from '../primitives';

/**
 * Settings of Apache Druid on EKS (`druid`). Every field has a default: an empty `druid: {}` deploys a
 * small, production-shaped cluster. Datasources are typed here and turned into supervisor specs,
 * load/drop rules and compaction configs by `src/constructs/druid/specs.ts`.
 */

const k8sName = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, {
  message: 'is not a Kubernetes name (lowercase DNS label)',
});

const isoPeriod = z.string().regex(/^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/, {
  message: 'is not an ISO-8601 period (e.g. PT1H, P1D, P90D)',
});

const MAX_MIB = LIMITS.instanceMemoryGiB * 1024;
/** A count bounded by the vCPUs of the largest EC2 instance (threads and buffers beyond it never run). */
const perVcpu = z
  .number()
  .int()
  .max(LIMITS.instanceVcpus, {
    message: `must be at most ${LIMITS.instanceVcpus} (the most vCPUs of any EC2 instance)`,
  });
/** Druid reads these as a Java int. */
const int32 = z
  .number()
  .int()
  .max(LIMITS.int32, { message: `must be at most ${LIMITS.int32} (a Java int)` });

const mib = (what: string, dflt: number) =>
  z
    .number()
    .int()
    .min(64)
    .max(MAX_MIB, { message: `must be at most ${MAX_MIB} MiB (the largest EC2 instance's memory)` })
    .default(dflt)
    .meta({ description: `${what} in MiB` });

/** Processing pool of a query-serving process; Druid needs direct memory for all of it. */
const processing = (d: { numThreads: number; numMergeBuffers: number; bufferSizeMiB: number }) =>
  z
    .strictObject({
      numThreads: perVcpu
        .min(1)
        .default(d.numThreads)
        .meta({ description: '`druid.processing.numThreads`: query processing threads' }),
      numMergeBuffers: perVcpu
        .min(0)
        .default(d.numMergeBuffers)
        .meta({ description: '`druid.processing.numMergeBuffers`: buffers for groupBy merging' }),
      bufferSizeMiB: z
        .number()
        .int()
        .min(1)
        .max(2047)
        .default(d.bufferSizeMiB)
        .meta({ description: '`druid.processing.buffer.sizeBytes` in MiB (below 2 GiB)' }),
    })
    .prefault({});

interface NodeDefaults {
  replicas: number;
  cpu: number;
  memoryMiB: number;
  heapMiB: number;
  directMemoryMiB: number;
}

const nodeFields = (d: NodeDefaults) => ({
  replicas: z.number().int().min(1).max(100).default(d.replicas).meta({ description: 'Pods of this kind' }),
  cpu: z.number().min(0.25).max(192).default(d.cpu).meta({ description: 'vCPU request and limit per pod' }),
  memoryMiB: mib('Container memory limit (and request)', d.memoryMiB),
  heapMiB: mib('JVM heap (-Xms/-Xmx)', d.heapMiB),
  directMemoryMiB: mib('JVM direct memory (-XX:MaxDirectMemorySize)', d.directMemoryMiB),
  jvmOverheadMiB: mib('Non-heap JVM overhead per JVM (metaspace, threads, GC, code cache)', 512),
});

const historicalTier = z.strictObject({
  name: z
    .string()
    .regex(/^[_a-z0-9-]{1,40}$/)
    .meta({ description: 'Druid tier name (`druid.server.tier`); `_default_tier` is the default tier' }),
  ...nodeFields({ replicas: 2, cpu: 7, memoryMiB: 28_672, heapMiB: 8_192, directMemoryMiB: 6_144 }),
  processing: processing({ numThreads: 6, numMergeBuffers: 2, bufferSizeMiB: 500 }),
  segmentCacheGiB: z
    .number()
    .int()
    .min(10)
    .max(LIMITS.instanceNvmeGiB, {
      message: `must be at most ${LIMITS.instanceNvmeGiB} GiB (the most local NVMe of any EC2 instance)`,
    })
    .default(300)
    .meta({
      description: 'Segment cache per historical on local NVMe (`druid.segmentCache.locations` maxSize)',
    }),
  instanceFamilies: z
    .array(z.string().regex(/^[a-z][a-z0-9-]*$/))
    .min(1)
    .max(50)
    .default(['i4i', 'i4g', 'r6gd', 'r6id', 'm6gd'])
    .meta({ description: 'EC2 families (all with local NVMe instance store) Karpenter may launch' }),
});

const dimension = z.union([
  z.string().min(1),
  z.strictObject({
    name: z.string().min(1),
    type: z.enum(['string', 'long', 'float', 'double', 'json']).default('string'),
  }),
]);

const metric = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('count'), name: z.string().min(1) }),
  z.strictObject({
    type: z.enum(['longSum', 'doubleSum', 'longMin', 'longMax', 'doubleMin', 'doubleMax']),
    name: z.string().min(1),
    fieldName: z.string().min(1),
  }),
  z.strictObject({
    type: z.literal('HLLSketchBuild'),
    name: z.string().min(1),
    fieldName: z.string().min(1),
    lgK: z.number().int().min(4).max(21).default(12).meta({ description: 'log2 of HLL sketch buckets' }),
    tgtHllType: z.enum(['HLL_4', 'HLL_6', 'HLL_8']).default('HLL_4'),
  }),
  z.strictObject({
    type: z.literal('thetaSketch'),
    name: z.string().min(1),
    fieldName: z.string().min(1),
    size: z
      .number()
      .int()
      .min(16)
      .max(67_108_864, { message: 'must be at most 67108864 (2^26, the largest theta sketch)' })
      .default(16_384)
      .refine((n) => (n & (n - 1)) === 0, { message: 'must be a power of 2' })
      .meta({ description: 'Theta sketch nominal entries (power of 2)' }),
  }),
]);

const GRANULARITIES = [
  'MINUTE',
  'FIFTEEN_MINUTE',
  'THIRTY_MINUTE',
  'HOUR',
  'SIX_HOUR',
  'DAY',
  'MONTH',
  'YEAR',
] as const;

export const datasourceSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_-]{0,62}$/, {
      message: 'is not a datasource name (letters, digits, _ and -)',
    })
    .meta({ description: 'Druid datasource (table) name' }),
  source: z
    .discriminatedUnion('type', [
      z.strictObject({
        type: z.literal('kafka'),
        topic: z
          .string()
          .regex(/^[A-Za-z0-9._-]{1,249}$/)
          .meta({
            description: 'MSK topic (created by the stack: MSK Serverless never auto-creates topics)',
          }),
        partitions: z
          .number()
          .int()
          .min(1)
          .max(2400)
          .default(3)
          .meta({ description: 'Partitions of the topic when the stack creates it (at least taskCount)' }),
      }),
      z.strictObject({
        type: z.literal('kinesis'),
        stream: z
          .string()
          .regex(/^[A-Za-z0-9_.-]{1,128}$/)
          .meta({ description: 'Kinesis stream name (created by the stack)' }),
        shards: z.number().int().min(1).max(500).default(1).meta({ description: 'Provisioned shards' }),
      }),
    ])
    .meta({ description: 'Streaming source of the datasource' }),
  inputFormat: z
    .enum(['json', 'csv'])
    .default('json')
    .meta({ description: 'Format of stream and batch rows' }),
  csvColumns: z
    .array(z.string())
    .max(1000)
    .optional()
    .meta({ description: 'Column names of CSV input (required when inputFormat is csv)' }),
  timestamp: z
    .strictObject({
      column: z.string().min(1).default('timestamp').meta({ description: 'Timestamp column' }),
      format: z
        .enum(['auto', 'iso', 'posix', 'millis', 'micro', 'nano'])
        .default('auto')
        .meta({ description: 'Druid timestampSpec format' }),
    })
    .prefault({}),
  dimensions: z
    .array(dimension)
    .max(1000)
    .default([])
    .meta({ description: 'Dimensions (empty = schema discovery)' }),
  metrics: z
    .array(metric)
    .max(100)
    .default([{ type: 'count', name: 'count' }])
    .meta({
      description:
        'Rollup metrics: count, sums/min/max, HLLSketchBuild (distinct counts), thetaSketch (set ops)',
    }),
  rollup: z.boolean().default(true).meta({ description: 'Roll up rows to queryGranularity at ingestion' }),
  segmentGranularity: z.enum(GRANULARITIES).default('HOUR').meta({ description: 'Time chunk per segment' }),
  queryGranularity: z
    .enum(['NONE', 'SECOND', ...GRANULARITIES])
    .default('MINUTE')
    .meta({ description: 'Timestamp truncation (rollup grain)' }),
  taskCount: z
    .number()
    .int()
    .min(1)
    .max(2400, {
      message: 'must be at most 2400 (MSK Serverless partitions per cluster; extra tasks read nothing)',
    })
    .default(1)
    .meta({ description: 'Reading tasks per replica set' }),
  replicas: z
    .number()
    .int()
    .min(1)
    .max(100, { message: 'must be at most 100 (each replica set runs on its own MiddleManager)' })
    .default(1)
    .meta({ description: 'Replica sets of reading tasks' }),
  taskDuration: isoPeriod
    .default('PT1H')
    .meta({ description: 'How long a reading task reads before publishing' }),
  retention: z
    .strictObject({
      loadPeriod: isoPeriod.default('P90D').meta({
        description: 'Recent data kept loaded on historicals (older data stays in deep storage only)',
      }),
      replicants: z
        .record(
          z.string(),
          z.number().int().min(0).max(100, { message: 'must be at most 100 (historical replicas per tier)' }),
        )
        .default({ _default_tier: 2 })
        .meta({ description: 'Replicas per historical tier for the loaded period' }),
    })
    .prefault({}),
  compaction: z
    .strictObject({
      enabled: z.boolean().default(true).meta({ description: 'Auto-compaction of this datasource' }),
      skipOffsetFromLatest: isoPeriod
        .default('PT2H')
        .meta({ description: 'Recent period compaction leaves to streaming tasks' }),
      maxRowsPerSegment: int32.min(100_000).default(5_000_000),
      segmentGranularity: z
        .enum(GRANULARITIES)
        .optional()
        .meta({ description: 'Coarser granularity compacted segments get (default: unchanged)' }),
    })
    .prefault({}),
  batch: z
    .strictObject({
      prefix: z
        .string()
        .regex(/^[A-Za-z0-9!_.*'()/-]*$/)
        .meta({ description: 'Prefix in the data-lake bucket holding this datasource’s history' }),
      mode: z
        .enum(['native', 'msq'])
        .default('msq')
        .meta({ description: 'SQL-based (MSQ REPLACE) or native index_parallel batch ingestion' }),
      interval: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?\/\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/)
        .meta({ description: 'ISO interval the history covers (REPLACE overwrites exactly this interval)' }),
    })
    .optional()
    .meta({ description: 'Batch backfill from the data lake into the same table as the stream' }),
});

export type DatasourceDefinition = z.infer<typeof datasourceSchema>;

/** Settings of Apache Druid on EKS (`druid`). Every field has a default. */
export const druidSettings = z
  .strictObject({
    team: z.string().optional().meta({ description: 'Owning team (default: organization.platformTeam)' }),
    ingestion: z
      .enum(['msk', 'kinesis', 'both'])
      .default('msk')
      .meta({ description: 'Streaming source: MSK Serverless (IAM auth), Kinesis, or both' }),
    namespace: k8sName.default('druid').meta({
      description:
        "Kubernetes namespace of the Druid cluster, its own (created and deleted with the stack): not one the platform uses or the druid-operator's",
    }),
    clusterName: k8sName
      .default('analytics')
      .meta({ description: 'Name of the `Druid` resource and discovery cluster identifier' }),
    deepStorage: z
      .strictObject({
        noncurrentVersionDays: z.number().int().min(1).max(36_500).default(30).meta({
          description: 'Days a replaced/deleted segment version is kept (current segments never expire)',
        }),
      })
      .prefault({}),
    indexLogsRetentionDays: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .default(30)
      .meta({ description: 'Days task logs are kept in the index-log bucket' }),
    scratchRetentionDays: z
      .number()
      .int()
      .min(1)
      .max(30)
      .default(3)
      .meta({ description: 'Days MSQ durable-storage intermediate files are kept' }),
    metadata: z
      .strictObject({
        minCapacity: z
          .number()
          .min(0.5)
          .max(256)
          .default(0.5)
          .meta({ description: 'Aurora Serverless v2 minimum ACUs' }),
        maxCapacity: z
          .number()
          .min(1)
          .max(256)
          .default(4)
          .meta({ description: 'Aurora Serverless v2 maximum ACUs' }),
        readers: z
          .number()
          .int()
          .min(0)
          .max(15)
          .default(1)
          .meta({ description: 'Reader instances (failover)' }),
        backupRetentionDays: z
          .number()
          .int()
          .min(1)
          .max(35)
          .default(14)
          .meta({ description: 'Automated backup retention' }),
        iamAuthentication: z
          .boolean()
          .default(false)
          .meta({ description: 'Enable IAM database authentication on the cluster' }),
      })
      .prefault({}),
    dataLake: z
      .strictObject({
        bucketName: z
          .string()
          .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/)
          .optional()
          .meta({
            description: 'Existing data-lake bucket batch ingestion reads (default: none, batch off)',
          }),
        kmsKeyArn: z
          .string()
          .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]+$/)
          .optional()
          .meta({ description: 'KMS key of the data-lake bucket, when SSE-KMS' }),
      })
      .prefault({}),
    router: z
      .strictObject({
        hostname: dnsName.optional().meta({
          description: 'Router host name on the internal ALB (default: druid.<env>.<organization domain>)',
        }),
        certificateArn: z
          .string()
          .regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]+$/)
          .optional()
          .meta({ description: 'ACM certificate of the ALB listener (default: discovered by host name)' }),
        allowedCidrs: z
          .array(cidr)
          .max(LIMITS.securityGroupRules, {
            message: `takes at most ${LIMITS.securityGroupRules} CIDR blocks (inbound rules per security group)`,
          })
          .default([])
          .meta({ description: 'CIDRs allowed to reach the internal ALB (default: the VPC CIDR)' }),
        ...nodeFields({ replicas: 2, cpu: 1, memoryMiB: 2_048, heapMiB: 1_024, directMemoryMiB: 128 }),
      })
      .prefault({})
      .meta({ description: 'Router (SQL/HTTP entry point and web console) behind the internal ALB' }),
    coordinator: z
      .strictObject(
        nodeFields({ replicas: 2, cpu: 2, memoryMiB: 6_144, heapMiB: 4_096, directMemoryMiB: 256 }),
      )
      .prefault({})
      .meta({ description: 'Coordinator (also the overlord: `druid.coordinator.asOverlord.enabled`)' }),
    broker: z
      .strictObject({
        ...nodeFields({ replicas: 2, cpu: 4, memoryMiB: 14_336, heapMiB: 6_144, directMemoryMiB: 4_096 }),
        processing: processing({ numThreads: 1, numMergeBuffers: 6, bufferSizeMiB: 500 }),
      })
      .prefault({}),
    historicalTiers: z
      .array(historicalTier)
      .min(1)
      .max(10)
      .prefault([{ name: '_default_tier' }])
      .meta({ description: 'Historical tiers; each gets its own NVMe NodePool' }),
    middleManager: z
      .strictObject({
        // 7 vCPU and 24 GiB fit an 8-vCPU, 32 GiB node after kube-reserved and DaemonSets (FST-DRUID1).
        ...nodeFields({ replicas: 2, cpu: 7, memoryMiB: 24_576, heapMiB: 256, directMemoryMiB: 128 }),
        workerCapacity: z
          .number()
          .int()
          .min(1)
          .max(64)
          .default(4)
          .meta({ description: '`druid.worker.capacity`: task slots (peon JVMs) per MiddleManager' }),
        peonHeapMiB: mib('Heap of each task (peon) JVM', 2_048),
        peonDirectMemoryMiB: mib('Direct memory of each task (peon) JVM', 1_536),
        peonProcessing: processing({ numThreads: 2, numMergeBuffers: 2, bufferSizeMiB: 256 }),
      })
      .prefault({}),
    datasources: z.array(datasourceSchema).max(50).default([]).meta({
      description: 'Datasources: stream source, schema, rollup, retention, compaction, batch backfill',
    }),
  })
  .prefault({});

export type DruidSettings = z.infer<typeof druidSettings>;
export type HistoricalTierSettings = DruidSettings['historicalTiers'][number];
