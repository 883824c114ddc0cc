import { FASTISH_TAG_KEYS } from '../../constructs/tagging';
import { factsOf } from '../spec';
import { isRecord } from '../template-values';
import { resourceRule } from '../types';

/** Tag keys present on a resource, by the tag shape the spec declares for its type. */
export function tagKeysOf(tags: unknown, variant: 'standard' | 'asg' | 'map'): Set<string> | undefined {
  if (tags === undefined) return new Set();
  if (variant === 'map') return isRecord(tags) ? new Set(Object.keys(tags)) : undefined;
  if (!Array.isArray(tags)) return undefined;
  const keys = new Set<string>();
  for (const tag of tags) if (isRecord(tag) && typeof tag.Key === 'string') keys.add(tag.Key);
  return keys;
}

/**
 * FST-TAG1: every resource whose type supports tags (per the CloudFormation resource specification)
 * carries the five `fastish:*` tags, so cost and ownership reports have no holes.
 */
export const tagCoverage = resourceRule({
  id: 'FST-TAG1',
  name: 'tag-coverage',
  description:
    'Every taggable resource (per the CloudFormation resource specification) carries all five fastish:* tags.',
  test(resource) {
    const tagInfo = factsOf(resource.Type)?.tags;
    if (!tagInfo) return [];
    const keys = tagKeysOf(resource.Properties?.[tagInfo.property], tagInfo.variant);
    if (!keys) return [`${tagInfo.property} is computed at deploy time; tag coverage cannot be proven`];
    const missing = FASTISH_TAG_KEYS.filter((k) => !keys.has(k));
    return missing.length === 0 ? [] : [`${resource.Type} is taggable but lacks ${missing.join(', ')}`];
  },
});
