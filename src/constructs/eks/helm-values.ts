/**
 * Helm values Fastish sets, typed per chart (only the keys Fastish uses; every key exists in the pinned
 * chart's values.yaml). Values never carry secrets: credentials reach pods through Pod Identity or
 * Kubernetes Secrets synced from Secrets Manager at run time.
 */

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

interface ServiceAccountValues {
  readonly create: boolean;
  readonly name: string;
}

/** oci://public.ecr.aws/karpenter/karpenter */
export interface KarpenterValues {
  readonly settings: { readonly clusterName: string; readonly interruptionQueue: string };
  readonly serviceAccount: ServiceAccountValues;
  readonly replicas: number;
  readonly dnsPolicy: 'Default' | 'ClusterFirst';
  readonly tolerations: readonly Toleration[];
  readonly controller: { readonly resources: Resources };
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
  readonly env: readonly { readonly name: string; readonly value: string }[];
}

/** external-secrets/external-secrets */
export interface ExternalSecretsValues {
  readonly installCRDs: boolean;
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
}
