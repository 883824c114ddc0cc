// biome-ignore-all lint/suspicious/noExplicitAny: tests mutate raw, untyped config data
import { expect } from 'vitest';
import { ConfigError, validateConfig } from '../../src/config';
import { formatValue } from '../../src/config/errors';
import { validRaw } from './fixtures';

/** One broken config: how to break the valid fixture, and the issue validate must report. */
export interface BadCase {
  readonly name: string;
  readonly mutate: (c: any) => void;
  readonly path: string;
  /** The offending value as the config holds it (`undefined` = missing). */
  readonly value: unknown;
  /** What the message must say is accepted / wrong. */
  readonly says: RegExp;
}

export function errorOf(raw: unknown): ConfigError {
  try {
    validateConfig(raw, 'fastish.yaml');
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('config unexpectedly valid');
}

/** Breaks the fixture as the case says and asserts the reported line: `  <path>: <value> <message>`. */
export function expectBadCase(c: BadCase): void {
  const raw = validRaw();
  c.mutate(raw);
  const err = errorOf(raw);
  const line = err.message.split('\n').find((l) => l.startsWith(`  ${c.path}: ${formatValue(c.value)} `));
  expect(line, err.message).toBeDefined();
  expect(line).toMatch(c.says);
  expect(err.message).not.toMatch(/\n\s+at /);
}
