import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ManifestArtifact, stackArtifacts } from '../../cloud-assembly/manifest';

/** A CloudFormation template as synthesized (plain JSON). */
export type Template = { Resources?: Record<string, TemplateResource> } & Record<string, unknown>;

export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  readonly [key: string]: unknown;
}

/** One stack of a cloud assembly, wherever it sits (top level or in a stage's nested assembly). */
export interface AssemblyStack {
  /** Display name (the construct path, e.g. `dev/webapp`): unique across the whole assembly. */
  readonly id: string;
  /** Physical CloudFormation stack name. */
  readonly stackName: string;
  /** `aws://account/region` */
  readonly environment: string;
  readonly template: Template;
  /** Construct path of each resource by logical id, from the assembly's metadata (`aws:cdk:logicalId`). */
  readonly paths?: ReadonlyMap<string, string>;
}

/**
 * Reads every stack template of a synthesized cloud assembly directory, following nested
 * assemblies (CDK `Stage`s), in manifest order. Pure file reading: no AWS, no CDK toolkit.
 */
export function readAssembly(dir: string): AssemblyStack[] {
  return stackArtifacts(dir).map(({ artifactId, artifact, dir: at, templateText }) => ({
    id: artifact.displayName ?? artifactId,
    stackName: artifact.properties.stackName ?? artifactId,
    environment: artifact.environment ?? 'aws://unknown-account/unknown-region',
    template: JSON.parse(templateText) as Template,
    paths: logicalIdPaths(at, artifact),
  }));
}

/**
 * Logical id → construct path from a stack artifact's metadata, which every synth writes (templates
 * carry `aws:cdk:path` only when path metadata is on, and Fastish turns it off).
 */
function logicalIdPaths(dir: string, artifact: ManifestArtifact): Map<string, string> {
  const metadata: NonNullable<ManifestArtifact['metadata']> = { ...artifact.metadata };
  const file = artifact.additionalMetadataFile ? join(dir, artifact.additionalMetadataFile) : undefined;
  if (file && existsSync(file)) Object.assign(metadata, JSON.parse(readFileSync(file, 'utf8')));
  const paths = new Map<string, string>();
  for (const [path, entries] of Object.entries(metadata)) {
    for (const entry of entries) {
      if (entry.type === 'aws:cdk:logicalId' && typeof entry.data === 'string') {
        paths.set(entry.data, path.replace(/^\//, ''));
      }
    }
  }
  return paths;
}
