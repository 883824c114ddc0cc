/**
 * Fastish as a construct library: the constructs a CDK app composes beside its own resources.
 *
 * Organised by architecture, one block each, so the blocks change independently. Only classes,
 * interfaces and enums belong here (the jsii surface); the config-driven app (`src/app`, the CLI)
 * is not part of the library's API.
 */

// ── Druid ──────────────────────────────────────────────────────────────────────────────────────
export { DruidKubernetes } from './constructs/druid/druid-kubernetes';
export type { DruidKubernetesProps } from './constructs/druid/kubernetes/types';
export { DruidMetadataStore, type DruidMetadataStoreProps } from './constructs/druid/metadata-store';
export { MetadataUser, type MetadataUserProps } from './constructs/druid/metadata-user';
export { DruidStorage, type DruidStorageProps } from './constructs/druid/storage';
export { DruidStreams, type DruidStreamsProps } from './constructs/druid/streams';
// ── EKS ────────────────────────────────────────────────────────────────────────────────────────
export { AlbController, type AlbControllerProps } from './constructs/eks/addons/alb-controller';
export { CertManager, type CertManagerProps } from './constructs/eks/addons/cert-manager';
export { CoreAddons, type CoreAddonsProps } from './constructs/eks/addons/core-addons';
export { ExternalDns, type ExternalDnsProps } from './constructs/eks/addons/external-dns';
export { ExternalSecrets, type ExternalSecretsProps } from './constructs/eks/addons/external-secrets';
export { EksCluster, type EksClusterProps } from './constructs/eks/cluster';
export { Karpenter, type KarpenterProps } from './constructs/eks/karpenter';
export {
  GrafanaCloudObservability,
  type GrafanaCloudObservabilityProps,
} from './constructs/eks/observability';
export { PodIdentityRole, type PodIdentityRoleProps } from './constructs/eks/pod-identity';
export { TeamNamespaces, type TeamNamespacesProps } from './constructs/eks/teams';
export { EksVpc, type EksVpcProps } from './constructs/eks/vpc';
// ── Common ─────────────────────────────────────────────────────────────────────────────────────
export { EncryptionKey, type EncryptionKeyProps } from './constructs/encryption-key';
export { FastishStack, type FastishStackProps } from './constructs/fastish-stack';
export { PublishedValue, type PublishedValueProps } from './constructs/published-value';
export { SecureBucket, type SecureBucketProps } from './constructs/secure-bucket';
// ── Web app ────────────────────────────────────────────────────────────────────────────────────
export { AlarmTopic, type AlarmTopicProps } from './constructs/webapp/alarm-topic';
export { ApiFirewall, type ApiFirewallProps } from './constructs/webapp/api-firewall';
export { ConsoleHosting, type ConsoleHostingProps } from './constructs/webapp/console-hosting';
export { FastishFunction, type FastishFunctionProps } from './constructs/webapp/fastish-function';
export { HealthClient, type HealthClientProps } from './constructs/webapp/health-client';
export { OperatorDataRole, type OperatorDataRoleProps } from './constructs/webapp/operator-data-role';
export { type ApiRoute, TenantApi, type TenantApiProps } from './constructs/webapp/tenant-api';
export { TenantDataRole, type TenantDataRoleProps } from './constructs/webapp/tenant-data-role';
export { type PartitionAccess, TenantTable, type TenantTableProps } from './constructs/webapp/tenant-table';
export { TenantUserPool, type TenantUserPoolProps } from './constructs/webapp/tenant-user-pool';
export { UsageMetering, type UsageMeteringProps } from './constructs/webapp/usage-metering';
// ── Bootstrap ──────────────────────────────────────────────────────────────────────────────────
export { DeploymentRoles, type DeploymentRolesProps } from './stacks/bootstrap/deployment-roles';
export { HandshakeRole, type HandshakeRoleProps } from './stacks/bootstrap/handshake-role';
export { TeamRoles, type TeamRolesProps } from './stacks/bootstrap/team-roles';
export { WorkloadBoundary, type WorkloadBoundaryProps } from './stacks/bootstrap/workload-boundary';
