import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';

/** Facts about CloudFormation resource types, read from the resource specification (`@aws-cdk/aws-service-spec`). */
export interface ResourceTypeFacts {
  /** Property holding the tags, and its shape; absent when the type is not taggable. */
  readonly tags?: { readonly property: string; readonly variant: 'standard' | 'asg' | 'map' };
  /** The spec marks the type as holding data that is lost when the resource is deleted. */
  readonly stateful: boolean;
}

let facts: ReadonlyMap<string, ResourceTypeFacts> | undefined;

/**
 * Every resource type the spec knows, loaded once per process (the database takes ~0.7 s to read).
 * Custom resources (`Custom::*`, `AWS::CloudFormation::CustomResource`) are not in the map.
 */
export function resourceTypeFacts(): ReadonlyMap<string, ResourceTypeFacts> {
  if (facts) return facts;
  const db = loadAwsServiceSpecSync();
  const map = new Map<string, ResourceTypeFacts>();
  for (const r of db.all('resource')) {
    map.set(r.cloudFormationType, {
      stateful: r.isStateful === true,
      ...(r.tagInformation
        ? { tags: { property: r.tagInformation.tagPropertyName, variant: r.tagInformation.variant } }
        : {}),
    });
  }
  facts = map;
  return map;
}

export function factsOf(type: string): ResourceTypeFacts | undefined {
  return resourceTypeFacts().get(type);
}

/**
 * Types the spec marks stateful that are not data stores Fastish can retain or encrypt: a nested
 * stack is a deployment unit, an organization account is not deleted by CloudFormation.
 */
const NOT_DATA = new Set(['AWS::CloudFormation::Stack', 'AWS::Organizations::Account']);

export function isStatefulType(type: string): boolean {
  return !NOT_DATA.has(type) && factsOf(type)?.stateful === true;
}

/** The stateful types, sorted (used by docs and tests). */
export function statefulTypes(): string[] {
  return [...resourceTypeFacts()]
    .filter(([type]) => isStatefulType(type))
    .map(([type]) => type)
    .sort();
}

/**
 * Instances of a database cluster keep no data of their own: the cluster volume holds it, and the
 * (checked) cluster is what must be retained and encrypted. Deleting or replacing an instance loses nothing.
 */
export function isClusterMember(resource: {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}): boolean {
  switch (resource.Type) {
    case 'AWS::DocDB::DBInstance':
    case 'AWS::Neptune::DBInstance':
      return true;
    case 'AWS::RDS::DBInstance':
      return resource.Properties?.DBClusterIdentifier !== undefined;
    default:
      return false;
  }
}
