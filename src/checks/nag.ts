import { CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { loadCdkNag } from './nag-loader';
import type { Severity } from './types';

/** One cdk-nag finding on one resource, with the acknowledgement (and its reason) when there is one. */
export interface NagFinding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly path: string;
  readonly message: string;
  readonly acknowledged?: { readonly id: string; readonly reason: string };
}

/** The packs `fastish check` and the tests run on every stack. */
export function nagPacks(): NagPack[] {
  // Loaded on use: a run whose every stack is answered from the gate cache never loads cdk-nag.
  const { AwsSolutionsChecks, ServerlessChecks } = loadCdkNag();
  return [new AwsSolutionsChecks(), new ServerlessChecks()];
}

/** The acknowledgement recorded through `Validations.acknowledge` on a construct or any ancestor. */
export function nagAcknowledgement(
  construct: IConstruct,
  ruleId: string,
): { id: string; reason: string } | undefined {
  for (let c: IConstruct | undefined = construct; c; c = c.node.scope) {
    for (const entry of c.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !entry.data) continue;
      for (const [key, reason] of Object.entries(entry.data as Record<string, unknown>)) {
        // aws-cdk-lib writes `Annotation::<id>` (older versions `annotation::<id>`), as cdk-nag reads it.
        if (key.replace(/^annotation::/i, '') === ruleId) return { id: ruleId, reason: String(reason) };
      }
    }
  }
  return undefined;
}

/** One walk of a stack's constructs, shared by every gate that maps findings to constructs. */
export interface StackIndex {
  /** Every construct of the stack (and below it) by construct path. */
  readonly byPath: ReadonlyMap<string, IConstruct>;
  /** Logical id → construct path of every CloudFormation element of the stack (not of nested stages). */
  readonly paths: ReadonlyMap<string, string>;
}

export function stackIndex(stack: Stack): StackIndex {
  const byPath = new Map<string, IConstruct>();
  const paths = new Map<string, string>();
  for (const c of stack.node.findAll()) {
    byPath.set(c.node.path, c);
    if (CfnElement.isCfnElement(c) && Stack.of(c) === stack)
      paths.set(stack.resolve(c.logicalId) as string, c.node.path);
  }
  return { byPath, paths };
}

/**
 * Runs the cdk-nag packs on one stack (after `app.synth()`, so aspects have run) and returns every
 * finding, acknowledged ones included with their reason. cdk-nag itself drops acknowledged findings;
 * Fastish reports them so reviewers see each reason, so the pack's private acknowledgement test is
 * disabled here and the same test (`nagAcknowledgement`, which mirrors it) is applied afterwards.
 */
export function runNag(
  stack: Stack,
  packs: readonly NagPack[] = nagPacks(),
  index: StackIndex = stackIndex(stack),
): NagFinding[] {
  const out: NagFinding[] = [];
  for (const pack of packs) {
    (pack as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
    const report = pack.validateScope(stack);
    for (const violation of report.violations) {
      for (const resource of violation.violatingResources) {
        const path = resource.constructPath ?? stack.node.path;
        const construct = index.byPath.get(path);
        const ack = construct ? nagAcknowledgement(construct, violation.ruleName) : undefined;
        out.push({
          ruleId: violation.ruleName,
          severity: violation.severity === 'error' ? 'error' : 'warning',
          path,
          message: violation.description,
          ...(ack ? { acknowledged: ack } : {}),
        });
      }
    }
  }
  return out;
}

/** Logical id → construct path of every CloudFormation element of a stack (not of nested stages). */
export function logicalIdPaths(stack: Stack): Map<string, string> {
  return new Map(stackIndex(stack).paths);
}
