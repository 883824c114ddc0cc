import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as route53 from 'aws-cdk-lib/aws-route53';
import type { IPhysicalNames } from './naming';
import { EksInterfaceEndpoint, NatGatewayMode } from './vpc';

export { EksInterfaceEndpoint, NatGatewayMode };

/** Every interface endpoint (the default). */
export const ALL_INTERFACE_ENDPOINTS: readonly EksInterfaceEndpoint[] = Object.values(EksInterfaceEndpoint);

/** The VPC the platform creates when it is not given one. */
export interface EksNetworkOptions {
  /** IPv4 CIDR of the VPC. @default '10.0.0.0/16' */
  readonly cidr?: string;
  /**
   * Availability zones of the subnets (explicit: synth does no lookups).
   * @default the stack's first three zones (`Stack.availabilityZones`; `Fn::GetAZs` in an environment-agnostic stack)
   */
  readonly availabilityZones?: string[];
  /** Prefix length of each private subnet (nodes and pods: VPC CNI gives every pod a VPC address). @default 19 */
  readonly privateSubnetMask?: number;
  /** Prefix length of each public subnet (load balancers, NAT). @default 22 */
  readonly publicSubnetMask?: number;
  /** @default NatGatewayMode.PER_AZ */
  readonly natGateways?: NatGatewayMode;
  /** Interface endpoints in the private subnets. @default all of `EksInterfaceEndpoint` */
  readonly interfaceEndpoints?: EksInterfaceEndpoint[];
}

/** The Bottlerocket (arm64) managed node group that runs the system add-ons. */
export interface EksSystemNodes {
  /** Instance types, all of one architecture. @default ['m7g.large'] */
  readonly instanceTypes?: string[];
  /** @default 2 */
  readonly minSize?: number;
  /** @default 4 */
  readonly maxSize?: number;
}

/** Total resources a Karpenter NodePool may provision. */
export interface NodePoolLimits {
  /** vCPUs. */
  readonly cpu: number;
  /** Memory in GiB. */
  readonly memoryGiB: number;
}

/** An optional Karpenter NodePool of the platform. */
export interface EksExtraNodePool {
  /** Create the pool. @default true for Graviton, false for GPU and local NVMe */
  readonly enabled?: boolean;
  /**
   * EC2 instance families the pool may launch.
   * @default Graviton: m7g, c7g, r7g, m8g, c8g; GPU: g6, g6e, g5; local NVMe: i4i, i4g, m6id, r6id
   */
  readonly instanceFamilies?: string[];
  /** @default Graviton 500 vCPU / 2000 GiB; GPU and local NVMe 200 vCPU / 1600 GiB */
  readonly limits?: NodePoolLimits;
}

/** Karpenter NodePools: a general-purpose amd64 pool and three optional ones. */
export interface EksNodePools {
  /** Limits of the default (general-purpose, amd64) pool. @default 1000 vCPU / 4000 GiB */
  readonly defaultLimits?: NodePoolLimits;
  /** Graviton (arm64) pool; pods opt in by tolerating `fastish.io/arch=arm64`. @default enabled */
  readonly graviton?: EksExtraNodePool;
  /** GPU pool. @default disabled */
  readonly gpu?: EksExtraNodePool;
  /** Pool of instances with local NVMe instance store. @default disabled */
  readonly localNvme?: EksExtraNodePool;
}

/** Grafana Cloud endpoints Alloy ships metrics and logs to (credentials go in a generated secret). */
export interface GrafanaCloudOptions {
  /** Prometheus remote-write URL (https). */
  readonly prometheusUrl: string;
  /** Loki push URL (https). */
  readonly lokiUrl: string;
}

/** Resource quota of every team namespace. */
export interface TeamQuota {
  /** `requests.cpu` (a Kubernetes quantity). @default '20' */
  readonly cpu?: string;
  /** `requests.memory` (a Kubernetes quantity). @default '64Gi' */
  readonly memory?: string;
  /** Pod count. @default 200 */
  readonly pods?: number;
}

/** A team with its own namespace; each role given is mapped into it at its level. */
export interface EksTeam {
  /** Team name, also its namespace (a DNS label; not `default`, `kube-*` or a platform namespace). */
  readonly name: string;
  /** Role bound to the `admin` ClusterRole in the namespace. @default no admin access */
  readonly adminRole?: iam.IRole;
  /** Role bound to the `edit` ClusterRole in the namespace. @default no developer access */
  readonly developerRole?: iam.IRole;
  /** Role bound to the `view` ClusterRole in the namespace. @default no read-only access */
  readonly readOnlyRole?: iam.IRole;
  /** The admin role is also cluster-wide admin (the platform team). @default false */
  readonly clusterAdmin?: boolean;
}

/** Props of `EksPlatform`; every one optional. */
export interface EksPlatformProps {
  /**
   * Physical cluster name: subnet and security-group discovery tags and IAM conditions embed it, so it is
   * a plain string, never a token.
   * @default a name derived from the construct path (unique in the account)
   */
  readonly clusterName?: string;
  /**
   * A VPC of your own. Its subnets are tagged for load balancer and Karpenter discovery when they are
   * defined in this app (imported subnets must carry `kubernetes.io/role/internal-elb`,
   * `kubernetes.io/role/elb` and `karpenter.sh/discovery=<clusterName>` already); its flow logs are yours.
   * @default a new VPC as `network` describes, with all-traffic flow logs into an encrypted log group
   */
  readonly vpc?: ec2.IVpc;
  /** The VPC the platform creates (ignored with `vpc`). @default see `EksNetworkOptions` */
  readonly network?: EksNetworkOptions;
  /** CIDRs that may reach the public API endpoint. @default [] (private endpoint only) */
  readonly publicEndpointCidrs?: string[];
  /** @default see `EksSystemNodes` */
  readonly systemNodes?: EksSystemNodes;
  /** @default see `EksNodePools` */
  readonly nodePools?: EksNodePools;
  /** Requests per 5 minutes per client IP before the public ALBs' web ACL blocks. @default 2000 */
  readonly wafRateLimit?: number;
  /**
   * Public hosted zone: with it, an ACM certificate for the zone and `*.zone`, Let's Encrypt DNS-01 issuers
   * and external-dns (records in this zone only).
   * @default none (no public certificate, no ACME issuer, no external-dns)
   */
  readonly hostedZone?: route53.IHostedZone;
  /** Let's Encrypt account e-mail. @default `hostmaster@<hostedZone>` */
  readonly letsEncryptEmail?: string;
  /** Ship metrics and logs to Grafana Cloud. @default no observability stack */
  readonly grafanaCloud?: GrafanaCloudOptions;
  /** Team namespaces. @default none */
  readonly teams?: EksTeam[];
  /** @default see `TeamQuota` */
  readonly teamQuota?: TeamQuota;
  /** Retention of the control-plane and flow-log groups. @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /** Physical names of roles, keys, queues and secrets. @default CloudFormation-generated names */
  readonly physicalNames?: IPhysicalNames;
}
