import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, readConfigFile } from '../../src/config';
import { formatValue } from '../../src/config/errors';

const dir = mkdtempSync(join(tmpdir(), 'fastish-yaml-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface YamlCase {
  readonly name: string;
  readonly text: string;
  readonly line: number;
  readonly col: number;
  /** The offending line, as the file has it. */
  readonly value: string;
  readonly says: RegExp;
}

const BASE = 'organization:\n  name: acme\n  domain: acme.example.com\n';

const CASES: YamlCase[] = [
  {
    name: 'a tab used as indentation',
    text: `${BASE}teams:\n\tplatform: {}\n`,
    line: 5,
    col: 1,
    value: '\tplatform: {}',
    says: /Tabs are not allowed as indentation \(YAML TAB_AS_INDENT\)/,
  },
  {
    name: 'an unbalanced bracket',
    text: `${BASE}environments:\n  dev:\n    availabilityZones: [eu-west-1a, eu-west-1b\n    region: eu-west-1\n`,
    line: 7,
    col: 5,
    value: '    region: eu-west-1',
    says: /must be sufficiently indented and end with a \]/,
  },
  {
    name: 'a duplicate key',
    text: `${BASE}  name: other\n`,
    line: 4,
    col: 3,
    value: '  name: other',
    says: /Map keys must be unique \(YAML DUPLICATE_KEY\)/,
  },
];

function errorOf(text: string, file: string): ConfigError {
  writeFileSync(file, text);
  try {
    readConfigFile(file);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('unexpectedly parsed');
}

describe('YAML syntax errors name file:line:col and show the line (issue 13 §3)', () => {
  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', (_, c, i) => {
    const file = join(dir, `case-${i}.yaml`);
    const err = errorOf(c.text, file);
    const at = `${file}:${c.line}:${c.col}`;
    const lines = err.message.split('\n');
    const index = lines.findIndex((l) => l.startsWith(`  ${at}: ${formatValue(c.value)} `));
    expect(index, err.message).toBeGreaterThan(0);
    expect(lines[index]).toMatch(c.says);
    // The excerpt: the numbered line, then a caret under the column.
    expect(lines[index + 1]).toBe(`      ${c.line} | ${c.value}`);
    expect(lines[index + 2]?.indexOf('^')).toBe(`      ${c.line} | `.length + c.col - 1);
  });

  it('refuses an alias bomb as a config error naming the file', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (const [prev, next] of [
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'd'],
      ['d', 'e'],
    ] as const)
      levels.push(`${next}: &${next} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    const file = join(dir, 'bomb.yaml');
    const err = errorOf(`${levels.join('\n')}\n`, file);
    expect(err.issues).toEqual([
      {
        path: '(file)',
        value: file,
        message: expect.stringMatching(/aliases .* expand past 100 references/),
      },
    ]);
  });

  it('refuses a file far larger than any config before parsing it', () => {
    const file = join(dir, 'huge.yaml');
    const teams = Array.from({ length: 20_000 }, (_, i) => `  t${i}: { costCenter: CC-${i} }`);
    const err = errorOf(`teams:\n${teams.join('\n')}\n`, file);
    expect(err.issues).toEqual([
      {
        path: '(file)',
        value: file,
        message: expect.stringMatching(/^is \d+ KiB; Fastish reads config files of at most 256 KiB/),
      },
    ]);
  });

  it('still reads a file with a few aliases', () => {
    const file = join(dir, 'aliases.yaml');
    writeFileSync(file, 'zones: &z [eu-west-1a, eu-west-1b]\nother: *z\n');
    expect(readConfigFile(file)).toEqual({
      zones: ['eu-west-1a', 'eu-west-1b'],
      other: ['eu-west-1a', 'eu-west-1b'],
    });
  });
});
