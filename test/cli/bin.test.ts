import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
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
  writeFileSync(
    join(dir, 'druid.yaml'),
    readFileSync(starter, 'utf8')
      .replace('architectures: []', 'architectures: [eks, druid]')
      .replace(
        'overrides:\n',
        'overrides:\n      druid: { ingestion: kinesis, datasources: [{ name: clicks, source: { type: kinesis, stream: clicks } }] }\n',
      ),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** No AWS credentials anywhere (nor the instance metadata service): deploy must fail without them. */
const NO_AWS: NodeJS.ProcessEnv = {
  FASTISH_DEBUG: '',
  AWS_CONFIG_FILE: '/nonexistent/aws-config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_ACCESS_KEY_ID: '',
  AWS_SECRET_ACCESS_KEY: '',
  AWS_PROFILE: '',
};

function bin(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, ...NO_AWS },
    timeout: 150_000,
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

const ROOT = join(__dirname, '..', '..');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** Issue 13 §4: every command works through bin/fastish.js (the help of any other command, below). */
const COMMAND_CASES: CliCase[] = [
  { name: '--version', args: () => ['--version'], code: 0, stdout: new RegExp(`^fastish ${VERSION}\\n$`) },
  { name: 'init', args: ({ dir }) => ['init', '--out', join(dir, 'init.yaml')], code: 0, stdout: /wrote / },
  {
    name: 'validate: the starter says "1 team, 1 environment"',
    args: ({ starter }) => ['validate', '--config', starter],
    code: 0,
    stdout: /: valid \(1 team, 1 environment\)/,
  },
  {
    name: 'synth: replaces an existing assembly whole (no stale templates or assets)',
    args: ({ dir, starter }) => {
      const out = join(dir, 'assembly');
      mkdirSync(join(out, 'asset.stale'), { recursive: true });
      writeFileSync(join(out, 'stale.template.json'), '{}');
      return ['synth', '--config', starter, '--out', out, '--json'];
    },
    code: 0,
    json: (v) => {
      const out = join(dir, 'assembly');
      expect(v).toMatchObject({ ok: true, outdir: out });
      expect(existsSync(join(out, 'manifest.json'))).toBe(true);
      expect(existsSync(join(out, 'stale.template.json'))).toBe(false);
      expect(existsSync(join(out, 'asset.stale'))).toBe(false);
      for (const s of v.stacks as { templateFile: string }[]) expect(existsSync(s.templateFile)).toBe(true);
    },
  },
  {
    name: 'check --json: reports no assembly directory that no longer exists',
    args: ({ starter }) => ['check', '--config', starter, '--json'],
    code: 0,
    json: (v) => {
      expect(v).toMatchObject({ ok: true, blocking: 0 });
      expect(JSON.stringify(v)).not.toMatch(/"outdir"|"templateFile"/);
    },
  },
  {
    name: 'plan: two assemblies, offline',
    args: ({ dir }) => ['plan', '--base', join(dir, 'assembly'), '--head', join(dir, 'assembly'), '--json'],
    code: 0,
  },
  {
    name: 'rehearse: a synthesized assembly',
    args: ({ dir }) => ['rehearse', '--app', join(dir, 'assembly'), '--json'],
    code: 0,
    json: (v) => expect(v.denied).toBe(0),
  },
  {
    name: 'deploy without credentials: fails before CloudFormation, says so, and claims no rollback',
    args: ({ starter }) => ['deploy', 'dev', '--config', starter, '--yes'],
    code: 1,
    stdout:
      /no stack reached CloudFormation, so nothing changed and nothing needs a rollback\nconfigure AWS credentials/,
  },
  { name: 'docs --check', args: () => ['docs', '--check'], code: 0 },
  {
    name: 'druid specs',
    args: ({ dir }) => ['druid', 'specs', '--config', join(dir, 'druid.yaml'), '--json'],
    code: 0,
    json: (v) => expect(JSON.stringify(v)).toContain('clicks'),
  },
];

describe('bin/fastish.js: every command (issue 13 §4)', () => {
  it.each(COMMAND_CASES.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const r = bin(...c.args({ dir, starter }));
    expect(r.code, r.err).toBe(c.code);
    if (c.stdout) expect(r.out).toMatch(c.stdout);
    if (c.json) c.json(JSON.parse(r.out));
    expect(r.out + r.err).not.toMatch(/no rollback observed|Cannot find module/);
  });

  it('every registered command has a case above or answers --help', async () => {
    const { COMMANDS } = await import('../../src/cli/commands');
    const covered = new Set(COMMAND_CASES.map((c) => c.name.split(/[ :]/)[0]));
    for (const name of Object.keys(COMMANDS).filter((n) => !covered.has(n))) {
      const r = bin(name, '--help');
      expect(r.code, `${name} --help: ${r.err}`).toBe(0);
    }
  });
});

/** Spawns a long-running command and resolves with the dev server URL it prints. */
function started(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d) => {
      out += String(d);
      const m = /API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`exited ${code} before serving: ${out}`)));
  });
}

function portOpen(url: string): Promise<boolean> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function eventually(check: () => Promise<boolean>, ms = 40_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 250)))
    if (await check()) return true;
  return false;
}

describe('bin/fastish.js dev (issue 13 §4)', () => {
  it('serves, seeds and mints tokens through bin, and stops on SIGTERM, freeing the port', async () => {
    const child = spawn(process.execPath, [BIN, 'dev', '--port', '0'], { cwd: dir, stdio: 'pipe' });
    try {
      const url = await started(child);
      const seeded = bin('dev', 'seed', '--url', url);
      expect(seeded.code, seeded.err).toBe(0);
      expect(seeded.out).toMatch(/acme\s+\w+\s+admin/);
      const token = bin('dev', 'token', '--tenant', 'platform', '--role', 'operator', '--url', url);
      expect(token.code, token.err).toBe(0);
      expect(token.out.split('.')).toHaveLength(3);
      child.kill('SIGTERM');
      expect(await eventually(async () => child.exitCode !== null)).toBe(true);
      expect(child.exitCode).toBe(0);
      expect(await portOpen(url)).toBe(false);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('stopping the `npm run fastish -- dev` wrapper stops the server it launched', async () => {
    // npm signals only its own child shell, which dies without passing the signal to tsx and the server.
    const npm = spawn('npm', ['run', '-s', 'fastish', '--', 'dev', '--port', '0'], {
      cwd: ROOT,
      stdio: 'pipe',
      detached: true,
    });
    try {
      const url = await started(npm);
      npm.kill('SIGTERM');
      expect(await eventually(async () => !(await portOpen(url)))).toBe(true);
      // Nothing of the process group is left (signal 0 only probes).
      expect(
        await eventually(async () => {
          try {
            process.kill(-(npm.pid as number), 0);
            return false;
          } catch {
            return true;
          }
        }),
      ).toBe(true);
    } finally {
      try {
        process.kill(-(npm.pid as number), 'SIGKILL');
      } catch {}
    }
  });
});
