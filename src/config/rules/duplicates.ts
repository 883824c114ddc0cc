import type { ConfigIssue } from '../errors';

/** What makes a list entry "the same" as another: the value itself, or its `name`. */
function identity(entry: unknown): string | undefined {
  if (typeof entry === 'string' || typeof entry === 'number') return JSON.stringify(entry);
  if (entry !== null && typeof entry === 'object' && typeof (entry as { name?: unknown }).name === 'string')
    return JSON.stringify((entry as { name: string }).name);
  return undefined;
}

/**
 * Every list in the settings holds distinct entries: a repeated value or name would collapse into one
 * resource (a tier, a datasource, a NodePool family), so the config would say more than is deployed.
 * `pathOf` turns a settings path into the config path to report.
 */
export function duplicateIssues(
  value: unknown,
  pathOf: (path: readonly PropertyKey[]) => string,
  path: PropertyKey[] = [],
): ConfigIssue[] {
  if (value === null || typeof value !== 'object') return [];
  const out: ConfigIssue[] = [];
  if (Array.isArray(value)) {
    const first = new Map<string, number>();
    value.forEach((entry, i) => {
      const id = identity(entry);
      if (id === undefined) return;
      const earlier = first.get(id);
      if (earlier === undefined) {
        first.set(id, i);
        return;
      }
      const named = typeof entry === 'object';
      out.push({
        path: pathOf(named ? [...path, i, 'name'] : [...path, i]),
        value: named ? (entry as { name: string }).name : entry,
        message: `is listed twice (also at [${earlier}]); each entry of this list must be unique`,
      });
    });
    value.forEach((entry, i) => {
      out.push(...duplicateIssues(entry, pathOf, [...path, i]));
    });
    return out;
  }
  for (const [key, child] of Object.entries(value))
    out.push(...duplicateIssues(child, pathOf, [...path, key]));
  return out;
}
