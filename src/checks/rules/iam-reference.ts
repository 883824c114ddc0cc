import { actionExists, conditionKeyExists } from '../iam-reference';
import { isRecord, toArray } from '../template-values';
import { resourceRule, type TemplateResource } from '../types';

/** Every policy document a resource carries: identity, trust and resource policies. */
function documentsOf(resource: TemplateResource): unknown[] {
  const p = resource.Properties ?? {};
  const inline = toArray(p.Policies as unknown[] | undefined).map((x) =>
    isRecord(x) ? x.PolicyDocument : undefined,
  );
  return [
    p.PolicyDocument,
    p.AssumeRolePolicyDocument,
    p.KeyPolicy,
    p.ResourcePolicy,
    p.RepositoryPolicyText,
    ...inline,
  ];
}

/** Actions and condition keys of a document that the IAM reference does not know. */
export function unknownNames(document: unknown): string[] {
  if (!isRecord(document)) return [];
  const out: string[] = [];
  for (const statement of toArray(document.Statement as unknown[] | undefined)) {
    if (!isRecord(statement)) continue;
    for (const field of ['Action', 'NotAction']) {
      for (const a of toArray(statement[field] as unknown[] | undefined)) {
        if (typeof a === 'string' && !actionExists(a)) out.push(`action "${a}"`);
      }
    }
    if (!isRecord(statement.Condition)) continue;
    for (const operator of Object.values(statement.Condition)) {
      if (!isRecord(operator)) continue;
      for (const key of Object.keys(operator)) {
        if (!conditionKeyExists(key)) out.push(`condition key "${key}"`);
      }
    }
  }
  return out;
}

/**
 * FST-IAM2: IAM accepts actions and condition keys it does not know and silently matches nothing, so
 * a typo is a permission missing at run time (or a condition that never holds). Every name must be in
 * the IAM service reference.
 */
export const iamReference = resourceRule({
  id: 'FST-IAM2',
  name: 'iam-reference',
  description:
    'Every action and condition key in every IAM policy (identity, trust, key, bucket, queue, topic, secret, repository) exists in the IAM service reference.',
  test(resource) {
    const unknown = [...new Set(documentsOf(resource).flatMap(unknownNames))];
    return unknown.length === 0 ? [] : [`names unknown to IAM: ${unknown.join(', ')}`];
  },
});
