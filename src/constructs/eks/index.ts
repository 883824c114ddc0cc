// The EKS architecture's public constructs (re-exported by src/index.ts).
export { AlbController, type AlbControllerProps } from './addons/alb-controller';
export { CertManager, type CertManagerProps } from './addons/cert-manager';
export { CoreAddons, type CoreAddonsProps } from './addons/core-addons';
export { ExternalDns, type ExternalDnsProps } from './addons/external-dns';
export { ExternalSecrets, type ExternalSecretsProps } from './addons/external-secrets';
export { EksCluster, type EksClusterProps } from './cluster';
export { Karpenter, type KarpenterProps } from './karpenter';
export { GrafanaCloudObservability, type GrafanaCloudObservabilityProps } from './observability';
export { PodIdentityRole, type PodIdentityRoleProps } from './pod-identity';
export { TeamNamespaces, type TeamNamespacesProps } from './teams';
export { EksVpc, type EksVpcProps } from './vpc';
