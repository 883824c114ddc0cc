import { z } from 'zod';
import { cidr, dnsName } from '../primitives';

/** Settings of the production EKS platform (`eks`). Every field has a default. */
export const eksSettings = z
  .strictObject({
    team: z.string().optional().meta({ description: 'Owning team (default: organization.platformTeam)' }),
    vpcCidr: cidr.default('10.0.0.0/16').meta({ description: 'VPC CIDR; subnets are carved per AZ' }),
    natGateways: z
      .enum(['per-az', 'single'])
      .default('per-az')
      .meta({ description: 'One NAT gateway per AZ (resilient) or one shared (cheaper)' }),
    publicEndpointCidrs: z
      .array(cidr)
      .default([])
      .meta({ description: 'CIDRs allowed to reach the public API endpoint; empty = private endpoint only' }),
    hostedZone: dnsName
      .optional()
      .meta({ description: 'Route 53 zone external-dns may manage (default: external-dns off)' }),
    karpenterLimits: z
      .strictObject({
        cpu: z
          .number()
          .int()
          .min(1)
          .default(1000)
          .meta({ description: 'Total vCPU Karpenter may provision' }),
        memoryGiB: z
          .number()
          .int()
          .min(1)
          .default(4000)
          .meta({ description: 'Total memory Karpenter may provision' }),
      })
      .prefault({}),
  })
  .prefault({});

export type EksSettings = z.infer<typeof eksSettings>;
