import {
  type DruidClusterProps,
  type DruidDatasource,
  DruidGranularity,
  type DruidMetric,
  DruidMetricType,
  type DruidNodeOptions,
  type DruidProcessingOptions,
  DruidSourceType,
} from './cluster-props';
import type {
  DatasourceSettings,
  DruidClusterSettings,
  Granularity,
  MetricSettings,
  NodeSettings,
  ProcessingSettings,
} from './settings';

/** The one place `DruidCluster`'s defaults live (the config schema's defaults equal them; a test keeps it so). */
const NODE_DEFAULTS = {
  router: { replicas: 2, cpu: 1, memoryMiB: 2_048, heapMiB: 1_024, directMemoryMiB: 128 },
  coordinator: { replicas: 2, cpu: 2, memoryMiB: 6_144, heapMiB: 4_096, directMemoryMiB: 256 },
  broker: { replicas: 2, cpu: 4, memoryMiB: 14_336, heapMiB: 6_144, directMemoryMiB: 4_096 },
  historical: { replicas: 2, cpu: 7, memoryMiB: 28_672, heapMiB: 8_192, directMemoryMiB: 6_144 },
  middleManager: { replicas: 2, cpu: 7, memoryMiB: 24_576, heapMiB: 256, directMemoryMiB: 128 },
};

function node(o: DruidNodeOptions | undefined, d: Omit<NodeSettings, 'jvmOverheadMiB'>): NodeSettings {
  return {
    replicas: o?.replicas ?? d.replicas,
    cpu: o?.cpu ?? d.cpu,
    memoryMiB: o?.memoryMiB ?? d.memoryMiB,
    heapMiB: o?.heapMiB ?? d.heapMiB,
    directMemoryMiB: o?.directMemoryMiB ?? d.directMemoryMiB,
    jvmOverheadMiB: o?.jvmOverheadMiB ?? 512,
  };
}

function processing(o: DruidProcessingOptions | undefined, d: ProcessingSettings): ProcessingSettings {
  return {
    numThreads: o?.numThreads ?? d.numThreads,
    numMergeBuffers: o?.numMergeBuffers ?? d.numMergeBuffers,
    bufferSizeMiB: o?.bufferSizeMiB ?? d.bufferSizeMiB,
  };
}

/** `DruidClusterProps` with every default applied, in the shape the Druid constructs work from. */
export function resolveDruidSettings(
  props: Omit<DruidClusterProps, 'platform'>,
  path: string,
): DruidClusterSettings {
  const m = props.metadata ?? {};
  const r = props.router ?? {};
  const mm = props.middleManager ?? {};
  const tiers = props.historicalTiers ?? [{ name: '_default_tier' }];
  if (tiers.length === 0) throw new Error(`${path}: historicalTiers needs at least one tier`);
  return {
    ingestion: props.ingestion ?? 'msk',
    namespace: props.namespace ?? 'druid',
    clusterName: props.clusterName ?? 'analytics',
    deepStorage: { noncurrentVersionDays: props.noncurrentSegmentDays ?? 30 },
    indexLogsRetentionDays: props.indexLogsRetentionDays ?? 30,
    scratchRetentionDays: props.scratchRetentionDays ?? 3,
    metadata: {
      minCapacity: m.minCapacity ?? 0.5,
      maxCapacity: m.maxCapacity ?? 4,
      readers: m.readers ?? 1,
      backupRetentionDays: m.backupRetentionDays ?? 14,
      iamAuthentication: m.iamAuthentication ?? false,
    },
    dataLake: props.dataLake
      ? { bucketName: props.dataLake.bucket.bucketName, kmsKeyArn: props.dataLake.key?.keyArn }
      : {},
    router: {
      ...node(r, NODE_DEFAULTS.router),
      hostname: props.routerHostname,
      certificateArn: r.certificate?.certificateArn,
      allowedCidrs: [...(r.allowedCidrs ?? [])],
    },
    coordinator: node(props.coordinator, NODE_DEFAULTS.coordinator),
    broker: {
      ...node(props.broker, NODE_DEFAULTS.broker),
      processing: processing(props.broker?.processing, {
        numThreads: 1,
        numMergeBuffers: 6,
        bufferSizeMiB: 500,
      }),
    },
    historicalTiers: tiers.map((t) => ({
      name: t.name,
      ...node(t, NODE_DEFAULTS.historical),
      processing: processing(t.processing, { numThreads: 6, numMergeBuffers: 2, bufferSizeMiB: 500 }),
      segmentCacheGiB: t.segmentCacheGiB ?? 300,
      instanceFamilies: [...(t.instanceFamilies ?? ['i4i', 'i4g', 'r6gd', 'r6id', 'm6gd'])],
    })),
    middleManager: {
      ...node(mm, NODE_DEFAULTS.middleManager),
      workerCapacity: mm.workerCapacity ?? 4,
      peonHeapMiB: mm.peonHeapMiB ?? 2_048,
      peonDirectMemoryMiB: mm.peonDirectMemoryMiB ?? 1_536,
      peonProcessing: processing(mm.peonProcessing, {
        numThreads: 2,
        numMergeBuffers: 2,
        bufferSizeMiB: 256,
      }),
    },
    datasources: (props.datasources ?? []).map((d) => datasource(d, `${path}: datasource ${d.name}`)),
  };
}

function granularity(g: DruidGranularity, where: string): Granularity {
  if (g === DruidGranularity.NONE || g === DruidGranularity.SECOND) {
    throw new Error(`${where} must be MINUTE or coarser, got ${g}`);
  }
  return g as Granularity;
}

function datasource(d: DruidDatasource, where: string): DatasourceSettings {
  const s = d.source;
  return {
    name: d.name,
    source:
      s.type === DruidSourceType.KAFKA
        ? { type: 'kafka', topic: s.name, partitions: s.capacity }
        : { type: 'kinesis', stream: s.name, shards: s.capacity },
    inputFormat: d.inputFormat ?? 'json',
    ...(d.csvColumns ? { csvColumns: [...d.csvColumns] } : {}),
    timestamp: { column: d.timestampColumn ?? 'timestamp', format: d.timestampFormat ?? 'auto' },
    dimensions: (d.dimensions ?? []).map((x) => (x.type ? { name: x.name, type: x.type } : x.name)),
    metrics: (d.metrics ?? [{ type: DruidMetricType.COUNT, name: 'count' }]).map((x) => metric(x, where)),
    rollup: d.rollup ?? true,
    segmentGranularity: granularity(
      d.segmentGranularity ?? DruidGranularity.HOUR,
      `${where}: segmentGranularity`,
    ),
    queryGranularity: d.queryGranularity ?? 'MINUTE',
    taskCount: d.taskCount ?? 1,
    replicas: d.replicas ?? 1,
    taskDuration: d.taskDuration ?? 'PT1H',
    retention: {
      loadPeriod: d.loadPeriod ?? 'P90D',
      replicants: { ...(d.tierReplicants ?? { _default_tier: 2 }) },
    },
    compaction: {
      enabled: d.compaction ?? true,
      skipOffsetFromLatest: d.compactionSkipOffsetFromLatest ?? 'PT2H',
      maxRowsPerSegment: d.compactionMaxRowsPerSegment ?? 5_000_000,
      ...(d.compactionSegmentGranularity
        ? {
            segmentGranularity: granularity(
              d.compactionSegmentGranularity,
              `${where}: compactionSegmentGranularity`,
            ),
          }
        : {}),
    },
    ...(d.batch
      ? { batch: { prefix: d.batch.prefix, mode: d.batch.mode ?? 'msq', interval: d.batch.interval } }
      : {}),
  };
}

function metric(m: DruidMetric, where: string): MetricSettings {
  if (m.type === DruidMetricType.COUNT) return { type: 'count', name: m.name };
  if (!m.fieldName) throw new Error(`${where}: metric ${m.name} (${m.type}) needs a fieldName`);
  if (m.type === DruidMetricType.HLL_SKETCH) {
    return {
      type: 'HLLSketchBuild',
      name: m.name,
      fieldName: m.fieldName,
      lgK: m.lgK ?? 12,
      tgtHllType: m.tgtHllType ?? 'HLL_4',
    };
  }
  if (m.type === DruidMetricType.THETA_SKETCH) {
    return { type: 'thetaSketch', name: m.name, fieldName: m.fieldName, size: m.size ?? 16_384 };
  }
  return { type: m.type, name: m.name, fieldName: m.fieldName };
}
