import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Every case runs `bin/fastish.js` in a child process: the entry point a user runs. */
const BIN = join(__dirname, '..', '..', 'bin', 'fastish.js');

let dir: string;
let starter: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fastish-bin-'));
  starter = join(dir, 'fastish.yaml');
  expect(bin('init', '--out', starter).code).toBe(0);
  writeFileSync(join(dir, 'tab.yaml'), 'organization:\n\tname: acme\n');
  writeFileSync(join(dir, 'bad.yaml'), 'organization: { name: Acme }\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function bin(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, FASTISH_DEBUG: '' },
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

interface CliCase {
  readonly name: string;
  readonly args: (files: { dir: string; starter: string }) => string[];
  readonly code: number;
  readonly stdout?: RegExp;
  readonly stderr?: RegExp;
  /** Asserts on the parsed stdout when the command prints JSON. */
  readonly json?: (value: Record<string, unknown>) => void;
}

/** Issue 13 §3: errors a person can act on, through the real entry point. */
const ERROR_CASES: CliCase[] = [
  {
    name: 'validate: a YAML syntax error is file:line:col with the line',
    args: ({ dir }) => ['validate', '--config', join(dir, 'tab.yaml')],
    code: 2,
    stderr:
      /tab\.yaml:2:1: "\\tname: acme" Tabs are not allowed as indentation.*\n\s+2 \| \tname: acme\n\s+\^/,
  },
  {
    name: 'druid specs: an unknown environment names the file and the environments',
    args: ({ starter }) => ['druid', 'specs', '--config', starter, '--env', 'prod'],
    code: 2,
    stderr: /fastish\.yaml: no environment "prod" \(environments: dev\)/,
  },
  {
    name: 'dev token: a role that is not one lists the accepted roles',
    args: () => ['dev', 'token', '--tenant', 'acme', '--role', 'superuser'],
    code: 2,
    stderr: /--role: "superuser" is not a role; accepted: operator, admin, member, viewer/,
  },
  {
    name: 'synth --json: a config error is a JSON error object on stdout',
    args: ({ dir }) => ['synth', '--config', join(dir, 'bad.yaml'), '--out', join(dir, 'out'), '--json'],
    code: 2,
    json: (v) => {
      expect(v).toMatchObject({ ok: false, source: join(dir, 'bad.yaml'), error: { kind: 'config' } });
      const issues = (v.error as { issues: { path: string; value: unknown }[] }).issues;
      expect(issues).toContainEqual(expect.objectContaining({ path: 'organization.name', value: 'Acme' }));
    },
  },
  {
    name: 'check --json: a YAML error is a JSON error object with file:line:col',
    args: ({ dir }) => ['check', '--config', join(dir, 'tab.yaml'), '--json'],
    code: 2,
    json: (v) => {
      const issues = (v.error as { issues: { path: string }[] }).issues;
      expect(issues[0]?.path).toBe(`${join(dir, 'tab.yaml')}:2:1`);
    },
  },
];

describe('bin/fastish.js: errors (issue 13 §3)', () => {
  it.each(ERROR_CASES.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const r = bin(...c.args({ dir, starter }));
    expect(r.code, r.err).toBe(c.code);
    if (c.stdout) expect(r.out).toMatch(c.stdout);
    if (c.stderr) expect(r.err).toMatch(c.stderr);
    if (c.json) c.json(JSON.parse(r.out));
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});
