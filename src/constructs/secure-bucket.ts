import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface SecureBucketProps {
  /**
   * Physical name (from the naming module).
   * @default a CloudFormation-generated name
   */
  readonly bucketName?: string;
  /**
   * Key for SSE-KMS. Server access log target buckets must pass `undefined` and `accessLogsTarget: true`
   * (S3 only delivers access logs to SSE-S3 buckets).
   * @default SSE-S3 when no key is given
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Bucket receiving server access logs.
   * @default none; only allowed for buckets that are themselves the access-log target
   */
  readonly serverAccessLogsBucket?: s3.IBucket;
  /** Prefix of this bucket's access logs in the log bucket. @default `<construct id>/` */
  readonly serverAccessLogsPrefix?: string;
  /** This bucket is a server access log target. @default false */
  readonly accessLogsTarget?: boolean;
  /** Lifecycle rules. @default none */
  readonly lifecycleRules?: s3.LifecycleRule[];
  /** Days after which noncurrent versions expire. @default 365 */
  readonly noncurrentVersionExpirationDays?: number;
}

/**
 * An S3 bucket with Fastish's non-negotiables: encrypted, versioned, TLS-only, public access
 * blocked, bucket-owner-enforced, retained on stack deletion, access-logged, tags usable in IAM (ABAC).
 */
export class SecureBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    if (!props.accessLogsTarget && !props.serverAccessLogsBucket) {
      throw new Error(
        `${this.node.path}: a SecureBucket needs serverAccessLogsBucket unless it is the access-log target`,
      );
    }
    if (props.accessLogsTarget) {
      // With BUCKET_OWNER_ENFORCED, ACLs are off: S3 log delivery must be granted by a bucket policy, which
      // CDK writes only under this flag (else it sets the LogDeliveryWrite ACL and fails). Set here, before
      // the bucket exists, so the construct works in any app, not only one with the recommended flags.
      this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    }
    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      encryption: props.encryptionKey ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: props.encryptionKey ? true : undefined,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: props.serverAccessLogsBucket,
      serverAccessLogsPrefix: props.serverAccessLogsBucket
        ? (props.serverAccessLogsPrefix ?? `${id}/`)
        : undefined,
      lifecycleRules: [
        ...(props.lifecycleRules ?? []),
        {
          id: 'expire-noncurrent-versions',
          noncurrentVersionExpiration: Duration.days(props.noncurrentVersionExpirationDays ?? 365),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });
    // Attribute-based access control: IAM sees the bucket's tags (`aws:ResourceTag/fastish:team`) only
    // with ABAC on, and team roles may write only what is tagged for their team.
    (this.bucket.node.defaultChild as s3.CfnBucket).abacStatus = 'Enabled';
  }
}
