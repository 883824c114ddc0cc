import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { applyRules, FASTISH_RULES } from '../../src/checks/pack';
import { eksPublicEndpoint } from '../../src/checks/rules/eks-public-endpoint';
import { type CfnTemplate, contextOf } from '../../src/checks/types';
import { buildEksStack, eksPlatform } from '../eks/fixture';

const cluster = (vpcConfig: Record<string, unknown>): CfnTemplate => ({
  Resources: { Cluster: { Type: 'AWS::EKS::Cluster', Properties: { ResourcesVpcConfig: vpcConfig } } },
});

const CASES: { name: string; vpc: Record<string, unknown>; finding: RegExp | undefined }[] = [
  { name: 'private endpoint only', vpc: { EndpointPublicAccess: false }, finding: undefined },
  {
    name: 'public, restricted to an office network',
    vpc: { EndpointPublicAccess: true, PublicAccessCidrs: ['203.0.113.0/24'] },
    finding: undefined,
  },
  {
    name: 'public, open to 0.0.0.0/0',
    vpc: { EndpointPublicAccess: true, PublicAccessCidrs: ['203.0.113.0/24', '0.0.0.0/0'] },
    finding: /open to 0\.0\.0\.0\/0/,
  },
  {
    name: 'public without PublicAccessCidrs (EKS opens it to 0.0.0.0/0)',
    vpc: { EndpointPublicAccess: true },
    finding: /no PublicAccessCidrs/,
  },
];

describe('FST-NET1 eks-public-endpoint', () => {
  it('is in the pack', () => expect(FASTISH_RULES).toContain(eksPublicEndpoint));

  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const findings = applyRules(contextOf(cluster(c.vpc), 'acme-dev-eks'), [eksPublicEndpoint]);
    if (!c.finding) expect(findings).toEqual([]);
    else {
      expect(findings).toHaveLength(1);
      expect(findings[0]).toMatchObject({ ruleId: 'FST-NET1', logicalId: 'Cluster', severity: 'error' });
      expect(findings[0]?.message).toMatch(c.finding);
    }
  });
});

describe('FST-NET1 on the EKS stack the config builds', () => {
  it.each([
    [['0.0.0.0/0'], 1],
    [['203.0.113.0/24'], 0],
  ] as const)('publicEndpointCidrs %j: %i finding(s)', (cidrs, count) => {
    const { app, stack } = buildEksStack(eksPlatform({ publicEndpointCidrs: [...cidrs] }));
    app.synth();
    const template = Template.fromStack(stack).toJSON() as CfnTemplate;
    expect(applyRules(contextOf(template, stack.stackName), [eksPublicEndpoint])).toHaveLength(count);
  });
});
