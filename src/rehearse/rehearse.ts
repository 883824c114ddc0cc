import type { RehearsalStack } from './assembly';
import { type CallResult, type Finding, PHASES, type PhaseName } from './calls';
import { distinctStacks, isOperatorStack, RehearsalContext } from './context';
import type { CreatePermissionSource } from './create-permissions';
import type { Evaluate } from './evaluator';
import { pipelinePhase } from './phases/pipeline';
import { runtimePhase } from './phases/runtime';
import { toolkitDeploy } from './phases/toolkit';
import { type ManagedPolicyLookup, World } from './world';

export interface RehearsalOptions {
  readonly evaluate: Evaluate;
  readonly createPermissions: CreatePermissionSource;
  /** AWS managed policy documents by name (e.g. `PowerUserAccess`). @default none: such policies grant nothing */
  readonly awsManagedPolicy?: ManagedPolicyLookup;
  /** Rehearse only these accounts' stacks (an environment's). @default every stack */
  readonly accounts?: readonly string[];
  /** Stop after this phase. @default 'runtime' */
  readonly through?: PhaseName;
}

export interface PhaseReport {
  readonly name: PhaseName;
  readonly title: string;
  readonly calls: readonly CallResult[];
  readonly findings: readonly Finding[];
  readonly denied: number;
}

export interface RehearsalReport {
  readonly phases: readonly PhaseReport[];
  readonly calls: number;
  readonly denied: number;
  readonly findings: number;
}

/**
 * Replays a first deploy of a cloud assembly into accounts that never ran `cdk bootstrap`, phase by
 * phase, authorizing every AWS call with the IAM evaluator over the policies the templates create.
 */
export async function rehearse(
  stacks: readonly RehearsalStack[],
  options: RehearsalOptions,
): Promise<RehearsalReport> {
  const world = new World(options.awsManagedPolicy);
  const ctx = new RehearsalContext(world, options.evaluate, stacks, options.createPermissions);
  const inScope = (s: RehearsalStack) => !options.accounts || options.accounts.includes(s.account);
  const staged = distinctStacks(stacks).filter(inScope);
  const run: Record<PhaseName, () => Promise<void>> = {
    bootstrap: async () => {
      for (const stack of staged.filter((s) => isOperatorStack(s, stacks))) {
        await toolkitDeploy(ctx, 'bootstrap', ctx.operator(stack.account), stack);
      }
    },
    deploy: async () => {
      for (const stack of staged.filter((s) => !isOperatorStack(s, stacks))) {
        const operator = ctx.deployOperator(stack.account, 'deploy', `deploy ${stack.stackName}`);
        await toolkitDeploy(ctx, 'deploy', operator, stack);
      }
    },
    pipeline: () => pipelinePhase(ctx),
    runtime: () => runtimePhase(ctx),
  };
  const phases: PhaseReport[] = [];
  for (const phase of PHASES) {
    const before = { calls: ctx.results.length, findings: ctx.findings.length };
    await run[phase.name]();
    const calls = ctx.results.slice(before.calls);
    const findings = ctx.findings.slice(before.findings);
    phases.push({ ...phase, calls, findings, denied: calls.filter((c) => !c.allowed).length });
    if (phase.name === options.through) break;
  }
  return {
    phases,
    calls: ctx.results.length,
    denied: ctx.results.filter((c) => !c.allowed).length,
    findings: ctx.findings.length,
  };
}

/**
 * The accounts as they stand once every stack is deployed (operator stacks first, each stack once),
 * for evaluating boundaries: who may and may not do what in the deployed platform.
 */
export function deployedWorld(
  stacks: readonly RehearsalStack[],
  awsManagedPolicy?: ManagedPolicyLookup,
): World {
  const world = new World(awsManagedPolicy);
  const distinct = distinctStacks(stacks);
  for (const stack of distinct.filter((s) => isOperatorStack(s, stacks))) world.deploy(stack);
  for (const stack of distinct.filter((s) => !isOperatorStack(s, stacks))) world.deploy(stack);
  return world;
}
