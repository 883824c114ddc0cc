// biome-ignore-all lint/suspicious/noExplicitAny: synthesized template JSON is untyped; assertions narrow it
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { EksInterfaceEndpoint, EksPlatform, NatGatewayMode } from '../../src';
import { eksSettings, INTERFACE_ENDPOINTS } from '../../src/config/architectures/eks';
import { EKS_PLATFORM_DEFAULTS } from '../../src/constructs/eks/platform';
import { manifestsOf } from './manifests';

const ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];

function platformIn(props: ConstructorParameters<typeof EksPlatform>[2] = {}) {
  const app = new App({ context: cxapi.CURRENTLY_RECOMMENDED_FLAGS });
  const stack = new Stack(app, 'Platform', { env: { account: '555555555555', region: 'eu-west-1' } });
  const platform = new EksPlatform(stack, 'Eks', { network: { availabilityZones: ZONES }, ...props });
  return { stack, platform, template: Template.fromStack(stack) };
}

describe('EksPlatform with its own VPC (plain CDK app, defaults)', () => {
  let t: Template;
  beforeAll(() => {
    t = platformIn().template;
  });

  it('creates a VPC with a NAT gateway per zone, all-traffic flow logs and every interface endpoint', () => {
    t.resourceCountIs('AWS::EC2::NatGateway', 3);
    t.hasResourceProperties('AWS::EC2::FlowLog', {
      TrafficType: 'ALL',
      LogDestinationType: 'cloud-watch-logs',
    });
    t.resourceCountIs('AWS::EC2::VPCEndpoint', Object.values(EksInterfaceEndpoint).length + 1); // + S3 gateway
  });

  it('launches Graviton but no GPU or NVMe pools unless asked', () => {
    const pools = manifestsOf(t.toJSON() as any)
      .flatMap((m) => m.docs)
      .filter((d: any) => d.kind === 'NodePool')
      .map((d: any) => d.metadata.name);
    expect(pools).toContain('graviton');
    expect(pools).not.toContain('gpu');
    const withGpu = manifestsOf(
      platformIn({ nodePools: { gpu: { enabled: true } } }).template.toJSON() as any,
    )
      .flatMap((m) => m.docs)
      .filter((d: any) => d.kind === 'NodePool')
      .map((d: any) => d.metadata.name);
    expect(withGpu).toContain('gpu');
  });

  it('single NAT gateway when asked', () => {
    platformIn({
      network: { availabilityZones: ZONES, natGateways: NatGatewayMode.SINGLE },
    }).template.resourceCountIs('AWS::EC2::NatGateway', 1);
  });

  it('has the same defaults as the config schema (an empty `eks: {}`)', () => {
    const s = eksSettings.parse({});
    const D = EKS_PLATFORM_DEFAULTS;
    expect({
      cidr: s.vpcCidr,
      privateSubnetMask: s.privateSubnetMask,
      publicSubnetMask: s.publicSubnetMask,
      wafRateLimit: s.wafRateLimit,
      systemNodes: s.systemNodes,
      defaultPoolLimits: s.karpenterLimits,
      graviton: s.nodePools.graviton,
      gpu: s.nodePools.gpu,
      localNvme: s.nodePools.localNvme,
      teamQuota: s.teamQuota,
    }).toEqual(D);
    expect(s.natGateways).toBe(NatGatewayMode.PER_AZ);
    expect([...INTERFACE_ENDPOINTS].sort()).toEqual(Object.values(EksInterfaceEndpoint).sort());
    expect(s.publicEndpointCidrs).toEqual([]);
  });

  it('refuses a team that would take over a platform namespace, in prop terms', () => {
    expect(() => platformIn({ teams: [{ name: 'cert-manager' }] })).toThrow(
      /Platform\/Eks: team "cert-manager" would take over a platform namespace/,
    );
    expect(() => platformIn({ teams: [{ name: 'kube-flow' }] })).toThrow(/team "kube-flow" would take over/);
    expect(() => platformIn({ teams: [{ name: 'Data_Team' }] })).toThrow(
      /team "Data_Team" is not a namespace name/,
    );
  });
});
