import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { describe, expect, it } from 'vitest';
import { FastishBootstrap, SaasWebApp } from '../../src';
import type { EnvironmentModel, PlatformModel } from '../../src/config';
import { environmentSettingsSchema } from '../../src/config/schema';
import { bootstrapProps } from '../../src/stacks/bootstrap/props-from-config';
import { webAppProps } from '../../src/stacks/webapp/props-from-config';
import { exampleModel } from '../checks/example';

/**
 * The config's defaults and the constructs' documented defaults are one behaviour: an environment that
 * sets nothing synthesizes, through the config layer, exactly what the construct builds from its own
 * defaults. (A default changed on one side only fails here.)
 */
function withDefaultSettings(model: PlatformModel): { platform: PlatformModel; env: EnvironmentModel } {
  const env = { ...model.environments[0], settings: environmentSettingsSchema.parse({}) } as EnvironmentModel;
  const platform = {
    ...model,
    environments: [env],
    teams: model.teams.map((t) => ({ ...t, contributors: [] })),
  };
  const { release: _release, ...withoutRelease } = platform;
  return { platform: withoutRelease, env };
}

function template(build: (stack: Stack) => void, env: EnvironmentModel): unknown {
  const app = new App({ context: cxapi.CURRENTLY_RECOMMENDED_FLAGS });
  const stack = new Stack(app, 'S', { env: { account: env.account, region: env.region } });
  build(stack);
  return Template.fromStack(stack).toJSON();
}

describe('config defaults equal the constructs’ defaults', () => {
  const { platform, env } = withDefaultSettings(exampleModel());
  const naming = env.naming.context;

  it('SaasWebApp: default webapp settings and no props at all give the same template', () => {
    const fromConfig = template((s) => new SaasWebApp(s, 'W', webAppProps(platform, env)), env);
    const fromDefaults = template((s) => new SaasWebApp(s, 'W', { naming }), env);
    expect(fromConfig).toEqual(fromDefaults);
  });

  it('FastishBootstrap: default bootstrap settings and no props at all give the same template', () => {
    const fromConfig = template((s) => new FastishBootstrap(s, 'B', bootstrapProps(platform, env)), env);
    const fromDefaults = template((s) => new FastishBootstrap(s, 'B', { naming }), env);
    expect(fromConfig).toEqual(fromDefaults);
  });
});
