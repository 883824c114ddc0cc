import type { Construct } from 'constructs';
import type { Architecture, EnvironmentModel, PlatformModel } from '../config';
import type { BootstrapStack } from '../stacks/bootstrap/bootstrap-stack';
import { DruidStack, hostFromEksStack } from '../stacks/druid/druid-stack';
import { EksStack } from '../stacks/eks/eks-stack';
import type { EnvironmentStack } from '../stacks/environment-stack';
import { WebappStack } from '../stacks/webapp/webapp-stack';

/** What an architecture's stack factory receives: the stage, the models and stacks built before it. */
export interface ArchitectureContext {
  readonly scope: Construct;
  readonly platform: PlatformModel;
  readonly environment: EnvironmentModel;
  readonly bootstrap: BootstrapStack;
  /** Stacks of architectures already built in this environment (dependencies come first). */
  readonly built: ReadonlyMap<Architecture, EnvironmentStack>;
}

export type ArchitectureFactory = (context: ArchitectureContext) => EnvironmentStack;

/** One stack factory for every architecture the config knows (a missing one does not compile). */
export type ArchitectureFactories = Record<Architecture, ArchitectureFactory>;

function druid(ctx: ArchitectureContext): DruidStack {
  const eksStack = ctx.built.get('eks');
  if (!(eksStack instanceof EksStack)) {
    throw new Error(
      `environments.${ctx.environment.name}: druid needs the eks architecture in the same environment`,
    );
  }
  return new DruidStack(ctx.scope, 'druid', {
    platform: ctx.platform,
    environment: ctx.environment,
    host: hostFromEksStack(eksStack),
  });
}

/**
 * The stack factory of each architecture. The app builds an environment's enabled architectures from
 * this table in dependency order (`ARCHITECTURE_NEEDS`); `buildPlatform` takes another table (a test's
 * light stand-ins, say) as an argument.
 */
export const ARCHITECTURE_FACTORIES: ArchitectureFactories = {
  webapp: (ctx) =>
    new WebappStack(ctx.scope, 'webapp', { platform: ctx.platform, environment: ctx.environment }),
  eks: (ctx) => new EksStack(ctx.scope, 'eks', { platform: ctx.platform, environment: ctx.environment }),
  druid,
};
