import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { EnvironmentModel, PlatformModel } from '../../config';
import type { DatasourceDefinition } from '../../config/architectures/druid';
import {
  type DruidBatchMode,
  type DruidClusterProps,
  type DruidColumnType,
  type DruidDatasource,
  type DruidGranularity,
  type DruidIngestion,
  type DruidInputFormat,
  type DruidMetric,
  type DruidMetricType,
  DruidStreamSource,
  type DruidTimestampFormat,
  type HllType,
} from '../../constructs/druid/cluster-props';
import type { IEksWorkloadHost } from '../../constructs/eks/workload-host';
import { physicalNames } from '../eks/physical-names';
import { enumMember } from '../enum-member';

/**
 * The one place the config model becomes `DruidClusterProps`: every value explicit (the construct's
 * defaults never apply), names from the naming module. `scope` is the stack the imported data lake and
 * certificate are referenced from.
 */
export function druidClusterProps(
  scope: Construct,
  platform: PlatformModel,
  env: EnvironmentModel,
  host: IEksWorkloadHost,
): DruidClusterProps {
  const s = env.settings.druid;
  const { hostname, certificateArn, allowedCidrs, ...router } = s.router;
  return {
    platform: host,
    routerHostname: hostname ?? `druid.${env.name}.${platform.organization.domain}`,
    namespace: s.namespace,
    clusterName: s.clusterName,
    displayName: env.name,
    ingestion: enumMember<DruidIngestion>(s.ingestion),
    noncurrentSegmentDays: s.deepStorage.noncurrentVersionDays,
    indexLogsRetentionDays: s.indexLogsRetentionDays,
    scratchRetentionDays: s.scratchRetentionDays,
    metadata: s.metadata,
    dataLake: s.dataLake.bucketName
      ? {
          bucket: s3.Bucket.fromBucketName(scope, 'DataLake', s.dataLake.bucketName),
          key: s.dataLake.kmsKeyArn
            ? kms.Key.fromKeyArn(scope, 'DataLakeKey', s.dataLake.kmsKeyArn)
            : undefined,
        }
      : undefined,
    router: {
      ...router,
      certificate: certificateArn
        ? acm.Certificate.fromCertificateArn(scope, 'RouterCertificate', certificateArn)
        : undefined,
      allowedCidrs: [...allowedCidrs],
    },
    coordinator: s.coordinator,
    broker: s.broker,
    historicalTiers: s.historicalTiers.map((t) => ({ ...t, instanceFamilies: [...t.instanceFamilies] })),
    middleManager: s.middleManager,
    datasources: s.datasources.map(datasource),
    logRetention: env.settings.logRetentionDays as logs.RetentionDays,
    physicalNames: physicalNames(env.naming, 'druid'),
  };
}

function datasource(d: DatasourceDefinition): DruidDatasource {
  return {
    name: d.name,
    source:
      d.source.type === 'kafka'
        ? DruidStreamSource.kafka(d.source.topic, d.source.partitions)
        : DruidStreamSource.kinesis(d.source.stream, d.source.shards),
    inputFormat: enumMember<DruidInputFormat>(d.inputFormat),
    csvColumns: d.csvColumns ? [...d.csvColumns] : undefined,
    timestampColumn: d.timestamp.column,
    timestampFormat: enumMember<DruidTimestampFormat>(d.timestamp.format),
    dimensions: d.dimensions.map((x) =>
      typeof x === 'string' ? { name: x } : { name: x.name, type: enumMember<DruidColumnType>(x.type) },
    ),
    metrics: d.metrics.map(
      (m): DruidMetric => ({
        type: enumMember<DruidMetricType>(m.type),
        name: m.name,
        ...('fieldName' in m ? { fieldName: m.fieldName } : {}),
        ...('lgK' in m ? { lgK: m.lgK, tgtHllType: enumMember<HllType>(m.tgtHllType) } : {}),
        ...('size' in m ? { size: m.size } : {}),
      }),
    ),
    rollup: d.rollup,
    segmentGranularity: enumMember<DruidGranularity>(d.segmentGranularity),
    queryGranularity: enumMember<DruidGranularity>(d.queryGranularity),
    taskCount: d.taskCount,
    replicas: d.replicas,
    taskDuration: d.taskDuration,
    loadPeriod: d.retention.loadPeriod,
    tierReplicants: { ...d.retention.replicants },
    compaction: d.compaction.enabled,
    compactionSkipOffsetFromLatest: d.compaction.skipOffsetFromLatest,
    compactionMaxRowsPerSegment: d.compaction.maxRowsPerSegment,
    compactionSegmentGranularity:
      d.compaction.segmentGranularity === undefined
        ? undefined
        : enumMember<DruidGranularity>(d.compaction.segmentGranularity),
    batch: d.batch ? { ...d.batch, mode: enumMember<DruidBatchMode>(d.batch.mode) } : undefined,
  };
}
