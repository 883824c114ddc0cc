import type { RehearsalContext } from '../context';
import { lambdaFlows } from './runtime/lambda';
import { RuntimeModel } from './runtime/model';
import { podFlows } from './runtime/pods';

/**
 * Phase 4: the running platform. Every flow is read from the deployed templates: Lambda functions
 * (their service, their code's calls, their event sources) and pods through their Pod Identity roles
 * (the controllers and Druid), each call authorized by the IAM evaluator.
 */
export async function runtimePhase(ctx: RehearsalContext): Promise<void> {
  const model = new RuntimeModel(ctx);
  await lambdaFlows(model);
  await podFlows(model);
}
