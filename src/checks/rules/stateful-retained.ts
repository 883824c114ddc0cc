import { isClusterMember, isStatefulType } from '../spec';
import { resourceRule } from '../types';

const KEEPING = new Set(['Retain', 'Snapshot', 'RetainExceptOnCreate']);

/**
 * FST-DATA1: resources the CloudFormation specification marks stateful (buckets, tables, keys,
 * databases, log groups, queues, …) survive stack deletion and replacement. Instances of a database
 * cluster are exempt: their data lives in the cluster.
 */
export const statefulRetained = resourceRule({
  id: 'FST-DATA1',
  name: 'stateful-retained',
  description:
    'Stateful resources (per the CloudFormation resource specification) have DeletionPolicy and UpdateReplacePolicy Retain or Snapshot.',
  test(resource) {
    if (!isStatefulType(resource.Type) || isClusterMember(resource)) return [];
    if (isAuroraMember(resource)) return [];
    const loose = (['DeletionPolicy', 'UpdateReplacePolicy'] as const).filter((policy) => {
      const value = resource[policy];
      return value === undefined || !KEEPING.has(value);
    });
    if (loose.length === 0) return [];
    const got = loose.map((p) => `${p} ${resource[p] ?? 'Delete (default)'}`).join(', ');
    return [`${resource.Type} holds data but has ${got}; use RemovalPolicy.RETAIN or SNAPSHOT`];
  },
});

/**
 * An Aurora DB instance stores no data of its own: the cluster volume does, and the cluster carries
 * the retention policy (CloudFormation rejects Snapshot on Aurora member instances).
 */
function isAuroraMember(resource: { Type: string; Properties?: Record<string, unknown> }): boolean {
  return resource.Type === 'AWS::RDS::DBInstance' && resource.Properties?.DBClusterIdentifier !== undefined;
}
