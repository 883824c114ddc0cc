import { isStatefulType } from '../spec';
import { resourceRule } from '../types';

const KEEPING = new Set(['Retain', 'Snapshot', 'RetainExceptOnCreate']);

/**
 * FST-DATA1: resources the CloudFormation specification marks stateful (buckets, tables, keys,
 * databases, log groups, queues, …) survive stack deletion and replacement.
 */
export const statefulRetained = resourceRule({
  id: 'FST-DATA1',
  name: 'stateful-retained',
  description:
    'Stateful resources (per the CloudFormation resource specification) have DeletionPolicy and UpdateReplacePolicy Retain or Snapshot.',
  test(resource) {
    if (!isStatefulType(resource.Type)) return [];
    const problems: string[] = [];
    for (const policy of ['DeletionPolicy', 'UpdateReplacePolicy'] as const) {
      const value = resource[policy];
      if (value === undefined || !KEEPING.has(value)) {
        problems.push(
          `${resource.Type} holds data but ${policy} is ${value ?? 'Delete (default)'}; use RemovalPolicy.RETAIN or SNAPSHOT`,
        );
      }
    }
    return problems;
  },
});
