/**
 * Static evaluation of template values, for rules that need a name or flag that may be written as
 * an intrinsic. Pseudo parameters resolve to their longest real value, so a length check is a
 * worst case; anything else that cannot be known before deploy resolves to `undefined`.
 */
const PSEUDO_WORST_CASE: Record<string, string> = {
  'AWS::AccountId': '123456789012',
  'AWS::Region': 'ap-southeast-5',
  'AWS::Partition': 'aws-us-gov',
  'AWS::URLSuffix': 'amazonaws.com.cn',
  'AWS::StackName': 'x'.repeat(128),
};

export function staticString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (!isRecord(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  if (keys[0] === 'Ref') return PSEUDO_WORST_CASE[String(value.Ref)];
  if (keys[0] === 'Fn::Join') {
    const args = value['Fn::Join'];
    if (!Array.isArray(args) || typeof args[0] !== 'string' || !Array.isArray(args[1])) return undefined;
    const parts = (args[1] as unknown[]).map(staticString);
    return parts.every((p) => p !== undefined) ? parts.join(args[0]) : undefined;
  }
  if (keys[0] === 'Fn::Sub' && typeof value['Fn::Sub'] === 'string') {
    let unknown = false;
    const out = value['Fn::Sub'].replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
      const v = PSEUDO_WORST_CASE[name];
      if (v === undefined) unknown = true;
      return v ?? '';
    });
    return unknown ? undefined : out;
  }
  return undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a nested property (`['SSESpecification', 'SSEEnabled']`), undefined when any step is missing. */
export function propertyAt(
  properties: Record<string, unknown> | undefined,
  path: readonly string[],
): unknown {
  let node: unknown = properties;
  for (const key of path) {
    if (!isRecord(node)) return undefined;
    node = node[key];
  }
  return node;
}

/** Booleans may synthesize as `true` or `"true"`. */
export function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

export function toArray<T>(value: T | readonly T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? [...(value as T[])] : [value as T];
}
