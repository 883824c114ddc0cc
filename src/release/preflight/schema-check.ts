/**
 * A small structural JSON Schema check for EKS add-on configuration values. EKS publishes each add-on
 * version's schema (DescribeAddonConfiguration, draft-06/07 with `definitions` and `$ref`); what our values
 * can get wrong is structure: an unknown key (`additionalProperties: false`), a wrong type, a value outside
 * an `enum`, a missing required key. Those keywords are checked here, with local `$ref`s and
 * `anyOf`/`oneOf`/`allOf`; formats, numeric and length bounds are not (ajv would, but it is only a development
 * dependency of Fastish, and preflight runs in projects that install Fastish without them).
 */
type Schema = boolean | Record<string, unknown>;

const typeOf = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v;

function resolve(root: Schema, ref: string): Schema | undefined {
  if (!ref.startsWith('#')) return undefined;
  let node: unknown = root;
  for (const part of ref.slice(1).split('/').filter(Boolean)) {
    const key = decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~');
    node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  }
  return typeof node === 'boolean' || (node && typeof node === 'object') ? (node as Schema) : undefined;
}

function matchesType(value: unknown, type: unknown): boolean {
  const types = Array.isArray(type) ? type : [type];
  const actual = typeOf(value);
  return types.some((t) => t === actual || (t === 'number' && actual === 'integer'));
}

function check(value: unknown, schema: Schema, root: Schema, path: string, depth: number): string[] {
  if (schema === true) return [];
  if (schema === false) return [`${path}: not allowed`];
  if (depth > 50) return [];
  const s = schema as Record<string, unknown>;
  const at = path || '(root)';
  if (typeof s.$ref === 'string') {
    const target = resolve(root, s.$ref);
    if (!target) return [];
    const errors = check(value, target, root, path, depth + 1);
    if (errors.length > 0) return errors;
  }
  if (s.type !== undefined && !matchesType(value, s.type)) {
    return [`${at}: ${JSON.stringify(value)} is ${typeOf(value)}, expected ${[s.type].flat().join(' or ')}`];
  }
  if (Array.isArray(s.enum) && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    return [
      `${at}: ${JSON.stringify(value)} is not one of ${s.enum.map((e) => JSON.stringify(e)).join(', ')}`,
    ];
  }
  if ('const' in s && JSON.stringify(s.const) !== JSON.stringify(value)) {
    return [`${at}: must be ${JSON.stringify(s.const)}`];
  }
  const errors: string[] = [];
  for (const sub of Array.isArray(s.allOf) ? (s.allOf as Schema[]) : []) {
    errors.push(...check(value, sub, root, path, depth + 1));
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = Array.isArray(s[key]) ? (s[key] as Schema[]) : [];
    if (branches.length > 0 && !branches.some((b) => check(value, b, root, path, depth + 1).length === 0)) {
      errors.push(`${at}: matches none of the ${key} alternatives`);
    }
  }
  if (typeOf(value) === 'object') {
    const obj = value as Record<string, unknown>;
    const properties = (s.properties ?? {}) as Record<string, Schema>;
    for (const key of Array.isArray(s.required) ? (s.required as string[]) : []) {
      if (!(key in obj)) errors.push(`${path ? `${path}.` : ''}${key}: required`);
    }
    for (const [key, v] of Object.entries(obj)) {
      const child = path ? `${path}.${key}` : key;
      if (key in properties) errors.push(...check(v, properties[key] as Schema, root, child, depth + 1));
      else if (s.additionalProperties === false) {
        const known = Object.keys(properties);
        errors.push(
          `${child}: unknown key${known.length > 0 ? ` (the schema allows ${known.join(', ')})` : ''}`,
        );
      } else if (s.additionalProperties && typeof s.additionalProperties === 'object') {
        errors.push(...check(v, s.additionalProperties as Schema, root, child, depth + 1));
      }
    }
  }
  if (Array.isArray(value) && s.items && !Array.isArray(s.items)) {
    value.forEach((item, i) => {
      errors.push(...check(item, s.items as Schema, root, `${path}[${i}]`, depth + 1));
    });
  }
  return errors;
}

/** Every structural mismatch of `value` against `schema` (empty when it conforms), as `path: problem`. */
export function schemaErrors(value: unknown, schema: Schema): string[] {
  return check(value, schema, schema, '', 0);
}
