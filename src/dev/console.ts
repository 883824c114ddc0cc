import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

/** The console's npm package (Next.js), next to src/ in the repository. */
export const WEB_DIR = resolve(__dirname, '..', '..', 'web');
/** Client id of the local sign-in (the local issuer's audience). */
export const LOCAL_CLIENT_ID = 'local-client';
const HASH_FILE = 'fastish-source-hash';
const SOURCES = ['app', 'components', 'lib', 'next.config.ts', 'package-lock.json', 'tsconfig.json'];

export interface ConsoleOptions {
  /** The dev server's URL: the API, and the authorization server of the local sign-in. */
  apiUrl: string;
  /** Default 3000; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default the repository's `web/`. */
  webDir?: string;
  /** Build before starting: `if-stale` (default; when sources changed since the last build), `always`, `never`. */
  build?: 'if-stale' | 'always' | 'never';
  /** Skip `next build`'s own type check (the tests run `tsc -p web` separately). Default false. */
  skipTypecheck?: boolean;
  /** Progress lines (build and start). */
  log?: (line: string) => void;
}

export interface RunningConsole {
  url: string;
  stop(): Promise<void>;
}

function sourceFiles(dir: string, entry: string, out: string[]): void {
  const path = join(dir, entry);
  if (!existsSync(path)) return;
  if (statSync(path).isDirectory()) {
    for (const child of readdirSync(path).sort()) sourceFiles(dir, join(entry, child), out);
  } else out.push(entry);
}

/** Hash of the console's sources: a build is current when it was made from the same sources. */
export function consoleSourceHash(webDir = WEB_DIR): string {
  const files: string[] = [];
  for (const s of SOURCES) sourceFiles(webDir, s, files);
  const hash = createHash('sha256');
  for (const f of files)
    hash
      .update(f)
      .update('\0')
      .update(readFileSync(join(webDir, f)))
      .update('\0');
  return hash.digest('hex');
}

export function consoleBuildIsCurrent(webDir = WEB_DIR): boolean {
  const file = join(webDir, '.next', HASH_FILE);
  return (
    existsSync(join(webDir, '.next', 'BUILD_ID')) &&
    existsSync(file) &&
    readFileSync(file, 'utf8') === consoleSourceHash(webDir)
  );
}

function nextBin(webDir: string): string {
  const bin = join(webDir, 'node_modules', 'next', 'dist', 'bin', 'next');
  if (!existsSync(bin)) {
    throw new Error(`the console's dependencies are not installed: run \`npm --prefix ${webDir} ci\``);
  }
  return bin;
}

function run(child: ChildProcess, what: string): Promise<void> {
  const output: string[] = [];
  child.stdout?.on('data', (c: Buffer) => output.push(c.toString()));
  child.stderr?.on('data', (c: Buffer) => output.push(c.toString()));
  return new Promise((resolvePromise, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolvePromise()
        : reject(new Error(`${what} failed (exit ${code}):\n${output.join('').slice(-4000)}`)),
    );
  });
}

/** `next build` in web/ (production build; configuration is read at request time, not baked in). */
export async function buildConsole(
  options: { webDir?: string; skipTypecheck?: boolean; log?: (line: string) => void } = {},
): Promise<void> {
  const webDir = options.webDir ?? WEB_DIR;
  const hash = consoleSourceHash(webDir);
  options.log?.('building the console (next build)');
  const started = Date.now();
  await run(
    spawn(process.execPath, [nextBin(webDir), 'build'], {
      cwd: webDir,
      env: {
        ...process.env,
        NEXT_TELEMETRY_DISABLED: '1',
        ...(options.skipTypecheck ? { FASTISH_CONSOLE_SKIP_TYPECHECK: '1' } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
    'next build',
  );
  writeFileSync(join(webDir, '.next', HASH_FILE), hash);
  options.log?.(`console built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePromise(port));
    });
  });
}

/** The environment the console reads (names of the webapp stack's CONSOLE_ENV), pointed at `fastish dev`. */
export function localConsoleEnv(apiUrl: string): Record<string, string> {
  return {
    NEXT_PUBLIC_API_URL: apiUrl,
    NEXT_PUBLIC_COGNITO_DOMAIN: apiUrl,
    NEXT_PUBLIC_COGNITO_CLIENT_ID: LOCAL_CLIENT_ID,
    NEXT_PUBLIC_COGNITO_USER_POOL_ID: 'local',
    NEXT_PUBLIC_AWS_REGION: 'local',
    FASTISH_CONSOLE_MODE: 'local',
  };
}

/**
 * Serves the console with `next start` next to a running dev server: the same build that ships, configured
 * through environment values to use the dev server as API and sign-in. Builds first when needed.
 */
export async function startConsole(options: ConsoleOptions): Promise<RunningConsole> {
  const webDir = options.webDir ?? WEB_DIR;
  const host = options.host ?? '127.0.0.1';
  const port = options.port === 0 ? await freePort(host) : (options.port ?? 3000);
  const build = options.build ?? 'if-stale';
  if (build === 'always' || (build === 'if-stale' && !consoleBuildIsCurrent(webDir))) {
    await buildConsole({
      webDir,
      ...(options.skipTypecheck ? { skipTypecheck: true } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
  }
  if (!existsSync(join(webDir, '.next', 'BUILD_ID'))) throw new Error(`no console build in ${webDir}/.next`);

  const child = spawn(process.execPath, [nextBin(webDir), 'start', '-p', String(port), '-H', host], {
    cwd: webDir,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...localConsoleEnv(options.apiUrl) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (c: Buffer) => output.push(c.toString()));
  child.stderr?.on('data', (c: Buffer) => output.push(c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = `http://${host}:${port}`;

  const deadline = Date.now() + 60_000;
  for (;;) {
    const early = await Promise.race([
      exited,
      new Promise<'running'>((r) => setTimeout(() => r('running'), 250)),
    ]);
    if (early !== 'running') {
      throw new Error(`next start exited (${early}):\n${output.join('').slice(-4000)}`);
    }
    const ok = await fetch(`${url}/signin`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`the console did not answer on ${url} within 60 s:\n${output.join('').slice(-4000)}`);
    }
  }
  options.log?.(`console on ${url}`);

  return {
    url,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
