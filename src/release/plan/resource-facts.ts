import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';
import type { TemplateResource } from './assembly';

type SpecDatabase = ReturnType<typeof loadAwsServiceSpecSync>;
let database: SpecDatabase | undefined;

function spec(): SpecDatabase {
  database ??= loadAwsServiceSpecSync();
  return database;
}

/** Facts about a CloudFormation resource type from the AWS service specification (`@aws-cdk/aws-service-spec`). */
export interface ResourceTypeFacts {
  /** The specification knows the type (custom resources and third-party types are unknown). */
  readonly known: boolean;
  /** The specification marks the type as holding state (tables, buckets, databases, keys, ...). */
  readonly stateful: boolean;
}

const cache = new Map<string, ResourceTypeFacts>();

export function resourceTypeFacts(type: string): ResourceTypeFacts {
  let facts = cache.get(type);
  if (!facts) {
    const [resource] = spec().lookup('resource', 'cloudFormationType', 'equals', type);
    facts = { known: resource !== undefined, stateful: resource?.isStateful === true };
    cache.set(type, facts);
  }
  return facts;
}

const KEEPING_POLICIES = new Set(['Retain', 'RetainExceptOnCreate', 'Snapshot']);

/**
 * Why a resource counts as stateful, or undefined if it does not: either the service specification
 * says so, or the template itself keeps the resource on deletion/replacement (its author declared
 * the data worth keeping, e.g. a retained log group or a custom resource holding state).
 */
export function statefulReason(resource: TemplateResource | undefined): string | undefined {
  if (!resource) return undefined;
  if (resourceTypeFacts(resource.Type).stateful) return 'stateful type (AWS service specification)';
  const policy = [resource.DeletionPolicy, resource.UpdateReplacePolicy].find(
    (p) => p !== undefined && KEEPING_POLICIES.has(p),
  );
  return policy ? `template keeps it (${policy} policy)` : undefined;
}
