import type { z } from 'zod';

type AnySchema = z.core.$ZodType;

/** Strips wrappers (default, optional, prefault, pipe) to reach the schema that holds the shape. */
function unwrap(schema: AnySchema): AnySchema {
  let current = schema;
  for (;;) {
    const def = current._zod.def as { type: string; innerType?: AnySchema; in?: AnySchema; out?: AnySchema };
    if (def.innerType) current = def.innerType;
    // A preprocess (transform → schema) holds its shape on the out side.
    else if (def.type === 'pipe' && def.in?._zod.def.type === 'transform' && def.out) current = def.out;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else return current;
  }
}

/** The child schema at a config path, or undefined when the path leaves the schema. */
export function schemaAt(root: AnySchema, path: readonly PropertyKey[]): AnySchema | undefined {
  let node: AnySchema | undefined = root;
  for (const key of path) {
    if (!node) return undefined;
    const def = unwrap(node)._zod.def as {
      type: string;
      shape?: Record<string, AnySchema>;
      valueType?: AnySchema;
      element?: AnySchema;
    };
    if (def.type === 'object') node = def.shape?.[String(key)];
    else if (def.type === 'record') node = def.valueType;
    else if (def.type === 'array') node = def.element;
    else return undefined;
  }
  return node;
}

/** Keys an object schema at a path accepts (empty for non-objects). */
export function knownKeysAt(root: AnySchema, path: readonly PropertyKey[]): string[] {
  const node = schemaAt(root, path);
  if (!node) return [];
  const def = unwrap(node)._zod.def as { type: string; shape?: Record<string, AnySchema> };
  return def.type === 'object' && def.shape ? Object.keys(def.shape).filter((k) => !k.startsWith('$')) : [];
}
