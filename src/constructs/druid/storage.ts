import { Duration } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { SecureBucket } from '../secure-bucket';

export interface DruidStorageProps {
  /** Physical bucket names. @default CloudFormation-generated names */
  readonly names?: { readonly deepStorage?: string; readonly indexLogs?: string; readonly scratch?: string };
  /** Customer-managed key encrypting all three buckets. */
  readonly key: kms.IKey;
  /** Server access log target bucket. */
  readonly accessLogs: s3.IBucket;
  /** Days a noncurrent (replaced or deleted) segment version is kept. @default 30 */
  readonly noncurrentSegmentDays?: number;
  /** Days task logs are kept. @default 30 */
  readonly indexLogsRetentionDays?: number;
  /** Days MSQ intermediate (durable storage) files are kept. @default 3 */
  readonly scratchRetentionDays?: number;
}

/**
 * Druid's S3 storage: deep storage (segments: versioned, KMS, retained, and no lifecycle rule ever
 * expires a current object), the task-log bucket and the MSQ durable-storage scratch bucket (both with
 * bounded lifecycles).
 */
export class DruidStorage extends Construct {
  readonly deepStorage: s3.Bucket;
  readonly indexLogs: s3.Bucket;
  readonly scratch: s3.Bucket;

  constructor(scope: Construct, id: string, props: DruidStorageProps) {
    super(scope, id);
    this.deepStorage = new SecureBucket(this, 'DeepStorage', {
      bucketName: props.names?.deepStorage,
      encryptionKey: props.key,
      serverAccessLogsBucket: props.accessLogs,
      // Only noncurrent versions (segments Druid replaced or killed) and stale multipart uploads expire.
      noncurrentVersionExpirationDays: props.noncurrentSegmentDays ?? 30,
    }).bucket;
    this.indexLogs = new SecureBucket(this, 'IndexLogs', {
      bucketName: props.names?.indexLogs,
      encryptionKey: props.key,
      serverAccessLogsBucket: props.accessLogs,
      noncurrentVersionExpirationDays: 1,
      lifecycleRules: [
        { id: 'expire-task-logs', expiration: Duration.days(props.indexLogsRetentionDays ?? 30) },
      ],
    }).bucket;
    this.scratch = new SecureBucket(this, 'Scratch', {
      bucketName: props.names?.scratch,
      encryptionKey: props.key,
      serverAccessLogsBucket: props.accessLogs,
      noncurrentVersionExpirationDays: 1,
      lifecycleRules: [
        { id: 'expire-msq-scratch', expiration: Duration.days(props.scratchRetentionDays ?? 3) },
      ],
    }).bucket;
  }

  /** Read/write on all three buckets (historicals only need `grantReadDeepStorage`). */
  grantReadWrite(grantee: iam.IGrantable): void {
    this.deepStorage.grantReadWrite(grantee);
    this.deepStorage.grantDelete(grantee);
    this.indexLogs.grantReadWrite(grantee);
    this.scratch.grantReadWrite(grantee);
    this.scratch.grantDelete(grantee);
  }

  grantReadDeepStorage(grantee: iam.IGrantable): void {
    this.deepStorage.grantRead(grantee);
  }
}
