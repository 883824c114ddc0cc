/** A deep partial used for typed overlays: every nested field optional, arrays replaced whole. */
export type DeepPartial<T> = T extends readonly (infer _U)[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Deep-merges overlays onto a base, left to right. Objects merge key by key; arrays and scalars
 * from a later overlay replace the earlier value (so a list is never half-inherited). `undefined`
 * never overwrites. Inputs are not mutated.
 */
export function deepMerge<T>(base: T, ...overlays: unknown[]): T {
  let result: unknown = base;
  for (const overlay of overlays) {
    result = mergeTwo(result, overlay);
  }
  return result as T;
}

function mergeTwo(base: unknown, overlay: unknown): unknown {
  if (overlay === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(overlay)) return overlay;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    out[key] = mergeTwo(base[key], value);
  }
  return out;
}
