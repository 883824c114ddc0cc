import { type App, Stage } from 'aws-cdk-lib';
import type { Architecture, EnvironmentModel, PlatformModel } from '../config';
import { ARCHITECTURE_NEEDS, ARCHITECTURES } from '../config/architectures';
import { releaseBundler } from '../constructs/webapp/handler-bundle';
import { BootstrapStack } from '../stacks/bootstrap/bootstrap-stack';
import { TeamsStack } from '../stacks/bootstrap/teams-stack';
import type { EnvironmentStack } from '../stacks/environment-stack';
import { ReleaseStack } from '../stacks/release/release-stack';
import { ARCHITECTURE_FACTORIES, type ArchitectureFactories } from './architectures';
import { createApp } from './create-app';

export { createApp } from './create-app';

export interface EnvironmentStacks {
  /** The environment's stage: its workload stacks, which the release pipeline deploys. */
  readonly stage: Stage;
  /** The nested stage of the operator's stacks (bootstrap, teams), never deployed by the pipeline. */
  readonly operator: Stage;
  readonly bootstrap: BootstrapStack;
  /** Team roles, deployed by the operator right after the bootstrap stack. */
  readonly teams: TeamsStack;
  readonly stacks: ReadonlyMap<Architecture, EnvironmentStack>;
}

export interface Platform {
  readonly app: App;
  readonly environments: ReadonlyMap<string, EnvironmentStacks>;
  /** Every stack, bootstrap and teams first per environment, then the release stack. */
  readonly stacks: readonly EnvironmentStack[];
  /** The delivery pipeline, when `release` is configured. */
  readonly release?: ReleaseStack;
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
 * Builds one environment into a stage: a stack per enabled architecture, each named
 * `<org>-<env>-<arch>`, and the operator's stacks (bootstrap, teams) in the nested stage
 * `<env>/operator`. The release pipeline adds this same stage, so `fastish deploy` and the pipeline
 * deploy the same templates; a pipeline deploys only a stage's own stacks, never the nested operator
 * stage, which is deployed with the operator's credentials. (A dependency cannot cross stages:
 * `fastish deploy` deploys the operator stage first.)
 */
export function buildEnvironment(
  stage: Stage,
  model: PlatformModel,
  env: EnvironmentModel,
  factories: ArchitectureFactories = ARCHITECTURE_FACTORIES,
): EnvironmentStacks {
  const operator = new Stage(stage, 'operator');
  const bootstrap = new BootstrapStack(operator, 'bootstrap', { platform: model, environment: env });
  const teams = new TeamsStack(operator, 'teams', { platform: model, environment: env });
  teams.addStackDependency(bootstrap, 'its template is uploaded to the bootstrap assets bucket');
  const built = new Map<Architecture, EnvironmentStack>();
  for (const arch of buildOrder(env.architectures)) {
    built.set(arch, factories[arch]({ scope: stage, platform: model, environment: env, bootstrap, built }));
  }
  return { stage, operator, bootstrap, teams, stacks: built };
}

/**
 * Builds the whole platform into an app: one stage per environment (named after it), holding a stack
 * per enabled architecture and the operator's stage (bootstrap, teams), each named `<org>-<env>-<arch>`; and, when
 * `release` is configured, the delivery pipeline stack (`release`, in the pipeline environment).
 */
export function buildPlatform(
  model: PlatformModel,
  app: App = createApp(),
  factories: ArchitectureFactories = ARCHITECTURE_FACTORIES,
): Platform {
  const environments = new Map<string, EnvironmentStacks>();
  const all: EnvironmentStack[] = [];
  for (const env of model.environments) {
    const stage = new Stage(app, env.name, { env: { account: env.account, region: env.region } });
    const built = buildEnvironment(stage, model, env, factories);
    all.push(built.bootstrap, built.teams, ...built.stacks.values());
    environments.set(env.name, built);
  }
  let release: ReleaseStack | undefined;
  if (model.release) {
    release = new ReleaseStack(app, 'release', { platform: model, environments });
    all.push(release);
  }
  // Every handler is bundled by now (in the functions' constructors).
  releaseBundler();
  return { app, environments, stacks: all, ...(release ? { release } : {}) };
}
