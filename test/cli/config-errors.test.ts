import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/command';
import { jsonFailure, namingSource } from '../../src/cli/config-errors';
import { ConfigError } from '../../src/config';
import { NameError } from '../../src/naming';

const FILE = 'fastish.yaml';
const issue = { path: 'organization.name', value: 'Acme', message: 'must be lowercase' };

const CASES: { name: string; err: unknown; message: string | RegExp; kind: string; code: number }[] = [
  {
    name: 'a config error',
    err: new ConfigError(FILE, [issue]),
    message: /^fastish\.yaml: 1 configuration error/,
    kind: 'config',
    code: 2,
  },
  {
    name: 'a usage error',
    err: new UsageError('expected one environment'),
    message: 'expected one environment',
    kind: 'usage',
    code: 2,
  },
  {
    name: 'a synth failure',
    err: new Error('stack too large'),
    message: 'fastish.yaml: stack too large',
    kind: 'error',
    code: 1,
  },
  { name: 'a thrown string', err: 'boom', message: 'fastish.yaml: boom', kind: 'error', code: 1 },
];

describe('errors of config-reading commands name the file (issue 13 §3)', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const named = namingSource(FILE, c.err) as Error;
    if (typeof c.message === 'string') expect(named.message).toBe(c.message);
    else expect(named.message).toMatch(c.message);
    const json = JSON.parse(jsonFailure(FILE, c.err).json);
    expect(json).toMatchObject({ ok: false, source: FILE, error: { kind: c.kind } });
    expect(jsonFailure(FILE, c.err).code).toBe(c.code);
  });

  it('keeps the class of what it names (a NameError keeps its hint) and never names twice', () => {
    const err = new NameError('iamRole', 'x'.repeat(70), 'is too long');
    expect(namingSource(FILE, namingSource(FILE, err))).toBeInstanceOf(NameError);
    expect(err.message).toMatch(/^fastish\.yaml: iamRole name "x+" is too long$/);
  });
});
