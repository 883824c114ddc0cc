import { createHash } from 'node:crypto';
import { NAME_RULES, type NameKind } from './limits';

/** Short, stable, lowercase hash of the full (untruncated) name. */
export function shortHash(input: string, length = 8): string {
  return createHash('sha256').update(input).digest('hex').slice(0, length);
}

export class NameError extends Error {
  constructor(
    readonly kind: NameKind,
    readonly value: string,
    reason: string,
  ) {
    super(`${kind} name "${value}" ${reason}`);
    this.name = 'NameError';
  }
}

/**
 * Joins parts into a name of the given kind. When the joined name exceeds the kind's limit it is
 * cut and suffixed with a hash of the full name, so distinct inputs stay distinct and the result is
 * stable across synths. Throws `NameError` if the parts contain characters the kind rejects.
 */
export function fitName(kind: NameKind, parts: readonly string[], separator = '-', prefix = ''): string {
  const rule = NAME_RULES[kind];
  let full = prefix + parts.filter((p) => p.length > 0).join(separator);
  if (rule.lowercase) full = full.toLowerCase();
  let name = full;
  if (full.length > rule.maxLength) {
    const hash = shortHash(full);
    const keep = rule.maxLength - hash.length - separator.length;
    name = `${full.slice(0, keep).replace(/[-_./]+$/, '')}${separator}${hash}`;
  }
  return assertName(kind, name);
}

/** Validates a name against its kind's rule; returns it unchanged. */
export function assertName(kind: NameKind, name: string): string {
  const rule = NAME_RULES[kind];
  if (name.length > rule.maxLength)
    throw new NameError(kind, name, `is ${name.length} characters; the limit is ${rule.maxLength}`);
  if (name.length < rule.minLength)
    throw new NameError(kind, name, `is shorter than ${rule.minLength} characters`);
  if (!rule.pattern.test(name)) throw new NameError(kind, name, `does not match ${rule.pattern}`);
  return name;
}
