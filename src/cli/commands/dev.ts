import { ROLES, type Role, TIERS, type Tier } from '../../runtime/contract';
import { type Command, type CommandIo, parseOptions, UsageError } from '../command';
import { launcherChain, whenLaunchersExit } from '../launchers';

const USAGE = `fastish dev [--port <n>] [--data-dir <dir>] [--seed] [--console] [--console-port <n>]
fastish dev token --tenant <id> --role <operator|admin|member|viewer> [--tier <t>] [--user <sub>] [--url <url>]
fastish dev seed [--url <url>]

Runs the web application locally: the shipped authorizer, API and usage-stream handlers behind an
API Gateway emulation, on dynalite (in memory, or on disk with --data-dir), with a local token issuer.

  dev          start the server (Ctrl-C stops it); --seed adds demo tenants and items
  dev token    print an ID token from the running server's issuer (operators: --tenant platform)
  dev seed     add demo tenants (acme, globex, initech) and items to the running server

  -p, --port <n>        port (default 4280)
      --data-dir <dir>  keep data on disk
      --console         also serve the web console (web/, next start; built when its sources changed;
                        needs \`npm --prefix web ci\` once), signing in through the local sign-in page
      --console-port <n>  console port (default 3000)
      --url <url>       the running dev server (default http://127.0.0.1:4280)`;

const DEFAULT_URL = 'http://127.0.0.1:4280';

/** Asks a running dev server's issuer for a token (POST /_dev/token, loopback only). */
async function remoteToken(
  url: string,
  body: { tenantId: string; role: Role; tier?: Tier; userId?: string },
) {
  const res = await fetch(`${url}/_dev/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).catch(() => {
    throw new Error(`no dev server at ${url} (start one with: fastish dev)`);
  });
  const json = (await res.json()) as { token?: string; error?: { message: string } };
  if (!res.ok || !json.token)
    throw new UsageError(json.error?.message ?? `token request failed: ${res.status}`);
  return json.token;
}

async function token(args: readonly string[], io: CommandIo): Promise<number> {
  const { values } = parseOptions(args, {
    tenant: { type: 'string' },
    role: { type: 'string' },
    tier: { type: 'string' },
    user: { type: 'string' },
    url: { type: 'string', default: DEFAULT_URL },
  });
  if (!values.tenant || !values.role) throw new UsageError('dev token needs --tenant and --role');
  if (!(ROLES as readonly string[]).includes(values.role))
    throw new UsageError(`--role: "${values.role}" is not a role; accepted: ${ROLES.join(', ')}`);
  if (values.tier && !(TIERS as readonly string[]).includes(values.tier))
    throw new UsageError(`--tier: "${values.tier}" is not a tier; accepted: ${TIERS.join(', ')}`);
  const jwt = await remoteToken(values.url, {
    tenantId: values.tenant,
    role: values.role as Role,
    ...(values.tier ? { tier: values.tier as Tier } : {}),
    ...(values.user ? { userId: values.user } : {}),
  });
  io.out(`${jwt}\n`);
  return 0;
}

async function seedRemote(args: readonly string[], io: CommandIo): Promise<number> {
  const { values } = parseOptions(args, { url: { type: 'string', default: DEFAULT_URL } });
  const { seed } = await import('../../dev/seed');
  const url = values.url;
  const seeded = await seed({ url, platformTenantId: 'platform', mintToken: (o) => remoteToken(url, o) });
  for (const t of seeded)
    io.out(`${t.tenantId}\t${t.tier}\tadmin ${t.adminUserId}\t${t.items.length} items\n`);
  if (seeded.length === 0) io.out('nothing to seed: the tenants exist\n');
  return 0;
}

async function serve(args: readonly string[], io: CommandIo): Promise<number> {
  const launchers = launcherChain();
  const { values } = parseOptions(args, {
    port: { type: 'string', short: 'p', default: '4280' },
    'data-dir': { type: 'string' },
    seed: { type: 'boolean', default: false },
    console: { type: 'boolean', default: false },
    'console-port': { type: 'string', default: '3000' },
  });
  const consolePort = Number(values['console-port']);
  if (!Number.isInteger(consolePort) || consolePort < 1 || consolePort > 65535)
    throw new UsageError(`--console-port: not a port: ${values['console-port']}`);
  const consoleOrigins = values.console
    ? [`http://127.0.0.1:${consolePort}`, `http://localhost:${consolePort}`]
    : [];
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port: not a port: ${values.port}`);
  const { startDevServer } = await import('../../dev/server');
  const server = await startDevServer({
    port,
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
    consoleOrigins,
  });
  io.err(
    `› dev server on ${server.url} (table ${server.tableName}, ${values['data-dir'] ? `data in ${values['data-dir']}` : 'in memory'})\n`,
  );
  if (values.seed) {
    const { seed } = await import('../../dev/seed');
    const seeded = await seed(server);
    for (const t of seeded) io.err(`  seeded ${t.tenantId} (${t.tier}, ${t.items.length} items)\n`);
  }
  io.out(
    `API       ${server.url}\nOpenAPI   ${server.url}/openapi.json\nJWKS      ${server.url}/.well-known/jwks.json\n`,
  );
  io.out(`operator  ${await server.mintToken({ tenantId: 'platform', role: 'operator' })}\n`);
  let web: { url: string; stop(): Promise<void> } | undefined;
  if (values.console) {
    const { startConsole } = await import('../../dev/console');
    web = await startConsole({ apiUrl: server.url, port: consolePort, log: (l) => io.err(`› ${l}\n`) });
    io.out(`Console   ${web.url}  (sign in: pick a user on the local sign-in page)\n`);
  }
  // Ctrl-C, a stop signal, a closed terminal, or the launcher (npm run, tsx) going away all stop the
  // console and the server, which frees the port.
  let stopWatching = () => {};
  const stopped = await new Promise<string>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
      process.once(signal, () => resolve(signal));
    stopWatching = whenLaunchersExit(launchers, () => resolve('launcher exited'));
  });
  stopWatching();
  io.err(`› stopping (${stopped})\n`);
  await web?.stop();
  await server.stop();
  return 0;
}

/** `fastish dev`: add `dev: devCommand` to the registry in commands/index.ts. */
export const devCommand: Command = {
  summary: 'Run the web application locally (dynalite, local token issuer); dev token / dev seed',
  usage: USAGE,
  run(args, io) {
    const [sub, ...rest] = args;
    if (sub === 'token') return token(rest, io);
    if (sub === 'seed') return seedRemote(rest, io);
    return serve(args, io);
  },
};
