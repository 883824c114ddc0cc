import type { ControllerCallFact } from '../../../upstream-facts';
import type { RehearsalStack } from '../../assembly';
import { resourcesFor } from './iam-reference';
import { PHASE, type RuntimeModel, runtimeCall } from './model';

/** A pod's AWS identity: the role Pod Identity hands it, with the session tags its calls carry. */
export interface PodSession {
  readonly step: string;
  readonly principal: string;
  /** `aws:PrincipalTag/*` of the session (the tags Pod Identity set). */
  readonly context: Readonly<Record<string, string>>;
  readonly stack: RehearsalStack;
  readonly cluster: string;
  readonly clusterArn: string;
  readonly namespace: string;
  readonly serviceAccount: string;
}

/** One call of a pod with its session (optionally as a role the pod assumed). */
export function podCall(
  model: RuntimeModel,
  pod: PodSession,
  step: string,
  action: string,
  resource: string,
  context: Readonly<Record<string, string | string[]>> = {},
  principal = pod.principal,
): Promise<boolean> {
  const session = principal === pod.principal ? pod.context : {};
  return runtimeCall(model, `${pod.step}: ${step}`, principal, action, resource, { ...session, ...context });
}

/** Replaces `{name}` placeholders; undefined when one has no value. */
export function fill(text: string, values: Readonly<Record<string, string>>): string | undefined {
  let missing = false;
  const out = text.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = values[name];
    if (v === undefined) missing = true;
    return v ?? '';
  });
  return missing ? undefined : out;
}

const PUBLIC_PARAMETER = /^arn:[^:]+:ssm:[^:]*::parameter\//;

/**
 * Replays a controller's published call facts as the pod, once per distinct call, with the placeholders
 * of each binding (one per NodePool for Karpenter). What the evaluator cannot take (a fact's resource the
 * IAM reference does not list for the action, an account-less public parameter ARN) is a note naming the
 * call, so a gap in the evaluation is visible rather than silently allowed.
 */
export async function replayFacts(
  model: RuntimeModel,
  pod: PodSession,
  label: string,
  facts: readonly ControllerCallFact[],
  bindings: readonly Readonly<Record<string, string>>[],
  features: ReadonlySet<string> = new Set(),
): Promise<void> {
  const seen = new Set<string>();
  const notes = new Set<string>();
  const note = (problem: string) => {
    if (!notes.has(problem)) model.ctx.finding(PHASE, `${pod.step}: ${label}`, problem, false);
    notes.add(problem);
  };
  for (const fact of facts) {
    if (fact.feature && !features.has(fact.feature)) continue;
    for (const values of bindings) {
      const context: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(fact.context ?? {})) {
        const key = fill(k, values);
        const value = typeof v === 'string' ? fill(v, values) : v.map((x) => fill(x, values) ?? '');
        if (key && value !== undefined) context[key] = value;
      }
      const candidates = fact.resources
        .map((r) => fill(r, values))
        .filter((r): r is string => r !== undefined);
      for (const action of fact.actions) {
        const resources = await resourcesFor(action, candidates);
        if (resources.length === 0) {
          note(
            `${action} (${fact.statement}): the IAM reference gives it no resource type of ${candidates.join(', ')}; not evaluated`,
          );
        }
        for (const resource of resources) {
          const key = `${action} ${resource} ${JSON.stringify(context)}`;
          if (seen.has(key)) continue;
          seen.add(key);
          // AWS names public parameters without an account, which the evaluator does not accept.
          if (PUBLIC_PARAMETER.test(resource)) {
            note(
              `${action} on the public parameter ${resource}: the evaluator takes no account-less ARN; not evaluated`,
            );
            continue;
          }
          await podCall(model, pod, `${label} (${fact.statement})`, action, resource, context);
        }
      }
    }
  }
}
