import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';
import type { EnvironmentModel, PlatformModel, TeamRole } from '../../config';
import type {
  EksInterfaceEndpoint,
  EksPlatformProps,
  EksTeam,
  NatGatewayMode,
} from '../../constructs/eks/platform-props';
import { enumMember } from '../enum-member';
import { physicalNames } from './physical-names';

const ROLE_PROP: Record<TeamRole, 'adminRole' | 'developerRole' | 'readOnlyRole'> = {
  admin: 'adminRole',
  developer: 'developerRole',
  'read-only': 'readOnlyRole',
};

/**
 * The one place the config model becomes `EksPlatformProps`: every value explicit (the construct's
 * defaults never apply), names from the naming module, team roles as the bootstrap stack names them.
 * `scope` is the stack the imported zone and roles are referenced from.
 */
export function eksPlatformProps(
  scope: Construct,
  platform: PlatformModel,
  env: EnvironmentModel,
): EksPlatformProps {
  const s = env.settings.eks;
  const n = env.naming;
  const org = platform.organization;
  return {
    clusterName: n.name('eksCluster', 'eks'),
    network: {
      cidr: s.vpcCidr,
      availabilityZones: [...env.availabilityZones],
      privateSubnetMask: s.privateSubnetMask,
      publicSubnetMask: s.publicSubnetMask,
      natGateways: enumMember<NatGatewayMode>(s.natGateways),
      interfaceEndpoints: s.interfaceEndpoints.map((e) => enumMember<EksInterfaceEndpoint>(e)),
    },
    publicEndpointCidrs: [...s.publicEndpointCidrs],
    systemNodes: { ...s.systemNodes, instanceTypes: [...s.systemNodes.instanceTypes] },
    nodePools: {
      defaultLimits: s.karpenterLimits,
      graviton: { ...s.nodePools.graviton, instanceFamilies: [...s.nodePools.graviton.instanceFamilies] },
      gpu: { ...s.nodePools.gpu, instanceFamilies: [...s.nodePools.gpu.instanceFamilies] },
      localNvme: { ...s.nodePools.localNvme, instanceFamilies: [...s.nodePools.localNvme.instanceFamilies] },
    },
    wafRateLimit: s.wafRateLimit,
    hostedZone:
      s.hostedZone && s.hostedZoneId
        ? route53.HostedZone.fromHostedZoneAttributes(scope, 'Zone', {
            hostedZoneId: s.hostedZoneId,
            zoneName: s.hostedZone,
          })
        : undefined,
    letsEncryptEmail: s.letsEncryptEmail ?? `hostmaster@${org.domain}`,
    grafanaCloud: s.grafanaCloud,
    teams: platform.teams.map((t): EksTeam => {
      const levels = [...new Set(t.contributors.map((c) => c.role))].sort() as TeamRole[];
      const roles: Record<string, iam.IRole> = {};
      for (const level of levels) {
        // The bootstrap stack's team role, by the name it gives it.
        roles[ROLE_PROP[level]] = iam.Role.fromRoleArn(
          scope,
          `TeamRole-${t.name}-${level}`,
          `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/${n.roleName(`team-${t.name}-${level}`)}`,
          { mutable: false },
        );
      }
      return { name: t.name, ...roles, clusterAdmin: t.name === org.platformTeam };
    }),
    teamQuota: s.teamQuota,
    logRetention: env.settings.logRetentionDays as logs.RetentionDays,
    physicalNames: physicalNames(n, 'eks'),
  };
}
