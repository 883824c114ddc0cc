import { z } from 'zod';
import { LIMITS, MAX_POOL_CPU, MAX_POOL_MEMORY_GIB } from '../limits';
import { cidr, dnsName, vpcCidr } from '../primitives';

const instanceFamily = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, { message: 'is not an EC2 instance family (e.g. m7g, g6, i4i)' });

const instanceType = z
  .string()
  .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { message: 'is not an EC2 instance type (e.g. m7g.large)' });

const nodeGroupSize = z
  .number()
  .int()
  .min(1)
  .max(LIMITS.nodesPerManagedNodeGroup, {
    message: `must be at most ${LIMITS.nodesPerManagedNodeGroup} (EKS: nodes per managed node group)`,
  });

/** A Kubernetes resource quantity (`20`, `500m`, `64Gi`). */
const quantity = z.string().regex(/^([0-9]+(\.[0-9]+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/, {
  message: 'is not a Kubernetes quantity (e.g. 20, 500m, 64Gi)',
});

const httpsUrl = z.url({ protocol: /^https$/, message: 'must be an https:// URL' });

// Kubernetes' largest supported cluster of the largest EC2 instances: a larger limit is no limit.
const poolCpu = z
  .number()
  .int()
  .min(1)
  .max(MAX_POOL_CPU, {
    message: `must be at most ${MAX_POOL_CPU} vCPU (${LIMITS.clusterNodes} nodes of ${LIMITS.instanceVcpus} vCPUs)`,
  });
const poolMemory = z
  .number()
  .int()
  .min(1)
  .max(MAX_POOL_MEMORY_GIB, {
    message: `must be at most ${MAX_POOL_MEMORY_GIB} GiB (${LIMITS.clusterNodes} nodes of ${LIMITS.instanceMemoryGiB} GiB)`,
  });

const poolLimits = (cpu: number, memoryGiB: number) =>
  z
    .strictObject({
      cpu: poolCpu.default(cpu).meta({ description: 'Total vCPU this pool may provision' }),
      memoryGiB: poolMemory
        .default(memoryGiB)
        .meta({ description: 'Total memory (GiB) this pool may provision' }),
    })
    .prefault({});

/** An optional Karpenter NodePool beyond the default one. */
const extraPool = (opts: {
  enabled: boolean;
  families: string[];
  cpu: number;
  memoryGiB: number;
  what: string;
}) =>
  z
    .strictObject({
      enabled: z
        .boolean()
        .default(opts.enabled)
        .meta({ description: `Create the ${opts.what} NodePool` }),
      instanceFamilies: z
        .array(instanceFamily)
        .min(1)
        .max(50)
        .default(opts.families)
        .meta({ description: `Instance families the ${opts.what} pool may launch` }),
      limits: poolLimits(opts.cpu, opts.memoryGiB),
    })
    .prefault({});

/** Interface endpoints the VPC may get (service suffixes of `com.amazonaws.<region>.`); all by default. */
export const INTERFACE_ENDPOINTS = [
  'ecr.api',
  'ecr.dkr',
  'sts',
  'logs',
  'ec2',
  'ssm',
  'sqs',
  'eks',
  'eks-auth',
  'secretsmanager',
] as const;

/** Settings of the production EKS platform (`eks`). Every field has a default. */
export const eksSettings = z
  .strictObject({
    team: z.string().optional().meta({ description: 'Owning team (default: organization.platformTeam)' }),
    vpcCidr: vpcCidr.default('10.0.0.0/16').meta({ description: 'VPC CIDR; subnets are carved per AZ' }),
    privateSubnetMask: z
      .number()
      .int()
      .min(16)
      .max(24)
      .default(19)
      .meta({ description: 'Prefix length of each private (node and pod) subnet; pods take VPC IPs' }),
    publicSubnetMask: z
      .number()
      .int()
      .min(20)
      .max(28)
      .default(22)
      .meta({ description: 'Prefix length of each public (load balancer, NAT) subnet' }),
    natGateways: z
      .enum(['per-az', 'single'])
      .default('per-az')
      .meta({ description: 'One NAT gateway per AZ (resilient) or one shared (cheaper)' }),
    interfaceEndpoints: z
      .array(z.enum(INTERFACE_ENDPOINTS))
      .max(INTERFACE_ENDPOINTS.length)
      .default([...INTERFACE_ENDPOINTS])
      .meta({
        description: 'Interface VPC endpoints (private AWS API access for nodes, Karpenter, Pod Identity)',
      }),
    publicEndpointCidrs: z
      .array(cidr)
      .max(LIMITS.eksPublicAccessCidrs, {
        message: `takes at most ${LIMITS.eksPublicAccessCidrs} CIDR blocks (EKS public access CIDRs)`,
      })
      .default([])
      .meta({ description: 'CIDRs allowed to reach the public API endpoint; empty = private endpoint only' }),
    hostedZone: dnsName
      .optional()
      .meta({ description: 'Route 53 zone external-dns may manage (default: external-dns off)' }),
    hostedZoneId: z
      .string()
      .regex(/^Z[A-Z0-9]{1,31}$/, {
        message: 'is not a Route 53 hosted zone id (e.g. Z0123456789ABCDEFGHIJ)',
      })
      .optional()
      .meta({ description: 'Id of `hostedZone`; external-dns may change records only in this zone' }),
    letsEncryptEmail: z
      .email()
      .optional()
      .meta({ description: "Let's Encrypt account e-mail (default: hostmaster@<organization.domain>)" }),
    wafRateLimit: z
      .number()
      .int()
      .min(100)
      .max(LIMITS.wafRateLimit, {
        message: `must be at most ${LIMITS.wafRateLimit} (AWS WAF rate-based rules)`,
      })
      .default(2000)
      .meta({ description: 'Requests per 5 minutes per client IP before the ALB web ACL blocks' }),
    systemNodes: z
      .strictObject({
        instanceTypes: z
          .array(instanceType)
          .min(1)
          .max(20)
          .default(['m7g.large'])
          .meta({ description: 'Instance types of the Bottlerocket (arm64) system node group' }),
        minSize: nodeGroupSize.default(2).meta({ description: 'Minimum system nodes' }),
        maxSize: nodeGroupSize.default(4).meta({ description: 'Maximum system nodes (at least minSize)' }),
      })
      .prefault({}),
    karpenterLimits: z
      .strictObject({
        cpu: poolCpu.default(1000).meta({ description: 'Total vCPU Karpenter may provision' }),
        memoryGiB: poolMemory.default(4000).meta({ description: 'Total memory Karpenter may provision' }),
      })
      .prefault({}),
    nodePools: z
      .strictObject({
        graviton: extraPool({
          enabled: true,
          families: ['m7g', 'c7g', 'r7g', 'm8g', 'c8g'],
          cpu: 500,
          memoryGiB: 2000,
          what: 'Graviton (arm64)',
        }),
        gpu: extraPool({
          enabled: false,
          families: ['g6', 'g6e', 'g5'],
          cpu: 200,
          memoryGiB: 1600,
          what: 'GPU',
        }),
        localNvme: extraPool({
          enabled: false,
          families: ['i4i', 'i4g', 'm6id', 'r6id'],
          cpu: 200,
          memoryGiB: 1600,
          what: 'local-NVMe',
        }),
      })
      .prefault({}),
    grafanaCloud: z
      .strictObject({
        prometheusUrl: httpsUrl.meta({ description: 'Grafana Cloud Prometheus remote-write URL' }),
        lokiUrl: httpsUrl.meta({ description: 'Grafana Cloud Loki push URL' }),
      })
      .optional()
      .meta({
        description:
          'Grafana Cloud endpoints; set to install Alloy (k8s-monitoring). Credentials go in the Secrets Manager secret the stack creates, never here',
      }),
    teamQuota: z
      .strictObject({
        cpu: quantity.default('20').meta({ description: 'requests.cpu quota per team namespace' }),
        memory: quantity.default('64Gi').meta({ description: 'requests.memory quota per team namespace' }),
        pods: z
          .number()
          .int()
          .min(1)
          .max(LIMITS.clusterPods, {
            message: `must be at most ${LIMITS.clusterPods} (pods per Kubernetes cluster)`,
          })
          .default(200)
          .meta({ description: 'Pod count quota per team namespace' }),
      })
      .prefault({}),
  })
  .prefault({});

export type EksSettings = z.infer<typeof eksSettings>;
