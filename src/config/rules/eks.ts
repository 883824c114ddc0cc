import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { DRUID_OPERATOR_NAMESPACE } from '../../constructs/druid/namespaces';
import { isPlatformNamespace, PLATFORM_NAMESPACES } from '../../constructs/eks/platform-namespaces';
import type { ConfigIssue } from '../errors';
import type { EnvironmentRule } from './rule';

/** The EKS managed node group takes minSize ≤ maxSize (CreateNodegroup refuses the rest). */
export const nodeGroupBounds: EnvironmentRule = ({ settings }, at) => {
  const { minSize, maxSize } = settings.eks.systemNodes;
  if (minSize <= maxSize) return [];
  return [
    {
      path: at(['eks', 'systemNodes', 'maxSize']),
      value: maxSize,
      message: `is below systemNodes.minSize (${minSize}); a node group needs minSize ≤ maxSize`,
    },
  ];
};

/**
 * The VPC holds a public and a private subnet per zone, allocated as CDK allocates them (public first,
 * each block aligned to its size): ask CDK's own allocator, so validate and synth cannot disagree.
 */
export const subnetsFit: EnvironmentRule = ({ raw, name, settings }, at) => {
  const { vpcCidr, publicSubnetMask: pub, privateSubnetMask: priv } = settings.eks;
  const zones = raw.environments[name]?.availabilityZones ?? [];
  const requestedSubnets: ec2.RequestedSubnet[] = [];
  for (const [kind, subnetType, cidrMask] of [
    ['public', ec2.SubnetType.PUBLIC, pub],
    ['private', ec2.SubnetType.PRIVATE_WITH_EGRESS, priv],
  ] as const)
    zones.forEach((availabilityZone, i) => {
      requestedSubnets.push({
        availabilityZone,
        subnetConstructId: `${kind}${i}`,
        configuration: { name: kind, subnetType, cidrMask },
      });
    });
  try {
    ec2.IpAddresses.cidr(vpcCidr).allocateSubnetsCidr({ vpcCidr, requestedSubnets });
    return [];
  } catch {
    const need = zones.length * (2 ** (32 - pub) + 2 ** (32 - priv));
    const has = 2 ** (32 - Number(vpcCidr.split('/')[1]));
    return [
      {
        path: at(['eks', 'privateSubnetMask']),
        value: priv,
        message: `with publicSubnetMask ${pub}: ${zones.length} public /${pub} and ${zones.length} private /${priv} subnets (${need} addresses, each block aligned to its size) do not fit vpcCidr ${vpcCidr} (${has} addresses); use a larger VPC or longer masks`,
      },
    ];
  }
};

/** external-dns may change records only in a zone named by id: synth does no Route 53 lookup. */
export const hostedZoneHasId: EnvironmentRule = ({ settings }, at) =>
  settings.eks.hostedZone && !settings.eks.hostedZoneId
    ? [
        {
          path: at(['eks', 'hostedZoneId']),
          value: undefined,
          message: `is required with hostedZone "${settings.eks.hostedZone}" (synth does no lookups): the zone's id, e.g. Z0123456789ABCDEFGHIJ`,
        },
      ]
    : [];

/** The system node group runs Bottlerocket of one architecture. */
export const oneNodeArchitecture: EnvironmentRule = ({ settings }, at) => {
  const types = settings.eks.systemNodes.instanceTypes;
  const arches = types.map((t) => new ec2.InstanceType(t).architecture);
  const first = arches[0];
  const other = arches.findIndex((a) => a !== first);
  if (other < 0) return [];
  return [
    {
      path: at(['eks', 'systemNodes', 'instanceTypes', other]),
      value: types[other],
      message: `is ${arches[other]} but ${types[0]} is ${first}: one node group runs one architecture`,
    },
  ];
};

/** Team namespaces must not take a platform namespace (or Druid's and its operator's). */
export function teamNamespaceIssues(
  teams: readonly string[],
  druidNamespace: string | undefined,
): ConfigIssue[] {
  const druid = druidNamespace ? [druidNamespace, DRUID_OPERATOR_NAMESPACE] : [];
  const taken = new Set([...PLATFORM_NAMESPACES, ...druid]);
  return teams
    .filter((t) => isPlatformNamespace(t) || druid.includes(t))
    .map((t) => ({
      path: `teams.${t}`,
      value: t,
      message: `cannot be a team in an environment with eks: its namespace is the platform's (${[...taken].join(', ')}, kube-*)`,
    }));
}
