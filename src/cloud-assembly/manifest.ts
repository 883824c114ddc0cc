import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

type ArtifactMetadata = Record<string, readonly { readonly type: string; readonly data?: unknown }[]>;

/** An artifact of a cloud assembly manifest, as far as Fastish reads it. */
export interface ManifestArtifact {
  readonly type: string;
  readonly environment?: string;
  readonly displayName?: string;
  readonly metadata?: ArtifactMetadata;
  /** Newer assemblies keep the metadata in a file of its own. */
  readonly additionalMetadataFile?: string;
  readonly properties?: Record<string, unknown> & {
    readonly templateFile?: string;
    readonly stackName?: string;
    readonly directoryName?: string;
    readonly file?: string;
  };
  readonly dependencies?: readonly string[];
}

/** One stack artifact, with the assembly directory it sits in and that assembly's other artifacts. */
export interface StackArtifact {
  readonly artifactId: string;
  readonly artifact: ManifestArtifact & { readonly properties: { readonly templateFile: string } };
  /** The (nested) assembly directory holding the stack. */
  readonly dir: string;
  /** Its directory name relative to its parent (`.` for the top level). */
  readonly assembly: string;
  readonly artifacts: Readonly<Record<string, ManifestArtifact>>;
  /** The template file's text. */
  readonly templateText: string;
}

/**
 * Every stack artifact of a synthesized cloud assembly directory, following nested assemblies (CDK
 * `Stage`s), in manifest order. Pure file reading: no AWS, no CDK toolkit.
 */
export function stackArtifacts(dir: string, assembly = '.'): StackArtifact[] {
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new Error(`${dir} is not a cloud assembly directory (no manifest.json)`);
  }
  const artifacts =
    (JSON.parse(readFileSync(manifestPath, 'utf8')) as { artifacts?: Record<string, ManifestArtifact> })
      .artifacts ?? {};
  const out: StackArtifact[] = [];
  for (const [artifactId, artifact] of Object.entries(artifacts)) {
    const p = artifact.properties;
    if (artifact.type === 'cdk:cloud-assembly' && p?.directoryName) {
      out.push(...stackArtifacts(join(dir, p.directoryName), p.directoryName));
    } else if (artifact.type === 'aws:cloudformation:stack' && p?.templateFile) {
      out.push({
        artifactId,
        artifact: artifact as StackArtifact['artifact'],
        dir,
        assembly,
        artifacts,
        templateText: readFileSync(join(dir, p.templateFile), 'utf8'),
      });
    }
  }
  return out;
}
