import type * as eks from 'aws-cdk-lib/aws-eks-v2';
import type { ChartVersion } from '../../../versions';
import type { DruidClusterSettings } from '../settings';
import type { DruidApiCall } from '../specs';

/** A Kubernetes object as handed to the kubectl handler. */
export type K8sObject = { readonly apiVersion: string; readonly kind: string } & Record<string, unknown>;
export const obj = <T extends object>(value: T): K8sObject => value as unknown as K8sObject;

/** Druid services, each with its own service account (and Pod Identity role). */
export const DRUID_SERVICES = ['coordinator', 'broker', 'router', 'historical', 'middlemanager'] as const;
export type DruidService = (typeof DRUID_SERVICES)[number];

export const DRUID_PORTS = {
  coordinator: 8281,
  broker: 8282,
  historical: 8283,
  middlemanager: 8291,
  router: 9088,
} as const;
/** Prometheus exporter port of every long-running Druid process (one per pod; peons do not export). */
export const PROMETHEUS_PORT = 9091;
export const MIB = 1024 * 1024;

/** Kubernetes Secret names the pods read; filled by External Secrets from Secrets Manager. */
export const K8S_SECRETS = {
  metadata: 'druid-metadata-credentials',
  admin: 'druid-admin-password',
  internal: 'druid-internal-client-password',
  keystore: 'druid-keystore-password',
  tls: 'druid-tls',
} as const;

/** Service account of the Job that creates the Kafka topics (its own Pod Identity role). */
export const TOPIC_JOB_SERVICE_ACCOUNT = 'druid-kafka-topics';

export const LABELS = { 'app.kubernetes.io/part-of': 'druid', 'app.kubernetes.io/managed-by': 'fastish' };

/** MSK Serverless topics the stack creates before Druid's supervisors read them. */
export interface KafkaTopics {
  /** IAM SASL bootstrap servers (deploy-time token). */
  readonly bootstrapServers: string;
  readonly topics: readonly { readonly name: string; readonly partitions: number }[];
}

export interface DruidKubernetesProps {
  readonly cluster: eks.ICluster;
  readonly region: string;
  readonly vpcCidr: string;
  readonly settings: DruidClusterSettings;
  readonly image: string;
  readonly operatorChart: ChartVersion;
  readonly curlImage: string;
  /** apache/kafka image whose CLI creates the MSK topics. */
  readonly kafkaImage: string;
  /** aws-msk-iam-auth shadow jar the Kafka clients need (downloaded at pod start, digest-checked). */
  readonly mskIamAuth: { readonly url: string; readonly sha256: string; readonly version: string };
  /** Karpenter: node role and pinned Bottlerocket release for the NVMe EC2NodeClass. */
  readonly karpenter: {
    readonly nodeRoleName: string;
    readonly bottlerocketVersion: string;
    readonly clusterName: string;
  };
  readonly storage: {
    readonly deepStorageBucket: string;
    readonly indexLogsBucket: string;
    readonly scratchBucket: string;
    readonly kmsKeyArn: string;
  };
  readonly jdbcUrl: string;
  /** PostgreSQL user Druid connects as (not the cluster's master user). */
  readonly metadataUser: string;
  /** Secrets Manager secret ARNs (never values) the pods' Kubernetes Secrets are synced from. */
  readonly secretArns: {
    readonly metadata: string;
    readonly admin: string;
    readonly internal: string;
    readonly keystore: string;
  };
  readonly ingress: {
    readonly hostname: string;
    readonly certificateArn?: string;
    readonly allowedCidrs: readonly string[];
    readonly ingressClass: string;
  };
  /** Supervisor specs, rules, compaction configs and batch tasks the applier Jobs post. */
  readonly apiCalls: readonly DruidApiCall[];
  /** MSK topics to create (absent without MSK). */
  readonly kafka?: KafkaTopics;
}

/** Node key of a historical tier: `historicals` for the default tier, `historicals-<tier>` otherwise. */
export function historicalKey(tier: { name: string }): string {
  return tier.name === '_default_tier' ? 'historicals' : `historicals-${tier.name.replace(/_/g, '-')}`;
}

export function nodePoolName(clusterName: string, role: string): string {
  return `druid-${clusterName}-${role}`.slice(0, 63).replace(/-+$/, '');
}
