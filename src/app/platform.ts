import { App, type AppProps, Stage } from 'aws-cdk-lib';
import type { Architecture, PlatformModel } from '../config';
import { ARCHITECTURE_NEEDS, ARCHITECTURES } from '../config/architectures';
import type { FastishStack } from '../constructs/fastish-stack';
import { BootstrapStack } from '../stacks/bootstrap/bootstrap-stack';
import { ARCHITECTURE_FACTORIES } from './architectures';
import { FEATURE_FLAGS } from './feature-flags';

export interface EnvironmentStacks {
  readonly stage: Stage;
  readonly bootstrap: BootstrapStack;
  readonly stacks: ReadonlyMap<Architecture, FastishStack>;
}

export interface Platform {
  readonly app: App;
  readonly environments: ReadonlyMap<string, EnvironmentStacks>;
  /** Every stack, bootstrap first per environment. */
  readonly stacks: readonly FastishStack[];
}

/** A CDK app with Fastish's feature flags and nothing that varies between runs. */
export function createApp(props: AppProps = {}): App {
  return new App({
    ...props,
    context: { ...FEATURE_FLAGS, ...props.context },
    analyticsReporting: false,
  });
}

/** Architectures in build order: every architecture after those it needs. */
export function buildOrder(enabled: readonly Architecture[]): Architecture[] {
  const order: Architecture[] = [];
  const visit = (arch: Architecture) => {
    if (order.includes(arch)) return;
    for (const need of ARCHITECTURE_NEEDS[arch]) visit(need);
    order.push(arch);
  };
  for (const arch of ARCHITECTURES) if (enabled.includes(arch)) visit(arch);
  return order;
}

/**
 * Builds the whole platform into an app: one stage per environment (named after it), holding the
 * bootstrap stack and a stack per enabled architecture, each named `<org>-<env>-<arch>`.
 */
export function buildPlatform(model: PlatformModel, app: App = createApp()): Platform {
  const environments = new Map<string, EnvironmentStacks>();
  const all: FastishStack[] = [];
  for (const env of model.environments) {
    const stage = new Stage(app, env.name, { env: { account: env.account, region: env.region } });
    const bootstrap = new BootstrapStack(stage, 'bootstrap', { platform: model, environment: env });
    all.push(bootstrap);
    const built = new Map<Architecture, FastishStack>();
    for (const arch of buildOrder(env.architectures)) {
      const factory = ARCHITECTURE_FACTORIES[arch];
      if (!factory)
        throw new Error(`architecture "${arch}" is enabled in ${env.name} but not available in this build`);
      const stack = factory({ scope: stage, platform: model, environment: env, bootstrap, built });
      stack.addStackDependency(bootstrap, 'workload stacks deploy with the bootstrap roles');
      built.set(arch, stack);
      all.push(stack);
    }
    environments.set(env.name, { stage, bootstrap, stacks: built });
  }
  return { app, environments, stacks: all };
}
