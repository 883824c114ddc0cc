import { type App, Stage } from 'aws-cdk-lib';
import { createApp } from '../../src/app/platform';
import type { PlatformModel } from '../../src/config';
import { validateConfig } from '../../src/config';
import { EksStack } from '../../src/stacks/eks/eks-stack';

/** A platform with three teams and one environment that enables `eks`; `eks` overrides merge in. */
export function eksPlatform(eks: Record<string, unknown> = {}): PlatformModel {
  return validateConfig({
    organization: { name: 'acme', domain: 'acme.example.com', platformTeam: 'platform' },
    teams: {
      platform: {
        costCenter: 'CC-1',
        contributors: [
          { principal: 'arn:aws:iam::111111111111:role/PlatformAdmins', role: 'admin' },
          { principal: 'arn:aws:iam::111111111111:role/OnCall', role: 'developer' },
        ],
      },
      analytics: {
        costCenter: 'CC-2',
        contributors: [
          { principal: 'arn:aws:iam::111111111111:role/Data', role: 'developer' },
          { principal: 'arn:aws:iam::111111111111:role/Analysts', role: 'read-only' },
        ],
      },
      product: { costCenter: 'CC-3', contributors: [] },
    },
    environments: {
      prod: {
        account: '333333333333',
        region: 'eu-west-1',
        availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
        architectures: ['eks'],
        overrides: { eks },
      },
    },
  });
}

export interface EksFixture {
  readonly app: App;
  readonly stack: EksStack;
}

/** Builds only the EKS stack (no bootstrap stack), as `buildPlatform` would for this environment. */
export function buildEksStack(platform: PlatformModel): EksFixture {
  const app = createApp();
  const env = platform.environments[0];
  if (!env) throw new Error('no environment');
  const stage = new Stage(app, env.name, { env: { account: env.account, region: env.region } });
  const stack = new EksStack(stage, 'eks', { platform, environment: env });
  return { app, stack };
}
