// The web app architecture's public constructs (re-exported by src/index.ts).
export { AlarmTopic, type AlarmTopicProps } from './alarm-topic';
export { ApiFirewall, type ApiFirewallLogging, type ApiFirewallProps } from './api-firewall';
export { BillingExport, type BillingExportProps } from './billing-export';
export { ConsoleHosting, type ConsoleHostingProps, type ConsoleParameter } from './console-hosting';
export type { WebAppConsoleOptions } from './console-wiring';
export { FastishFunction, type FastishFunctionProps } from './fastish-function';
export type { HealthCheckPipeline } from './health-check';
export { HealthClient, type HealthClientProps, type HealthClientReader } from './health-client';
export { OperatorDataRole, type OperatorDataRoleProps } from './operator-data-role';
export { SaasWebApp, type SaasWebAppOutputs } from './saas-web-app';
export type { SaasWebAppProps, TenantTiers } from './saas-web-app-props';
export {
  ApiMethod,
  type ApiRoute,
  type ApiThrottle,
  type GatewayErrorResponse,
  type PlatformApiKey,
  TenantApi,
  type TenantApiProps,
  type TierLimits,
} from './tenant-api';
export { TenantDataRole, type TenantDataRoleProps } from './tenant-data-role';
export {
  type PartitionAccess,
  TenantTable,
  type TenantTableIndex,
  type TenantTableProps,
} from './tenant-table';
export { TenantUserPool, type TenantUserPoolProps, WebAppMfa } from './tenant-user-pool';
export { UsageMetering, type UsageMeteringProps } from './usage-metering';
