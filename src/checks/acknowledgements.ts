import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** Template metadata key holding Fastish rule acknowledgements (visible in every synthesized template). */
export const ACK_METADATA_KEY = 'fastish_acks';

export interface Acknowledgement {
  /**
   * Rule id: a Fastish rule (`FST-…`), or a cdk-nag finding (`AwsSolutions-IAM5[Resource::*]`,
   * `Serverless-LambdaDLQ`). cdk-nag 3 matches findings exactly, so wildcard findings name their target.
   */
  readonly id: string;
  /** Why the finding is acceptable here: specific to this resource. */
  readonly reason: string;
}

export const MIN_REASON_LENGTH = 20;

/**
 * The one way Fastish code acknowledges a finding, for the construct and everything below it.
 * cdk-nag ids go through CDK's `Validations` (read by cdk-nag); Fastish ids are written into the
 * template metadata of each resource, so reviewers and `fastish check` see the reason.
 */
export function acknowledge(scope: IConstruct, acks: readonly Acknowledgement[]): void {
  for (const ack of acks) {
    if (ack.reason.trim().length < MIN_REASON_LENGTH) {
      throw new Error(
        `${scope.node.path}: acknowledgement of ${ack.id} needs a specific reason (${MIN_REASON_LENGTH}+ characters)`,
      );
    }
  }
  const nag = acks.filter((a) => !a.id.startsWith('FST-'));
  if (nag.length > 0) Validations.of(scope).acknowledge(...nag);
  const own = acks.filter((a) => a.id.startsWith('FST-'));
  if (own.length === 0) return;
  if (Stack.isStack(scope)) {
    // Template-level findings (quotas, stack name) are acknowledged in the template's own Metadata.
    scope.templateOptions.metadata = scope.templateOptions.metadata ?? {};
    const metadata = scope.templateOptions.metadata;
    const existing = (metadata[ACK_METADATA_KEY] as Acknowledgement[] | undefined) ?? [];
    metadata[ACK_METADATA_KEY] = [...existing.filter((e) => !own.some((a) => a.id === e.id)), ...own];
  }
  for (const child of scope.node.findAll()) {
    if (!CfnResource.isCfnResource(child)) continue;
    const existing = (child.getMetadata(ACK_METADATA_KEY) as Acknowledgement[] | undefined) ?? [];
    child.addMetadata(ACK_METADATA_KEY, [...existing.filter((e) => !own.some((a) => a.id === e.id)), ...own]);
  }
}

/** Rule id of the "no wildcard IAM actions" check. */
export const WILDCARD_RULE_ID = 'FST-IAM1';

export function acknowledgeWildcard(scope: IConstruct, reason: string): void {
  acknowledge(scope, [{ id: WILDCARD_RULE_ID, reason }]);
}

/**
 * Reads Fastish acknowledgements from a synthesized resource's (or, for template-level findings, the
 * template's) metadata. Entries without an id or with a reason shorter than `MIN_REASON_LENGTH` are
 * ignored, so a hand-edited template cannot acknowledge without a reason.
 */
export function acknowledgementsOf(resource: {
  readonly Metadata?: Record<string, unknown>;
}): Acknowledgement[] {
  const acks = resource.Metadata?.[ACK_METADATA_KEY];
  if (!Array.isArray(acks)) return [];
  return acks.filter(
    (a): a is Acknowledgement =>
      typeof a === 'object' &&
      a !== null &&
      typeof (a as Acknowledgement).id === 'string' &&
      typeof (a as Acknowledgement).reason === 'string' &&
      (a as Acknowledgement).reason.trim().length >= MIN_REASON_LENGTH,
  );
}

export interface WildcardScope {
  /** Wildcard actions exactly as written in the policy, e.g. `s3:*`. */
  readonly actions?: readonly string[];
  /** Wildcard resources exactly as they synthesize, e.g. `*` or `arn:aws:s3:::bucket/*`. */
  readonly resources?: readonly string[];
}

/**
 * Acknowledges IAM wildcards in both gates at once: cdk-nag's per-finding `AwsSolutions-IAM5[…]`
 * and, for wildcard actions, Fastish's `FST-IAM1`. Callers pass the same strings they put in the
 * policy, so an added wildcard is a new, unacknowledged finding.
 */
export function acknowledgeIamWildcards(scope: IConstruct, wildcards: WildcardScope, reason: string): void {
  const acks: Acknowledgement[] = [
    ...(wildcards.actions ?? []).map((a) => ({ id: `AwsSolutions-IAM5[Action::${a}]`, reason })),
    ...(wildcards.resources ?? []).map((r) => ({ id: `AwsSolutions-IAM5[Resource::${r}]`, reason })),
  ];
  if ((wildcards.actions ?? []).length > 0) acks.push({ id: WILDCARD_RULE_ID, reason });
  acknowledge(scope, acks);
}

/** Acknowledges cdk-nag's IAM4 finding for specific AWS managed policies. */
export function acknowledgeManagedPolicies(
  scope: IConstruct,
  policyNames: readonly string[],
  reason: string,
): void {
  acknowledge(
    scope,
    policyNames.map((name) => ({
      id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${name}]`,
      reason,
    })),
  );
}
