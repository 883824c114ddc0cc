/** Kinds of named resources the EKS and Druid constructs create (the naming module's kinds). */
export enum NamedResource {
  /** SQS queue (Karpenter interruption queue). */
  SQS_QUEUE = 'sqsQueue',
  /** AWS WAF web ACL (the public ALBs'). */
  WAF_WEB_ACL = 'wafWebAcl',
  /** Secrets Manager secret. */
  SECRET = 'secret',
  /** CloudWatch Logs log group. */
  LOG_GROUP = 'logGroup',
  /** S3 bucket (names are global: include account and region). */
  S3_BUCKET = 's3Bucket',
  /** Aurora cluster identifier. */
  RDS_CLUSTER = 'rdsCluster',
  /** MSK cluster. */
  MSK_CLUSTER = 'mskCluster',
  /** Kinesis data stream. */
  KINESIS_STREAM = 'kinesisStream',
}

/**
 * Physical names of the resources a Fastish construct creates, for organisations with a naming
 * convention. Without one, CloudFormation generates names (roles, queues, secrets, buckets, streams) and
 * KMS aliases derive from the construct's name. The config-driven app passes Fastish's naming module.
 */
export interface IPhysicalNames {
  /** Name of the IAM role for `purpose` (e.g. `eks-karpenter-controller`, `druid-historical`). */
  roleName(purpose: string): string;
  /** KMS alias, with its `alias/` prefix, of the key for `purpose` (e.g. `eks-secrets`, `druid`). */
  kmsAlias(purpose: string): string;
  /**
   * Name of another resource: `purpose` says what it is for (e.g. `karpenter-interruption`, `vpc-flow-logs`,
   * `druid-segments`); it is empty for the one resource of its kind in an architecture (Druid's MSK cluster).
   */
  resourceName(kind: NamedResource, purpose: string): string;
}
