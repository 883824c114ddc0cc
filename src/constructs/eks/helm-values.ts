/**
 * Helm values Fastish sets, typed per chart (only the keys Fastish uses; every key exists in the pinned
 * chart's values.yaml, as recorded in `CHART_FACTS` and checked by test/eks/helm-contract.test.ts). Values never carry secrets: credentials reach pods through Pod Identity or
 * Kubernetes Secrets synced from Secrets Manager at run time.
 */
import { Duration } from 'aws-cdk-lib';

/**
 * Helm `--timeout` of the releases Fastish installs. aws-cdk-lib's kubectl handler runs `helm upgrade --install`
 * in a Lambda function behind the provider framework, both with a 15-minute timeout; if Helm is still waiting
 * when they time out, nothing answers CloudFormation, which then waits out its one-hour custom-resource timeout.
 * An `atomic` release that fails waits twice (Helm uninstalls or rolls back with the same timeout), so it gets
 * half; both leave minutes for the handler's own work (kubeconfig, chart download).
 */
export const HELM_TIMEOUT = {
  /** Releases with `atomic: true`: at most 2 × 5 minutes of waiting. */
  atomic: Duration.minutes(5),
  /** Releases without `atomic`: at most 10 minutes of waiting. */
  single: Duration.minutes(10),
};

export interface Toleration {
  readonly key: string;
  readonly operator: 'Exists' | 'Equal';
  readonly value?: string;
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface Resources {
  readonly requests?: { readonly cpu?: string; readonly memory?: string };
  readonly limits?: { readonly cpu?: string; readonly memory?: string };
}

/** A container env var (the `env` lists charts append to their containers). */
export interface EnvVar {
  readonly name: string;
  readonly value: string;
}

interface ServiceAccountValues {
  readonly create: boolean;
  readonly name: string;
}

/** oci://public.ecr.aws/karpenter/karpenter */
export interface KarpenterValues {
  readonly settings: {
    readonly clusterName: string;
    /** Set, so the controller needs no eks:DescribeCluster call to find the API server at startup. */
    readonly clusterEndpoint: string;
    readonly interruptionQueue: string;
  };
  readonly serviceAccount: ServiceAccountValues;
  readonly replicas: number;
  readonly dnsPolicy: 'Default' | 'ClusterFirst';
  readonly tolerations: readonly Toleration[];
  /** `env` must carry AWS_REGION: Pod Identity gives no region and the node's IMDS is out of the pod's reach. */
  readonly controller: { readonly env: readonly EnvVar[]; readonly resources: Resources };
  readonly podDisruptionBudget: { readonly name: string; readonly maxUnavailable: number };
}

/** eks-charts/aws-load-balancer-controller */
export interface AwsLoadBalancerControllerValues {
  readonly clusterName: string;
  readonly region: string;
  readonly vpcId: string;
  readonly replicaCount: number;
  readonly serviceAccount: ServiceAccountValues;
  /** Target type for Services of type LoadBalancer and Ingresses that do not set one. */
  readonly defaultTargetType: 'ip' | 'instance';
  /** Fastish applies its own validated IngressClass/IngressClassParams. */
  readonly createIngressClassResource: boolean;
  readonly enableServiceMutatorWebhook: boolean;
  readonly tolerations: readonly Toleration[];
  readonly resources: Resources;
}

/** jetstack/cert-manager */
export interface CertManagerValues {
  readonly crds: { readonly enabled: boolean; readonly keep: boolean };
  readonly replicaCount: number;
  readonly serviceAccount: ServiceAccountValues;
  readonly tolerations: readonly Toleration[];
  readonly webhook: { readonly tolerations: readonly Toleration[] };
  readonly cainjector: { readonly tolerations: readonly Toleration[] };
  readonly startupapicheck: { readonly tolerations: readonly Toleration[] };
  readonly securityContext: { readonly runAsNonRoot: boolean };
  readonly enableCertificateOwnerRef: boolean;
}

/** kubernetes-sigs/external-dns */
export interface ExternalDnsValues {
  readonly provider: { readonly name: 'aws' };
  readonly domainFilters: readonly string[];
  readonly extraArgs: readonly string[];
  readonly policy: 'upsert-only' | 'sync';
  readonly registry: 'txt';
  readonly txtOwnerId: string;
  readonly sources: readonly string[];
  readonly serviceAccount: ServiceAccountValues;
  readonly tolerations: readonly Toleration[];
  readonly env: readonly EnvVar[];
}

/** external-secrets/external-secrets */
export interface ExternalSecretsValues {
  readonly installCRDs: boolean;
  /**
   * Whether the chart's ClusterRoles aggregate into `view` and `edit` (team read-only and developer roles).
   * Off: with `edit`, any developer could create a store reading with the controller's identity. Its
   * aggregate-to-admin label cannot be turned off; the admission policy covers team admins.
   */
  readonly rbac: { readonly aggregateToView: boolean; readonly aggregateToEdit: boolean };
  readonly serviceAccount: ServiceAccountValues;
  readonly tolerations: readonly Toleration[];
  readonly webhook: { readonly tolerations: readonly Toleration[] };
  readonly certController: { readonly tolerations: readonly Toleration[] };
}

/** A k8s-monitoring destination whose credentials come from an existing Kubernetes Secret. */
export interface MonitoringDestination {
  readonly name: string;
  readonly type: 'prometheus' | 'loki';
  readonly url: string;
  readonly auth: { readonly type: 'basic'; readonly usernameKey: string; readonly passwordKey: string };
  /** `create: false`: the chart only references the Secret; no credential is in the values. */
  readonly secret: { readonly create: false; readonly name: string; readonly namespace: string };
}

/** grafana/k8s-monitoring (v2 values layout) */
export interface K8sMonitoringValues {
  readonly cluster: { readonly name: string };
  readonly destinations: readonly MonitoringDestination[];
  readonly clusterMetrics: { readonly enabled: boolean };
  readonly clusterEvents: { readonly enabled: boolean };
  readonly podLogs: { readonly enabled: boolean };
  readonly 'alloy-metrics': { readonly enabled: boolean };
  readonly 'alloy-singleton': { readonly enabled: boolean };
  readonly 'alloy-logs': { readonly enabled: boolean };
  /** Scrapes pods and services annotated `k8s.grafana.com/scrape` (Druid's Prometheus exporters). */
  readonly annotationAutodiscovery: { readonly enabled: boolean };
}
