/**
 * The complete settings the Druid constructs work from: every default resolved. `DruidCluster` resolves
 * them from its props (`resolveDruidSettings`); the config's validated `druid` settings have this shape
 * too, so `fastish druid specs` renders from them directly. Internal: the public surface is
 * `DruidClusterProps`.
 */

export type Granularity =
  | 'MINUTE'
  | 'FIFTEEN_MINUTE'
  | 'THIRTY_MINUTE'
  | 'HOUR'
  | 'SIX_HOUR'
  | 'DAY'
  | 'MONTH'
  | 'YEAR';

export type ColumnType = 'string' | 'long' | 'float' | 'double' | 'json';

export type MetricSettings =
  | { readonly type: 'count'; readonly name: string }
  | {
      readonly type: 'longSum' | 'doubleSum' | 'longMin' | 'longMax' | 'doubleMin' | 'doubleMax';
      readonly name: string;
      readonly fieldName: string;
    }
  | {
      readonly type: 'HLLSketchBuild';
      readonly name: string;
      readonly fieldName: string;
      readonly lgK: number;
      readonly tgtHllType: 'HLL_4' | 'HLL_6' | 'HLL_8';
    }
  | {
      readonly type: 'thetaSketch';
      readonly name: string;
      readonly fieldName: string;
      readonly size: number;
    };

export interface DatasourceSettings {
  readonly name: string;
  readonly source:
    | { readonly type: 'kafka'; readonly topic: string; readonly partitions: number }
    | { readonly type: 'kinesis'; readonly stream: string; readonly shards: number };
  readonly inputFormat: 'json' | 'csv';
  readonly csvColumns?: readonly string[];
  readonly timestamp: {
    readonly column: string;
    readonly format: 'auto' | 'iso' | 'posix' | 'millis' | 'micro' | 'nano';
  };
  readonly dimensions: readonly (string | { readonly name: string; readonly type: ColumnType })[];
  readonly metrics: readonly MetricSettings[];
  readonly rollup: boolean;
  readonly segmentGranularity: Granularity;
  readonly queryGranularity: 'NONE' | 'SECOND' | Granularity;
  readonly taskCount: number;
  readonly replicas: number;
  readonly taskDuration: string;
  readonly retention: { readonly loadPeriod: string; readonly replicants: Readonly<Record<string, number>> };
  readonly compaction: {
    readonly enabled: boolean;
    readonly skipOffsetFromLatest: string;
    readonly maxRowsPerSegment: number;
    readonly segmentGranularity?: Granularity;
  };
  readonly batch?: { readonly prefix: string; readonly mode: 'native' | 'msq'; readonly interval: string };
}

export interface ProcessingSettings {
  readonly numThreads: number;
  readonly numMergeBuffers: number;
  readonly bufferSizeMiB: number;
}

export interface NodeSettings {
  readonly replicas: number;
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly heapMiB: number;
  readonly directMemoryMiB: number;
  readonly jvmOverheadMiB: number;
}

export interface HistoricalTierSettings extends NodeSettings {
  readonly name: string;
  readonly processing: ProcessingSettings;
  readonly segmentCacheGiB: number;
  readonly instanceFamilies: readonly string[];
}

export interface DruidClusterSettings {
  readonly ingestion: 'msk' | 'kinesis' | 'both';
  readonly namespace: string;
  readonly clusterName: string;
  readonly deepStorage: { readonly noncurrentVersionDays: number };
  readonly indexLogsRetentionDays: number;
  readonly scratchRetentionDays: number;
  readonly metadata: {
    readonly minCapacity: number;
    readonly maxCapacity: number;
    readonly readers: number;
    readonly backupRetentionDays: number;
    readonly iamAuthentication: boolean;
  };
  readonly dataLake: { readonly bucketName?: string; readonly kmsKeyArn?: string };
  readonly router: NodeSettings & {
    readonly hostname?: string;
    readonly certificateArn?: string;
    readonly allowedCidrs: readonly string[];
  };
  readonly coordinator: NodeSettings;
  readonly broker: NodeSettings & { readonly processing: ProcessingSettings };
  readonly historicalTiers: readonly HistoricalTierSettings[];
  readonly middleManager: NodeSettings & {
    readonly workerCapacity: number;
    readonly peonHeapMiB: number;
    readonly peonDirectMemoryMiB: number;
    readonly peonProcessing: ProcessingSettings;
  };
  readonly datasources: readonly DatasourceSettings[];
}
