import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

type TagVariant = 'standard' | 'asg' | 'map';

/** Facts about CloudFormation resource types, read from the resource specification (`@aws-cdk/aws-service-spec`). */
export interface ResourceTypeFacts {
  /** Property holding the tags, and its shape; absent when the type is not taggable. */
  readonly tags?: { readonly property: string; readonly variant: TagVariant };
  /** The spec marks the type as holding data that is lost when the resource is deleted. */
  readonly stateful: boolean;
}

/**
 * The facts Fastish reads, extracted from the spec and kept beside this file: the spec's database takes
 * ~0.8 s and ~100 MiB to load, on every synth (tagging reads it) and every gate run. The file records
 * the spec version it was extracted from; with any other installed version the spec itself is read.
 * `test/checks/spec-facts.test.ts` keeps the file equal to the installed spec.
 */
export const FACTS_FILE = join(__dirname, 'resource-type-facts.json');

interface FactsFile {
  readonly specVersion: string;
  /** type → [stateful (0/1), tag property?, tag variant?] */
  readonly types: Record<string, readonly [0 | 1, string?, TagVariant?]>;
}

let facts: ReadonlyMap<string, ResourceTypeFacts> | undefined;

/** The installed `@aws-cdk/aws-service-spec` version. */
export function installedSpecVersion(): string {
  return (require('@aws-cdk/aws-service-spec/package.json') as { version: string }).version;
}

/** Every resource type of the installed spec, read from its database (slow: see `FACTS_FILE`). */
export function factsFromSpec(): Map<string, ResourceTypeFacts> {
  // Loaded on use: only when the extracted facts are missing or from another spec version.
  const { loadAwsServiceSpecSync } =
    require('@aws-cdk/aws-service-spec') as typeof import('@aws-cdk/aws-service-spec');
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
  return map;
}

function factsFromFile(): Map<string, ResourceTypeFacts> | undefined {
  if (!existsSync(FACTS_FILE)) return undefined;
  const file = JSON.parse(readFileSync(FACTS_FILE, 'utf8')) as FactsFile;
  if (file.specVersion !== installedSpecVersion()) return undefined;
  const map = new Map<string, ResourceTypeFacts>();
  for (const [type, [stateful, property, variant]] of Object.entries(file.types)) {
    map.set(type, {
      stateful: stateful === 1,
      ...(property !== undefined && variant !== undefined ? { tags: { property, variant } } : {}),
    });
  }
  return map;
}

/** The facts file's text for a map of facts: one type per line, sorted (reviewable diffs). */
export function factsFileText(map: ReadonlyMap<string, ResourceTypeFacts>, specVersion: string): string {
  const lines = [...map]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([type, f]) => {
      const entry = [f.stateful ? 1 : 0, ...(f.tags ? [f.tags.property, f.tags.variant] : [])];
      return `    ${JSON.stringify(type)}: [${entry.map((e) => JSON.stringify(e)).join(', ')}]`;
    });
  return `{\n  "specVersion": ${JSON.stringify(specVersion)},\n  "types": {\n${lines.join(',\n')}\n  }\n}\n`;
}

/** Rewrites `FACTS_FILE` from the installed spec (`npx tsx src/checks/spec.ts --write`). */
export function writeFactsFile(): void {
  writeFileSync(FACTS_FILE, factsFileText(factsFromSpec(), installedSpecVersion()));
}

/**
 * Every resource type the spec knows, loaded once per process. Custom resources (`Custom::*`,
 * `AWS::CloudFormation::CustomResource`) are not in the map.
 */
export function resourceTypeFacts(): ReadonlyMap<string, ResourceTypeFacts> {
  facts ??= factsFromFile() ?? factsFromSpec();
  return facts;
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

if (require.main === module && process.argv.includes('--write')) {
  writeFactsFile();
  process.stdout.write(`wrote ${FACTS_FILE}\n`);
}
