import type { z } from 'zod';

/** One validation problem: where, what was there, and what is accepted. */
export interface ConfigIssue {
  readonly path: string;
  readonly value: unknown;
  readonly message: string;
}

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(formatIssues(source, issues));
    this.name = 'ConfigError';
  }
}

/** `environments.prod.region` — dotted, with [n] for array indexes. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

export function formatValue(value: unknown): string {
  if (value === undefined) return '(missing)';
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function formatIssues(source: string, issues: readonly ConfigIssue[]): string {
  const lines = issues.map((i) => `  ${i.path}: ${formatValue(i.value)} ${i.message}`);
  return `${source}: ${issues.length} configuration error${issues.length === 1 ? '' : 's'}\n${lines.join('\n')}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node: unknown = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/** Turns zod issues into Fastish issues, rewording zod's generic messages into "what is accepted". */
export function fromZodIssues(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  prefix: readonly PropertyKey[] = [],
  keysAt: (path: readonly PropertyKey[]) => readonly string[] = () => [],
): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'invalid_union' && issue.errors.length > 0 && issue.message === 'Invalid input') {
      out.push(...fromZodIssues(issue.errors[0] ?? [], input, prefix, keysAt));
      continue;
    }
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        out.push({
          path: formatPath([...prefix, ...path]),
          value: valueAt(input, path),
          message: unknownKeyMessage(key, keysAt(issue.path)),
        });
      }
      continue;
    }
    if (issue.code === 'invalid_key') {
      const path = issue.path;
      out.push({
        path: formatPath([...prefix, ...path]),
        value: path[path.length - 1],
        message: `is not a valid key: ${issue.issues.map((i) => i.message).join('; ')}`,
      });
      continue;
    }
    out.push({
      path: formatPath([...prefix, ...issue.path]),
      value: valueAt(input, issue.path),
      message: reword(issue),
    });
  }
  return out;
}

function reword(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (!issue.message.startsWith('Invalid input')) return issue.message;
      return issue.input === undefined
        ? `is required (expected ${article(issue.expected)})`
        : `must be ${article(issue.expected)}`;
    case 'invalid_value':
      return `must be one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      return issue.message.startsWith('Too small')
        ? `must be at least ${String(issue.minimum)}${unit(issue.origin)}`
        : issue.message;
    case 'too_big':
      return issue.message.startsWith('Too big')
        ? `must be at most ${String(issue.maximum)}${unit(issue.origin)}`
        : issue.message;
    default:
      return issue.message;
  }
}

function unit(origin: string): string {
  if (origin === 'string') return ' characters';
  if (origin === 'array' || origin === 'set') return ' entries';
  return '';
}

function article(expected: string): string {
  if (expected === 'object' || expected === 'record') return 'a mapping (object)';
  if (expected === 'array') return 'a list';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function unknownKeyMessage(key: string, known: readonly string[]): string {
  if (known.length === 0) return 'is not a known setting here';
  const close = known.filter((k) => editDistance(k.toLowerCase(), key.toLowerCase()) <= 2);
  const hint = close.length > 0 ? ` (did you mean "${close[0]}"?)` : '';
  return `is not a known setting here${hint}; accepted: ${known.join(', ')}`;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length] ?? 0;
}
