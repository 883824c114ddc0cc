/**
 * Table operations per request, per route: the shipped API handlers on the local server (dynalite), one
 * request at a time, counting every DynamoDB call the API function sends (`onTableOperation`: its own
 * role's client and the tenant sessions'; not the stream consumer, not the test's reads). Deterministic:
 * the same code gives the same counts on any machine. test/runtime/table-ops.test.ts guards them.
 *
 *   npx tsx bench/table-ops.ts     # this module alone (prints the table)
 */

import { startDevServer } from '../src/dev/server';
import type { TableOperation } from '../src/dev/table-ops';

export const title = 'Table operations per request';

/** Issue 14's target per route kind: at most this many of each kind, nothing else. */
export interface OpsTarget {
  readonly reads?: number;
  readonly queries?: number;
  readonly writes?: number;
}

export interface RouteOps {
  /** `METHOD /path` as in the route table. */
  readonly route: string;
  /** What the request did, when a route is measured more than one way. */
  readonly variant?: string;
  readonly status: number;
  /** SDK calls the API function sent. */
  readonly calls: number;
  /** Items read by GetItem / BatchGetItem / TransactGetItems. */
  readonly reads: number;
  readonly queries: number;
  readonly scans: number;
  /** Items written by PutItem / UpdateItem / DeleteItem / BatchWriteItem / TransactWriteItems. */
  readonly writes: number;
  /** The calls, in order, e.g. `UpdateItem, GetItem`. */
  readonly commands: string;
  readonly target?: OpsTarget;
}

const READS = new Set(['GetItemCommand', 'BatchGetItemCommand', 'TransactGetItemsCommand']);
const WRITES = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);

/** Does a route stay within its target (no kind above it, no kind it does not name)? */
export function meetsTarget(r: RouteOps): boolean | undefined {
  if (!r.target) return undefined;
  const t = r.target;
  return (
    r.reads <= (t.reads ?? 0) && r.queries <= (t.queries ?? 0) && r.writes <= (t.writes ?? 0) && r.scans === 0
  );
}

/**
 * Every route a tenant or operator calls, once each, in a life-cycle order (create before read, suspend
 * before resume, offboard last), with the tenant status cache warm as it is in a warm Lambda (30 s, the
 * shipped default). Throws when a request does not succeed: only the success paths are counted.
 */
export async function measureTableOps(): Promise<RouteOps[]> {
  let current: TableOperation[] | undefined;
  const server = await startDevServer({
    logLevel: 'SILENT',
    tenantCacheSeconds: 30,
    onTableOperation: (op) => current?.push(op),
  });
  const results: RouteOps[] = [];
  try {
    const send = async (method: string, path: string, token: string, body?: unknown, headers = {}) => {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return { status: res.status, json: (text ? JSON.parse(text) : {}) as Record<string, unknown>, res };
    };
    /** One counted request; the stream is drained first so nothing of the previous request is in flight. */
    const measure = async (
      route: string,
      target: OpsTarget | undefined,
      request: () => ReturnType<typeof send>,
      variant?: string,
    ) => {
      await server.flushStream();
      current = [];
      const out = await request();
      // Let anything the handler left running after its response reach the client before counting.
      await new Promise((resolve) => setImmediate(resolve));
      const ops = current;
      current = undefined;
      const sum = (kinds: Set<string>) =>
        ops.filter((o) => kinds.has(o.command)).reduce((n, o) => n + o.items, 0);
      results.push({
        route,
        ...(variant ? { variant } : {}),
        status: out.status,
        calls: ops.length,
        reads: sum(READS),
        queries: ops.filter((o) => o.command === 'QueryCommand').length,
        scans: ops.filter((o) => o.command === 'ScanCommand').length,
        writes: sum(WRITES),
        commands: ops
          .map((o) => o.command.replace(/Command$/, '') + (o.items > 1 ? `×${o.items}` : ''))
          .join(', '),
        ...(target ? { target } : {}),
      });
      return out;
    };

    const operator = await server.mintToken({ tenantId: server.platformTenantId, role: 'operator' });
    const onboard = (tenantId: string) =>
      send('POST', '/tenants', operator, {
        tenantId,
        name: tenantId,
        tier: 'standard',
        adminEmail: `a@${tenantId}.test`,
      });
    await onboard('warm'); // warms the platform tenant's status cache
    const onboarded = await measure('POST /tenants', { writes: 2 }, () => onboard('ops'));
    const admin = await server.mintToken({
      tenantId: 'ops',
      role: 'admin',
      tier: 'standard',
      userId: String(onboarded.json.adminUserId),
    });
    await send('GET', '/items', admin); // warms the tenant's status cache, as in a warm function

    await measure('GET /health', undefined, () => send('GET', '/health', admin));
    await measure('GET /openapi.json', undefined, () => send('GET', '/openapi.json', admin));
    const body = { name: 'measured', attributes: { size: 1 } };
    const created = await measure(
      'POST /items',
      { writes: 2 },
      () => send('POST', '/items', admin, body, { 'idempotency-key': 'table-ops-0001' }),
      'with Idempotency-Key',
    );
    await measure(
      'POST /items',
      { writes: 2 },
      () => send('POST', '/items', admin, body, { 'idempotency-key': 'table-ops-0001' }),
      'Idempotency-Key replay',
    );
    await measure(
      'POST /items',
      { writes: 2 },
      () => send('POST', '/items', admin, body),
      'no Idempotency-Key',
    );
    const itemId = String(created.json.id);
    await measure('GET /items/{itemId}', { reads: 1 }, () => send('GET', `/items/${itemId}`, admin));
    await measure('GET /items', { queries: 1 }, () => send('GET', '/items?limit=20', admin));
    const replaced = await measure('PUT /items/{itemId}', { writes: 1 }, () =>
      send(
        'PUT',
        `/items/${itemId}`,
        admin,
        { ...body, name: 'replaced' },
        { 'if-match': `"${created.json.version}"` },
      ),
    );
    await measure('DELETE /items/{itemId}', { writes: 1 }, () =>
      send('DELETE', `/items/${itemId}`, admin, undefined, { 'if-match': `"${replaced.json.version}"` }),
    );

    const invited = await measure('POST /users', { writes: 2 }, () =>
      send('POST', '/users', admin, { email: 'member@ops.test', role: 'member' }),
    );
    const userId = String(invited.json.userId);
    await measure('GET /users', { queries: 1 }, () => send('GET', '/users', admin));
    await measure('GET /users/{userId}', { reads: 1 }, () => send('GET', `/users/${userId}`, admin));
    await measure('PATCH /users/{userId}', { writes: 1 }, () =>
      send('PATCH', `/users/${userId}`, admin, { role: 'viewer' }),
    );
    await measure('DELETE /users/{userId}', { writes: 1 }, () => send('DELETE', `/users/${userId}`, admin));
    await measure('GET /usage', { queries: 1 }, () => send('GET', '/usage', admin));

    await measure('GET /tenants/{tenantId}', { reads: 1 }, () => send('GET', '/tenants/ops', operator));
    await measure('PUT /tenants/{tenantId}/tier', { writes: 1 }, () =>
      send('PUT', '/tenants/ops/tier', operator, { tier: 'premium' }),
    );
    await measure('POST /tenants/{tenantId}/suspend', { writes: 1 }, () =>
      send('POST', '/tenants/ops/suspend', operator),
    );
    await measure('POST /tenants/{tenantId}/resume', { writes: 1 }, () =>
      send('POST', '/tenants/ops/resume', operator),
    );
    await measure('GET /tenants/{tenantId}/usage', { queries: 1 }, () =>
      send('GET', '/tenants/ops/usage', operator),
    );
    await measure(
      'DELETE /tenants/{tenantId}',
      undefined,
      () => send('DELETE', '/tenants/ops', operator),
      'first call',
    );
  } finally {
    current = undefined;
    await server.stop();
  }
  return results;
}

const fmtTarget = (t: OpsTarget | undefined) =>
  t
    ? Object.entries(t)
        .map(
          ([k, v]) =>
            `${v} ${k === 'queries' ? (v === 1 ? 'query' : 'queries') : k.replace(/s$/, v === 1 ? '' : 's')}`,
        )
        .join(', ')
    : '';

export const description = [
  "The shipped API handlers on the local server (dynalite), one request at a time, counting every DynamoDB call the API function sends (its own role's client and the tenant session's; the usage stream consumer's calls are another function's and not counted).",
  'Tenant status cache warm (30 s, the shipped default; a cold function adds one GetItem of the tenant record per tenant).',
  '**reads** / **writes** count items (a transaction or batch counts each item, as DynamoDB meters them).',
  '**target**: issue 14 (read one item = 1 read; list = 1 query; create ≤ 2 writes including idempotency; update = 1 conditional write; delete = 1); routes without one are not in its list.',
  'Deterministic: `test/runtime/table-ops.test.ts` fails if any route does more than these counts.',
].join(' ');

export async function bench(): Promise<Record<string, string | number>[]> {
  return (await measureTableOps()).map((r) => {
    const met = meetsTarget(r);
    return {
      route: `\`${r.route}\`${r.variant ? ` (${r.variant})` : ''}`,
      status: r.status,
      calls: r.calls,
      reads: r.reads,
      queries: r.queries,
      writes: r.writes,
      scans: r.scans,
      'DynamoDB calls': r.commands,
      target: fmtTarget(r.target),
      'meets target': met === undefined ? '' : met ? 'yes' : '**no**',
    };
  });
}

if (require.main === module) {
  bench()
    .then((rows) => process.stdout.write(`${rows.map((r) => Object.values(r).join(' | ')).join('\n')}\n`))
    .catch((err) => {
      process.stderr.write(`${(err as Error).stack}\n`);
      process.exitCode = 1;
    });
}
