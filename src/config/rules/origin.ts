import { formatPath } from '../errors';
import type { RawConfig } from '../schema';

function has(root: unknown, path: readonly PropertyKey[]): boolean {
  let node: unknown = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return false;
    if (!Object.hasOwn(node, key)) return false;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node !== undefined;
}

/**
 * The config path a user edits to change one effective setting of an environment: its `overrides` when
 * they set it, else `defaults` when they do, else the overrides (where a schema default is replaced).
 */
export function settingPath(raw: RawConfig, env: string, path: readonly PropertyKey[]): string {
  const overrides = raw.environments[env]?.overrides;
  if (!has(overrides, path) && has(raw.defaults, path)) return formatPath(['defaults', ...path]);
  return formatPath(['environments', env, 'overrides', ...path]);
}
