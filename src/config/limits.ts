/**
 * Limits AWS or Kubernetes put on values the config sets, each with where it comes from. The schema
 * bounds every number and list by one of these, so validate refuses what a deploy would refuse (or what
 * no cluster could run) and says which limit it is.
 */
export const LIMITS = {
  /** EKS service quota "Nodes per managed node group" (not adjustable). */
  nodesPerManagedNodeGroup: 450,
  /** Kubernetes "Considerations for large clusters": at most 5,000 nodes and 150,000 pods per cluster. */
  clusterNodes: 5_000,
  clusterPods: 150_000,
  /** The largest EC2 instances: 896 vCPUs (u7i-12tb.224xlarge) and 32 TiB of memory (u7in-32tb.224xlarge). */
  instanceVcpus: 896,
  instanceMemoryGiB: 32_768,
  /** The most local NVMe instance storage of any EC2 instance (i7ie.48xlarge: 120 TB). */
  instanceNvmeGiB: 120_000,
  /** AWS WAF rate-based rules: 10 to 2,000,000,000 requests per evaluation window. */
  wafRateLimit: 2_000_000_000,
  /** A signed 32-bit integer: API Gateway usage-plan quotas, Lambda concurrency, Druid's int settings. */
  int32: 2_147_483_647,
  /** Tags per resource (EC2, IAM, S3, every tagging API): 50, user-defined plus Fastish's own. */
  tagsPerResource: 50,
  /**
   * The most tags Fastish itself puts on one resource: the EKS private subnets carry the five fastish:*
   * tags, Name, aws-cdk:subnet-name, aws-cdk:subnet-type, kubernetes.io/role/internal-elb and
   * karpenter.sh/discovery. The validate ⇒ synth property test counts every resource's tags against it.
   */
  fastishTagsPerResource: 10,
  /** EKS `publicAccessCidrs`: at most 40 CIDR blocks. */
  eksPublicAccessCidrs: 40,
  /** Inbound rules per VPC security group (default quota 60; the ALB's group also gets Fastish's rules). */
  securityGroupRules: 50,
  /**
   * Teams: the teams stack holds 3 roles with inline policies, 3 parameters and 3 outputs per team (about
   * 45 KB of template with the config tags), and a template stays within CloudFormation's 1,000,000 bytes.
   */
  teams: 20,
  /**
   * Characters of all config tag keys and values together: every taggable resource repeats them, so they
   * count once per resource toward each template's 1,000,000 bytes (the EKS stack has about 100).
   */
  configTagCharacters: 1_024,
  /** Environments: one stage (and pipeline wave) each; beyond this the pipeline stack outgrows its quotas. */
  environments: 20,
} as const;

/** Config `tags` a resource can take beside Fastish's own. */
export const MAX_CONFIG_TAGS = LIMITS.tagsPerResource - LIMITS.fastishTagsPerResource;

/** Karpenter NodePool limits beyond what a cluster of the largest instances could hold mean nothing. */
export const MAX_POOL_CPU = LIMITS.clusterNodes * LIMITS.instanceVcpus;
export const MAX_POOL_MEMORY_GIB = LIMITS.clusterNodes * LIMITS.instanceMemoryGiB;
