// The EKS architecture's public constructs (re-exported by src/index.ts). The platform's parts
// (add-ons, Karpenter, team namespaces…) stay internal: their shapes carry Kubernetes models.
export { type IPhysicalNames, NamedResource } from './naming';
export { EksPlatform, type WorkloadPodIdentityOptions } from './platform';
export type {
  EksExtraNodePool,
  EksNetworkOptions,
  EksNodePools,
  EksPlatformProps,
  EksSystemNodes,
  EksTeam,
  GrafanaCloudOptions,
  NodePoolLimits,
  TeamQuota,
} from './platform-props';
export { PodIdentityRole, type PodIdentityRoleProps } from './pod-identity';
export { EksInterfaceEndpoint, NatGatewayMode } from './vpc';
export type { IEksWorkloadHost } from './workload-host';
