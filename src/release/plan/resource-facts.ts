import { factsOf, isClusterMember } from '../../checks/spec';
import type { TemplateResource } from './assembly';

/** Facts about a CloudFormation resource type from the AWS service specification (`@aws-cdk/aws-service-spec`). */
export interface ResourceTypeFacts {
  /** The specification knows the type (custom resources and third-party types are unknown). */
  readonly known: boolean;
  /** The specification marks the type as holding state (tables, buckets, databases, keys, ...). */
  readonly stateful: boolean;
}

/** Read from the same specification database the gates load (once per process). */
export function resourceTypeFacts(type: string): ResourceTypeFacts {
  const facts = factsOf(type);
  return { known: facts !== undefined, stateful: facts?.stateful === true };
}

const KEEPING_POLICIES = new Set(['Retain', 'RetainExceptOnCreate', 'Snapshot']);

/**
 * Why a resource counts as stateful, or undefined if it does not: either the service specification
 * says so (except a database cluster's instance: the cluster holds the data), or the template itself
 * keeps the resource on deletion/replacement (its author declared the data worth keeping).
 */
export function statefulReason(resource: TemplateResource | undefined): string | undefined {
  if (!resource) return undefined;
  if (resourceTypeFacts(resource.Type).stateful && !isClusterMember(resource)) {
    return 'stateful type (AWS service specification)';
  }
  const policy = [resource.DeletionPolicy, resource.UpdateReplacePolicy].find(
    (p) => p !== undefined && KEEPING_POLICIES.has(p),
  );
  return policy ? `template keeps it (${policy} policy)` : undefined;
}
