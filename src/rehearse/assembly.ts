import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ManifestArtifact, stackArtifacts } from '../cloud-assembly/manifest';

/** A CloudFormation template as synthesized (plain JSON). */
export interface Template {
  readonly Resources?: Record<string, TemplateResource>;
  readonly Outputs?: Record<
    string,
    { readonly Value: unknown; readonly Export?: { readonly Name: unknown } }
  >;
  readonly Parameters?: Record<string, { readonly Default?: unknown; readonly Type?: string }>;
  readonly Conditions?: Record<string, unknown>;
}

export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Condition?: string;
  readonly DependsOn?: string | string[];
}

/** A file or image asset destination, as the toolkit publishes it. */
export interface AssetDestination {
  readonly kind: 'file' | 'image';
  readonly displayName: string;
  /** Bucket (file) or repository (image). */
  readonly container: string;
  /** Object key (file) or image tag (image). */
  readonly key: string;
  readonly assumeRoleArn?: string;
}

/**
 * One stack artifact of a cloud assembly with what the CDK toolkit reads to deploy it: the roles it
 * assumes, where the template is uploaded, and the assets published before it.
 */
export interface RehearsalStack {
  /** Construct path display name, e.g. `dev/webapp` or `dev/operator/bootstrap`. */
  readonly id: string;
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
  readonly template: Template;
  /** Bytes of the template file as written (what an inline `TemplateBody` would carry). */
  readonly templateBytes: number;
  /** Role the toolkit assumes to create change sets; absent: the caller's own credentials. */
  readonly assumeRoleArn?: string;
  readonly executionRoleArn?: string;
  readonly lookupRoleArn?: string;
  /** `s3://bucket/key` when the toolkit uploads the template instead of sending it inline. */
  readonly templateUrl?: string;
  readonly bootstrapVersionParameter?: string;
  readonly assets: readonly AssetDestination[];
  /** Nested assembly directory the stack came from (`.` for the top level). */
  readonly assembly: string;
}

interface AssetManifest {
  readonly files?: Record<string, AssetEntry>;
  readonly dockerImages?: Record<string, AssetEntry>;
}

interface AssetEntry {
  readonly displayName?: string;
  readonly destinations: Record<
    string,
    {
      readonly bucketName?: string;
      readonly objectKey?: string;
      readonly repositoryName?: string;
      readonly imageTag?: string;
      readonly assumeRoleArn?: string;
    }
  >;
}

/** Manifests name roles with CloudFormation's partition placeholder; the rehearsal works in `aws`. */
function withPartition(arn: string): string {
  return arn.replace('${AWS::Partition}', 'aws');
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

function assetsOf(
  dir: string,
  artifacts: Readonly<Record<string, ManifestArtifact>>,
  stack: ManifestArtifact,
) {
  const out: AssetDestination[] = [];
  for (const dep of stack.dependencies ?? []) {
    const artifact = artifacts[dep];
    if (artifact?.type !== 'cdk:asset-manifest' || !artifact.properties?.file) continue;
    const manifest = readJson<AssetManifest>(join(dir, artifact.properties.file));
    for (const [kind, entries] of [
      ['file', manifest.files],
      ['image', manifest.dockerImages],
    ] as const) {
      for (const [hash, entry] of Object.entries(entries ?? {})) {
        for (const d of Object.values(entry.destinations)) {
          out.push({
            kind,
            displayName: entry.displayName ?? hash,
            container: d.bucketName ?? d.repositoryName ?? '',
            key: d.objectKey ?? d.imageTag ?? hash,
            ...(d.assumeRoleArn ? { assumeRoleArn: withPartition(d.assumeRoleArn) } : {}),
          });
        }
      }
    }
  }
  return out;
}

/**
 * Every stack of a synthesized cloud assembly with its deployment properties, following nested
 * assemblies, in manifest order. Pure file reading.
 */
export function readRehearsalAssembly(dir: string): RehearsalStack[] {
  return stackArtifacts(dir).map(({ artifactId, artifact, dir: at, assembly, artifacts, templateText }) => {
    const p = artifact.properties;
    const [, account = '', region = ''] = /^aws:\/\/([^/]+)\/(.+)$/.exec(artifact.environment ?? '') ?? [];
    const lookup = p.lookupRole as { arn?: string } | undefined;
    const str = (v: unknown) => (typeof v === 'string' ? withPartition(v) : undefined);
    const optional = {
      assumeRoleArn: str(p.assumeRoleArn),
      executionRoleArn: str(p.cloudFormationExecutionRoleArn),
      lookupRoleArn: lookup?.arn && withPartition(lookup.arn),
      templateUrl: str(p.stackTemplateAssetObjectUrl),
      bootstrapVersionParameter: str(p.bootstrapStackVersionSsmParameter),
    };
    return {
      id: artifact.displayName ?? artifactId,
      stackName: p.stackName ?? artifactId,
      account,
      region,
      template: JSON.parse(templateText) as Template,
      templateBytes: Buffer.byteLength(templateText),
      assets: assetsOf(at, artifacts, artifact),
      assembly,
      ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
    };
  });
}
