import { createRequire } from 'node:module';

/**
 * The IAM policy evaluator behind the rehearsal. Fastish does not hand-write IAM's evaluation logic:
 * it uses `@cloud-copilot/iam-simulate`, which implements identity, resource, boundary, cross-account
 * and trust-policy evaluation. That package is AGPL-3.0 and Fastish is Apache-2.0, so it is never a
 * runtime dependency: it is loaded on demand, from the user's own installation, and the command says
 * so when it is missing (docs/operations.md explains the choice).
 */

/** What the simulator is asked. Mirrors the simulator's input, kept as Fastish's own type. */
export interface EvaluationRequest {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly resourceAccount: string;
  readonly context: Readonly<Record<string, string | string[]>>;
  readonly identityPolicies: readonly { readonly name: string; readonly policy: unknown }[];
  readonly resourcePolicy?: unknown;
  readonly boundaryPolicies?: readonly { readonly name: string; readonly policy: unknown }[];
  /** The S3 bucket addressed has ABAC on: its tags are `aws:ResourceTag/*` (ignored otherwise). */
  readonly s3BucketAbac?: boolean;
}

export interface Evaluation {
  readonly allowed: boolean;
  /** `Allowed`, `ImplicitlyDenied`, `ExplicitlyDenied`, or `invalid request: …`. */
  readonly result: string;
  /** Which policy type refused (identity, resource, permissions boundary), when denied. */
  readonly deniedBy: readonly string[];
}

export type Evaluate = (request: EvaluationRequest) => Promise<Evaluation>;

export const EVALUATOR_PACKAGE = '@cloud-copilot/iam-simulate';

/** The evaluator is not installed: says what to install and why it is not bundled. */
export class EvaluatorMissingError extends Error {
  constructor() {
    super(
      `the rehearsal evaluates IAM policies with ${EVALUATOR_PACKAGE}, which is not installed.\n` +
        `It is licensed AGPL-3.0, so Fastish (Apache-2.0) does not ship it; install it yourself if its license suits you:\n` +
        `  npm install --save-dev ${EVALUATOR_PACKAGE}\n` +
        'See docs/operations.md ("Deploy rehearsal").',
    );
    this.name = 'EvaluatorMissingError';
  }
}

type Simulator = typeof import('@cloud-copilot/iam-simulate');

/** Loads an optional package from the user's installation (`MODULE_NOT_FOUND` when absent). */
export function loadOptional<T>(name: string): T | undefined {
  try {
    return createRequire(__filename)(name) as T;
  } catch (err) {
    if ((err as { code?: string }).code === 'MODULE_NOT_FOUND') return undefined;
    throw err;
  }
}

/** Loads the simulator from the user's installation; `EvaluatorMissingError` when absent. */
export async function loadEvaluator(): Promise<Evaluate> {
  const sim = loadOptional<Simulator>(EVALUATOR_PACKAGE);
  if (!sim) throw new EvaluatorMissingError();
  return async (request) => {
    const response = await sim.runSimulation(
      {
        request: {
          principal: request.principal,
          action: request.action,
          resource: { resource: request.resource, accountId: request.resourceAccount },
          contextVariables: { ...request.context },
        },
        identityPolicies: request.identityPolicies.map((p) => ({ name: p.name, policy: p.policy })),
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        ...(request.resourcePolicy ? { resourcePolicy: request.resourcePolicy } : {}),
        ...(request.boundaryPolicies
          ? { permissionBoundaryPolicies: request.boundaryPolicies.map((p) => ({ ...p })) }
          : {}),
        ...(request.s3BucketAbac ? { additionalSettings: { s3: { bucketAbacEnabled: true } } } : {}),
      },
      {},
    );
    if (response.resultType === 'error') {
      return { allowed: false, result: `invalid request: ${response.errors.message}`, deniedBy: ['request'] };
    }
    const results = response.resultType === 'single' ? [response.result] : response.results;
    const deniedBy = new Set<string>();
    for (const r of results) {
      for (const d of sim.getDenialReasons(r.analysis)) deniedBy.add(d.policyType);
    }
    return {
      allowed: response.overallResult === 'Allowed',
      result: response.overallResult,
      deniedBy: response.overallResult === 'Allowed' ? [] : [...deniedBy],
    };
  };
}
