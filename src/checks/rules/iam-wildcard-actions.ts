import { WILDCARD_RULE_ID } from '../acknowledgements';
import { isRecord, toArray } from '../template-values';
import { resourceRule, type TemplateResource } from '../types';

/** Policy documents of a resource: identity policies, inline role/user/group policies. */
export function policyDocumentsOf(resource: TemplateResource): unknown[] {
  const p = resource.Properties ?? {};
  switch (resource.Type) {
    case 'AWS::IAM::Policy':
    case 'AWS::IAM::ManagedPolicy':
    case 'AWS::IAM::RolePolicy':
    case 'AWS::IAM::UserPolicy':
    case 'AWS::IAM::GroupPolicy':
      return [p.PolicyDocument];
    case 'AWS::IAM::Role':
    case 'AWS::IAM::User':
    case 'AWS::IAM::Group':
      return toArray(p.Policies as unknown[] | undefined).map((x) =>
        isRecord(x) ? x.PolicyDocument : undefined,
      );
    default:
      return [];
  }
}

/** `*`, `s3:*`, `s3:Get*`, `s3:*Object` — anything that grants actions not named in full. */
export function isWildcardAction(action: string): boolean {
  return action.includes('*') || action.includes('?');
}

/** Wildcard actions granted by `Allow` statements (`NotAction` in an Allow counts as a wildcard). */
export function wildcardActionsOf(document: unknown): string[] {
  if (!isRecord(document)) return [];
  const out: string[] = [];
  for (const statement of toArray(document.Statement as unknown[] | undefined)) {
    if (!isRecord(statement) || statement.Effect !== 'Allow') continue;
    for (const a of toArray(statement.Action as unknown[] | undefined))
      if (typeof a === 'string' && isWildcardAction(a)) out.push(a);
    if (statement.NotAction !== undefined)
      out.push(`NotAction:${toArray(statement.NotAction as unknown[]).join(',')}`);
  }
  return out;
}

/** FST-IAM1: identity policies name their actions; a wildcard needs an acknowledgement with a reason. */
export const iamWildcardActions = resourceRule({
  id: WILDCARD_RULE_ID,
  name: 'iam-wildcard-actions',
  description:
    'IAM policies allow no wildcard actions (`*`, `svc:*`, `svc:Get*`, NotAction) unless acknowledged with a reason (acknowledgeIamWildcards).',
  test(resource) {
    const wildcards = [...new Set(policyDocumentsOf(resource).flatMap(wildcardActionsOf))];
    return wildcards.length === 0
      ? []
      : [
          `allows wildcard action${wildcards.length === 1 ? '' : 's'} ${wildcards.map((w) => `"${w}"`).join(', ')}`,
        ];
  },
});
