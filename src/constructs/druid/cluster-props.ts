import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { IPhysicalNames } from '../eks/naming';
import type { IEksWorkloadHost } from '../eks/workload-host';

/** Streaming services Druid ingests from (each datasource's source must be one of them). */
export enum DruidIngestion {
  /** MSK Serverless with IAM access control. */
  MSK = 'msk',
  /** Kinesis Data Streams. */
  KINESIS = 'kinesis',
  /** Both. */
  BOTH = 'both',
}

/** Kind of a datasource's streaming source. */
export enum DruidSourceType {
  KAFKA = 'kafka',
  KINESIS = 'kinesis',
}

/** Where a datasource's rows stream from; the cluster creates the topic or stream. */
export class DruidStreamSource {
  /** An MSK topic with `partitions` partitions (MSK Serverless never creates topics itself). */
  static kafka(topic: string, partitions?: number): DruidStreamSource {
    return new DruidStreamSource(DruidSourceType.KAFKA, topic, partitions ?? 3);
  }

  /** A Kinesis stream with `shards` provisioned shards. */
  static kinesis(stream: string, shards?: number): DruidStreamSource {
    return new DruidStreamSource(DruidSourceType.KINESIS, stream, shards ?? 1);
  }

  private constructor(
    /** Kafka or Kinesis. */
    readonly type: DruidSourceType,
    /** Topic or stream name. */
    readonly name: string,
    /** Partitions (Kafka) or shards (Kinesis). */
    readonly capacity: number,
  ) {}
}

/** Format of stream and batch rows. */
export enum DruidInputFormat {
  JSON = 'json',
  CSV = 'csv',
}

/** Druid `timestampSpec` format. */
export enum DruidTimestampFormat {
  AUTO = 'auto',
  ISO = 'iso',
  POSIX = 'posix',
  MILLIS = 'millis',
  MICRO = 'micro',
  NANO = 'nano',
}

/** Type of a dimension column. */
export enum DruidColumnType {
  STRING = 'string',
  LONG = 'long',
  FLOAT = 'float',
  DOUBLE = 'double',
  JSON = 'json',
}

/** Time granularity (segments, rollup). */
export enum DruidGranularity {
  NONE = 'NONE',
  SECOND = 'SECOND',
  MINUTE = 'MINUTE',
  FIFTEEN_MINUTE = 'FIFTEEN_MINUTE',
  THIRTY_MINUTE = 'THIRTY_MINUTE',
  HOUR = 'HOUR',
  SIX_HOUR = 'SIX_HOUR',
  DAY = 'DAY',
  MONTH = 'MONTH',
  YEAR = 'YEAR',
}

/** Rollup aggregations. */
export enum DruidMetricType {
  COUNT = 'count',
  LONG_SUM = 'longSum',
  DOUBLE_SUM = 'doubleSum',
  LONG_MIN = 'longMin',
  LONG_MAX = 'longMax',
  DOUBLE_MIN = 'doubleMin',
  DOUBLE_MAX = 'doubleMax',
  /** HyperLogLog sketch (approximate distinct counts). */
  HLL_SKETCH = 'HLLSketchBuild',
  /** Theta sketch (set operations). */
  THETA_SKETCH = 'thetaSketch',
}

/** Target HLL sketch type. */
export enum HllType {
  HLL_4 = 'HLL_4',
  HLL_6 = 'HLL_6',
  HLL_8 = 'HLL_8',
}

/** How a backfill ingests. */
export enum DruidBatchMode {
  /** SQL-based ingestion (MSQ `REPLACE`). */
  MSQ = 'msq',
  /** Native `index_parallel`. */
  NATIVE = 'native',
}

/** A dimension column. */
export interface DruidDimension {
  /** Column name. */
  readonly name: string;
  /** @default DruidColumnType.STRING */
  readonly type?: DruidColumnType;
}

/** A rollup metric. */
export interface DruidMetric {
  /** Aggregation. */
  readonly type: DruidMetricType;
  /** Output column. */
  readonly name: string;
  /** Input column (every type but COUNT). @default none (required except for COUNT) */
  readonly fieldName?: string;
  /** log2 of HLL sketch buckets (HLL_SKETCH). @default 12 */
  readonly lgK?: number;
  /** @default HllType.HLL_4 (HLL_SKETCH) */
  readonly tgtHllType?: HllType;
  /** Nominal entries, a power of 2 (THETA_SKETCH). @default 16384 */
  readonly size?: number;
}

/** Batch backfill of a datasource's history from the data lake (same table as the stream). */
export interface DruidBatchIngestion {
  /** Prefix in the data-lake bucket holding the history. */
  readonly prefix: string;
  /** ISO interval the history covers (REPLACE overwrites exactly this interval). */
  readonly interval: string;
  /** @default DruidBatchMode.MSQ */
  readonly mode?: DruidBatchMode;
}

/** A Druid table: its stream, schema, rollup, retention, compaction and optional backfill. */
export interface DruidDatasource {
  /** Datasource (table) name: letters, digits, `_` and `-`. */
  readonly name: string;
  /** The stream it ingests (`DruidStreamSource.kafka(...)` or `.kinesis(...)`). */
  readonly source: DruidStreamSource;
  /** @default DruidInputFormat.JSON */
  readonly inputFormat?: DruidInputFormat;
  /** Column names of CSV input. @default none (required with CSV) */
  readonly csvColumns?: string[];
  /** @default 'timestamp' */
  readonly timestampColumn?: string;
  /** @default DruidTimestampFormat.AUTO */
  readonly timestampFormat?: DruidTimestampFormat;
  /** @default [] (schema discovery) */
  readonly dimensions?: DruidDimension[];
  /** @default a `count` metric named `count` */
  readonly metrics?: DruidMetric[];
  /** Roll rows up to `queryGranularity` at ingestion. @default true */
  readonly rollup?: boolean;
  /** Time chunk per segment. @default DruidGranularity.HOUR */
  readonly segmentGranularity?: DruidGranularity;
  /** Timestamp truncation (rollup grain). @default DruidGranularity.MINUTE */
  readonly queryGranularity?: DruidGranularity;
  /** Reading tasks per replica set. @default 1 */
  readonly taskCount?: number;
  /** Replica sets of reading tasks. @default 1 */
  readonly replicas?: number;
  /** How long a reading task reads before publishing (ISO period). @default 'PT1H' */
  readonly taskDuration?: string;
  /** Recent period kept loaded on historicals; older data stays in deep storage. @default 'P90D' */
  readonly loadPeriod?: string;
  /** Historical replicas per tier for the loaded period. @default { _default_tier: 2 } */
  readonly tierReplicants?: Record<string, number>;
  /** Auto-compaction. @default true */
  readonly compaction?: boolean;
  /** Recent period compaction leaves to streaming tasks. @default 'PT2H' */
  readonly compactionSkipOffsetFromLatest?: string;
  /** @default 5000000 */
  readonly compactionMaxRowsPerSegment?: number;
  /** Coarser granularity compacted segments get. @default unchanged */
  readonly compactionSegmentGranularity?: DruidGranularity;
  /** @default no backfill */
  readonly batch?: DruidBatchIngestion;
}

/** Size of one kind of Druid pod. Defaults differ per service (see each option). */
export interface DruidNodeOptions {
  /** Pods of this kind. */
  readonly replicas?: number;
  /** vCPU request and limit per pod. */
  readonly cpu?: number;
  /** Container memory (request and limit), MiB. */
  readonly memoryMiB?: number;
  /** JVM heap, MiB. */
  readonly heapMiB?: number;
  /** JVM direct memory, MiB. */
  readonly directMemoryMiB?: number;
  /** Non-heap JVM overhead per JVM, MiB. @default 512 */
  readonly jvmOverheadMiB?: number;
}

/** Processing pool of a query-serving process. */
export interface DruidProcessingOptions {
  /** `druid.processing.numThreads`. */
  readonly numThreads?: number;
  /** `druid.processing.numMergeBuffers` (groupBy merging). */
  readonly numMergeBuffers?: number;
  /** Buffer size in MiB (below 2048). */
  readonly bufferSizeMiB?: number;
}

/** @default 2 replicas of 4 vCPU, 14336 MiB, heap 6144, direct 4096; processing 1 thread, 6 merge buffers, 500 MiB */
export interface DruidBrokerOptions extends DruidNodeOptions {
  readonly processing?: DruidProcessingOptions;
}

/** A historical tier with its own NVMe NodePool. Defaults: 2 × 7 vCPU, 28672 MiB, heap 8192, direct 6144. */
export interface DruidHistoricalTier extends DruidNodeOptions {
  /** `druid.server.tier`; `_default_tier` is the default tier. */
  readonly name: string;
  /** @default 6 threads, 2 merge buffers, 500 MiB */
  readonly processing?: DruidProcessingOptions;
  /** Segment cache per historical on local NVMe, GiB. @default 300 */
  readonly segmentCacheGiB?: number;
  /** Instance families with local NVMe. @default ['i4i', 'i4g', 'r6gd', 'r6id', 'm6gd'] */
  readonly instanceFamilies?: string[];
}

/** Defaults: 2 × 7 vCPU, 24576 MiB, heap 256, direct 128. */
export interface DruidMiddleManagerOptions extends DruidNodeOptions {
  /** Task slots per MiddleManager. @default 4 */
  readonly workerCapacity?: number;
  /** Heap of each task JVM, MiB. @default 2048 */
  readonly peonHeapMiB?: number;
  /** Direct memory of each task JVM, MiB. @default 1536 */
  readonly peonDirectMemoryMiB?: number;
  /** @default 2 threads, 2 merge buffers, 256 MiB */
  readonly peonProcessing?: DruidProcessingOptions;
}

/** Router behind the internal ALB. Defaults: 2 × 1 vCPU, 2048 MiB, heap 1024, direct 128. */
export interface DruidRouterOptions extends DruidNodeOptions {
  /** Certificate of the ALB listener. @default discovered by the load balancer controller by host name */
  readonly certificate?: acm.ICertificate;
  /** CIDRs allowed to reach the internal ALB. @default the VPC CIDR */
  readonly allowedCidrs?: string[];
}

/** Aurora PostgreSQL Serverless v2 metadata store. */
export interface DruidMetadataOptions {
  /** @default 0.5 */
  readonly minCapacity?: number;
  /** @default 4 */
  readonly maxCapacity?: number;
  /** Reader instances (failover). @default 1 */
  readonly readers?: number;
  /** @default 14 */
  readonly backupRetentionDays?: number;
  /** @default false */
  readonly iamAuthentication?: boolean;
}

/** An existing bucket batch ingestion reads (only below the datasources' batch prefixes). */
export interface DruidDataLake {
  readonly bucket: s3.IBucket;
  /** Key of the bucket, when SSE-KMS. @default none (SSE-S3) */
  readonly key?: kms.IKey;
}

/** Props of `DruidCluster`. */
export interface DruidClusterProps {
  /** The EKS platform Druid runs on (an `EksPlatform`, or its parts from another stack). */
  readonly platform: IEksWorkloadHost;
  /** Host name of the router (SQL API, web console) on the internal ALB. */
  readonly routerHostname: string;
  /**
   * Kubernetes namespace, the cluster's own: created with the cluster and deleted with it, so not one the
   * platform uses (`PLATFORM_NAMESPACES`, kube-*) nor the druid-operator's. @default 'druid'
   */
  readonly namespace?: string;
  /** Name of the `Druid` resource and discovery cluster identifier. @default 'analytics' */
  readonly clusterName?: string;
  /** How resource descriptions name this cluster (`Druid <displayName>: …`). @default clusterName */
  readonly displayName?: string;
  /** @default DruidIngestion.MSK */
  readonly ingestion?: DruidIngestion;
  /** Days a replaced or deleted segment version is kept (current segments never expire). @default 30 */
  readonly noncurrentSegmentDays?: number;
  /** @default 30 */
  readonly indexLogsRetentionDays?: number;
  /** Days MSQ intermediate files are kept. @default 3 */
  readonly scratchRetentionDays?: number;
  /** @default see `DruidMetadataOptions` */
  readonly metadata?: DruidMetadataOptions;
  /** @default none (batch ingestion off) */
  readonly dataLake?: DruidDataLake;
  /** @default see `DruidRouterOptions` */
  readonly router?: DruidRouterOptions;
  /** Coordinator (also the overlord). @default 2 × 2 vCPU, 6144 MiB, heap 4096, direct 256 */
  readonly coordinator?: DruidNodeOptions;
  /** @default see `DruidBrokerOptions` */
  readonly broker?: DruidBrokerOptions;
  /** @default one tier, `_default_tier`, as `DruidHistoricalTier` describes */
  readonly historicalTiers?: DruidHistoricalTier[];
  /** @default see `DruidMiddleManagerOptions` */
  readonly middleManager?: DruidMiddleManagerOptions;
  /** @default none */
  readonly datasources?: DruidDatasource[];
  /** Retention of the cluster's log groups. @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /** Physical names of buckets, roles, secrets and streams. @default CloudFormation-generated names */
  readonly physicalNames?: IPhysicalNames;
}
