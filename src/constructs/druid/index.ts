// The Druid architecture's public constructs (re-exported by src/index.ts). The cluster's parts
// (storage, metadata store, streams, Kubernetes objects) stay internal.
export { DruidCluster } from './cluster';
export {
  type DruidBatchIngestion,
  DruidBatchMode,
  type DruidBrokerOptions,
  type DruidClusterProps,
  DruidColumnType,
  type DruidDataLake,
  type DruidDatasource,
  type DruidDimension,
  DruidGranularity,
  type DruidHistoricalTier,
  DruidIngestion,
  DruidInputFormat,
  type DruidMetadataOptions,
  type DruidMetric,
  DruidMetricType,
  type DruidMiddleManagerOptions,
  type DruidNodeOptions,
  type DruidProcessingOptions,
  type DruidRouterOptions,
  DruidSourceType,
  DruidStreamSource,
  DruidTimestampFormat,
  HllType,
} from './cluster-props';
