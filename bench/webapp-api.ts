import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import autocannon from 'autocannon';
import { build } from 'esbuild';
import { bundleHandler } from '../src/constructs/webapp/handler-bundle';
import { ensureTable, startDynalite } from '../src/dev/dynalite';
import { type DevServer, startDevServer } from '../src/dev/server';
import { newItemId } from '../src/runtime/data/ids';
import { TRANSLATE_CONFIG } from '../src/runtime/data/tenant-clients';

/** One row of the benchmark table. */
export interface BenchRow {
  metric: string;
  value: number | string;
  unit: string;
  note?: string;
}

export interface WebappBenchOptions {
  /** Seconds of API load (writers and readers together). Default 10. */
  durationSeconds?: number;
  /** Seconds of the raw dynalite baseline. Default 3. */
  baselineSeconds?: number;
  tenants?: number;
  writerConnections?: number;
  readerConnections?: number;
}

/** The Lambda entry points the stack bundles. */
export const HANDLER_ENTRIES = {
  authorizer: 'src/runtime/authorizer.ts',
  api: 'src/runtime/api.ts',
  'usage-stream': 'src/runtime/usage-stream.ts',
} as const;

const ROOT = join(__dirname, '..');
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

async function countItems(server: DevServer, tenantId: string): Promise<number> {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await server.db.send(
      new QueryCommand({
        TableName: server.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `${tenantId}#item` },
        Select: 'COUNT',
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
}

/** Raw dynalite throughput with the same SDK: half PutItem, half GetItem, `connections` in flight. */
async function rawBaseline(seconds: number, connections: number): Promise<number> {
  const dynamo = await startDynalite();
  const client = dynamo.client();
  await ensureTable(client, 'bench-raw');
  let ops = 0;
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async (_, worker) => {
      for (let i = 0; Date.now() < until; i++) {
        const key = { pk: { S: `t${worker % 10}#item` }, sk: { S: `w${worker}-${i}` } };
        await client.send(new PutItemCommand({ TableName: 'bench-raw', Item: { ...key, name: { S: 'x' } } }));
        await client.send(new GetItemCommand({ TableName: 'bench-raw', Key: key }));
        ops += 2;
      }
    }),
  );
  await dynamo.stop();
  return ops / seconds;
}

/** Items each tenant holds before the load, so every list request reads a full page on both sides. */
const SEEDED_ITEMS = 20;
const LIST_LIMIT = 20;

/** An item as POST /items stores it (same attributes, sizes and key shape). */
function storedItem(tenant: string, at: Date) {
  const id = newItemId(at.getTime());
  const iso = at.toISOString();
  return {
    pk: `${tenant}#item`,
    sk: id,
    id,
    name: 'bench item',
    attributes: { load: true },
    version: 1,
    createdAt: iso,
    updatedAt: iso,
    createdBy: '00000000-0000-4000-8000-000000000000',
  };
}

/**
 * Raw dynalite doing the API load's table work and nothing else: the same document client settings, the
 * same table (as the dev server creates it), the same tenants seeded alike, `writers` connections each
 * putting the item POST /items stores (conditional put) and `readers` each querying a tenant's page of
 * LIST_LIMIT as GET /items does, for `seconds`. API / this = what the API costs beyond its table work.
 */
async function sameWorkBaseline(seconds: number, writers: number, readers: number, tenants: number) {
  const dynamo = await startDynalite();
  const db = DynamoDBDocumentClient.from(dynamo.client(), TRANSLATE_CONFIG);
  await ensureTable(dynamo.client(), 'bench-raw');
  const ids = Array.from({ length: tenants }, (_, i) => `raw-${i}`);
  for (const t of ids)
    for (let i = 0; i < SEEDED_ITEMS; i++)
      await db.send(new PutCommand({ TableName: 'bench-raw', Item: storedItem(t, new Date()) }));
  let ops = 0;
  const until = Date.now() + seconds * 1000;
  const loop = (work: (tenant: string) => Promise<unknown>) => async (_: unknown, c: number) => {
    for (let i = c; Date.now() < until; i++) {
      await work(ids[i % ids.length] as string);
      ops++;
    }
  };
  await Promise.all([
    ...Array.from(
      { length: writers },
      loop((t) =>
        db.send(
          new PutCommand({
            TableName: 'bench-raw',
            Item: storedItem(t, new Date()),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      ),
    ),
    ...Array.from(
      { length: readers },
      loop((t) =>
        db.send(
          new QueryCommand({
            TableName: 'bench-raw',
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': `${t}#item` },
            Limit: LIST_LIMIT,
          }),
        ),
      ),
    ),
  ]);
  await dynamo.stop();
  return ops / seconds;
}

/**
 * Minified esbuild bundle per handler, as the stack builds it (AWS SDK v3 external: the runtime has it), and
 * its init. Runs on its own too: `npx tsx -e "require('./bench/webapp-api.ts').bundleInitRows().then(console.table)"`
 * (not named bench*: bench/run.ts runs the first bench* export).
 */
export async function bundleInitRows(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const outDir = join(ROOT, 'node_modules', '.cache', 'fastish-bench');
  mkdirSync(outDir, { recursive: true });
  for (const [name, entry] of Object.entries(HANDLER_ENTRIES)) {
    for (const external of [true, false]) {
      const outfile = join(outDir, `${name}${external ? '' : '-all'}.js`);
      const result = await build({
        entryPoints: [join(ROOT, entry)],
        bundle: true,
        minify: true,
        platform: 'node',
        target: 'node22',
        format: 'cjs',
        outfile,
        metafile: true,
        logLevel: 'silent',
        ...(external ? { external: ['@aws-sdk/*'] } : {}),
      });
      const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
      rows.push({
        metric: `bundle ${name}${external ? '' : ' (SDK bundled)'}`,
        value: round(bytes / 1024),
        unit: 'KiB',
        note: external
          ? 'minified, @aws-sdk/* external (Node.js 22 runtime provides it)'
          : 'minified, everything bundled',
      });
      if (!external) continue;
      const init = initMs(outfile, 3);
      rows.push({
        metric: `init ${name}`,
        value: round(init.wall),
        unit: 'ms',
        note: `median of 3 fresh processes (CPU ${round(init.cpu)} ms)`,
      });
    }
    // What the stack deploys (handler-bundle.ts: SDK included, external source map), with and without the
    // NODE_OPTIONS the functions get, so the cost of --enable-source-maps at cold start is a number.
    const shipped = join(bundleHandler({ entry: join(ROOT, entry), projectRoot: ROOT }), 'index.js');
    const plain = initMs(shipped, 5);
    const mapped = initMs(shipped, 5, ['--enable-source-maps']);
    // As in Lambda (AWS_EXECUTION_ENV set): the Powertools tracer and X-Ray SDK load at init, which they do
    // not locally (src/runtime/observability.ts), so the local rows leave out what tracing costs in AWS.
    const traced = initMs(shipped, 5, ['--enable-source-maps'], {
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    });
    const delta = round(mapped.cpu - plain.cpu);
    rows.push(
      {
        metric: `init ${name} (deployed bundle)`,
        value: round(plain.wall),
        unit: 'ms',
        note: `handler-bundle.ts output (SDK included), median of 5 fresh processes (CPU ${round(plain.cpu)} ms)`,
      },
      {
        metric: `init ${name} (deployed, --enable-source-maps)`,
        value: round(mapped.wall),
        unit: 'ms',
        note: `the functions' NODE_OPTIONS (CPU ${round(mapped.cpu)} ms: ${delta >= 0 ? '+' : ''}${delta} ms)`,
      },
      {
        metric: `init ${name} (deployed, --enable-source-maps, tracing on)`,
        value: round(traced.wall),
        unit: 'ms',
        note: `AWS_EXECUTION_ENV set as in Lambda: Powertools tracer / X-Ray SDK loaded (CPU ${round(traced.cpu)} ms)`,
      },
    );
  }
  return rows;
}

/** The environment without what decides whether the tracer loads (a local run must not inherit one). */
function withoutTracingEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { AWS_EXECUTION_ENV: _a, AWS_SAM_LOCAL: _s, POWERTOOLS_TRACE_ENABLED: _p, ...rest } = env;
  return rest;
}

/**
 * Module init: a fresh process requires the bundle (the handler's cold-start import cost). Wall time (the
 * median) and the process's CPU time for it (user + system, median): on a shared machine the wall time
 * includes waiting for a core, the CPU time does not.
 */
function initMs(
  file: string,
  runs: number,
  nodeOptions: string[] = [],
  env: NodeJS.ProcessEnv = {},
): { wall: number; cpu: number } {
  const script = `const t=process.hrtime.bigint(),c=process.cpuUsage();require(${JSON.stringify(file)});const u=process.cpuUsage(c);process.stdout.write(JSON.stringify([Number(process.hrtime.bigint()-t)/1e6,(u.user+u.system)/1e3]))`;
  const samples = Array.from(
    { length: runs },
    () =>
      JSON.parse(
        execFileSync(process.execPath, [...nodeOptions, '-e', script], {
          cwd: ROOT,
          encoding: 'utf8',
          env: { ...withoutTracingEnv(process.env), ...env },
        }),
      ) as [number, number],
  );
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(runs / 2)] as number;
  return { wall: median(samples.map((s) => s[0])), cpu: median(samples.map((s) => s[1])) };
}

/**
 * Local API under load: N tenants (each seeded with SEEDED_ITEMS items), writers (POST /items, admin
 * tokens) and readers (GET /items, viewer tokens) at the same time through the API Gateway emulation,
 * authorizer and API, for a bounded time. Then: acknowledged creates (201s counted per tenant) must equal the items a Query finds per tenant, and
 * the usage consumer's stored-item count must agree too.
 */
export async function benchWebappApi(options: WebappBenchOptions = {}): Promise<BenchRow[]> {
  const duration = options.durationSeconds ?? 10;
  const tenantCount = options.tenants ?? 10;
  const writers = options.writerConnections ?? 10;
  const readers = options.readerConnections ?? 10;
  const server = await startDevServer({
    logLevel: 'SILENT',
    quotas: { basic: 1e9, standard: 1e9, premium: 1e9 },
    // The bench measures the application, not the usage plans: no tenant may be throttled.
    tiers: { premium: { rateLimit: 1e6, burstLimit: 1e6 } },
    tenantCacheSeconds: 30,
  });
  const rows: BenchRow[] = [];
  try {
    const operator = await server.mintToken({ tenantId: server.platformTenantId, role: 'operator' });
    const tenants: { id: string; admin: string; viewer: string }[] = [];
    for (let i = 0; i < tenantCount; i++) {
      const id = `bench-${String(i).padStart(2, '0')}`;
      const res = await fetch(`${server.url}/tenants`, {
        method: 'POST',
        headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' },
        body: JSON.stringify({ tenantId: id, name: id, tier: 'premium', adminEmail: `admin@${id}.test` }),
      });
      if (res.status !== 201) throw new Error(`onboarding ${id}: ${res.status}`);
      // Tokens of real members: the API refuses a token whose user is not a member of the tenant.
      const { adminUserId } = (await res.json()) as { adminUserId: string };
      const admin = await server.mintToken({
        tenantId: id,
        role: 'admin',
        tier: 'premium',
        userId: adminUserId,
      });
      const invited = await fetch(`${server.url}/users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ email: `viewer@${id}.test`, role: 'viewer' }),
      });
      if (invited.status !== 201) throw new Error(`inviting ${id}'s viewer: ${invited.status}`);
      const { userId } = (await invited.json()) as { userId: string };
      for (let n = 0; n < SEEDED_ITEMS; n++) {
        const seeded = await fetch(`${server.url}/items`, {
          method: 'POST',
          headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'bench item', attributes: { load: true } }),
        });
        if (seeded.status !== 201) throw new Error(`seeding ${id}: ${seeded.status}`);
      }
      tenants.push({
        id,
        admin,
        viewer: await server.mintToken({ tenantId: id, role: 'viewer', tier: 'premium', userId }),
      });
    }
    const acknowledged = new Map(tenants.map((t) => [t.id, 0]));
    const writeRun = autocannon({
      url: server.url,
      connections: writers,
      duration,
      requests: tenants.map((t) => ({
        method: 'POST' as const,
        path: '/items',
        headers: { authorization: `Bearer ${t.admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'bench item', attributes: { load: true } }),
        onResponse: (status: number) => {
          if (status === 201) acknowledged.set(t.id, (acknowledged.get(t.id) ?? 0) + 1);
        },
      })),
    });
    const readRun = autocannon({
      url: server.url,
      connections: readers,
      duration,
      requests: tenants.map((t) => ({
        method: 'GET' as const,
        path: `/items?limit=${LIST_LIMIT}`,
        headers: { authorization: `Bearer ${t.viewer}` },
      })),
    });
    const [w, r] = await Promise.all([writeRun, readRun]);
    // Refused requests are cheap: throughput counted over them would flatter the API.
    if (w.non2xx + r.non2xx > 0) throw new Error(`${w.non2xx + r.non2xx} non-2xx responses under load`);
    await server.flushStream();

    let stored = 0;
    let metered = 0;
    let lost = 0;
    for (const t of tenants) {
      const count = await countItems(server, t.id);
      const usage = await server.db.send(
        new GetCommand({
          TableName: server.tableName,
          Key: { pk: `${t.id}#usage`, sk: 'total' },
          ConsistentRead: true,
        }),
      );
      stored += count - SEEDED_ITEMS;
      metered += Number(usage.Item?.storedItems ?? 0) - SEEDED_ITEMS;
      lost += Math.max(0, (acknowledged.get(t.id) ?? 0) + SEEDED_ITEMS - count);
    }
    const acked = [...acknowledged.values()].reduce((a, b) => a + b, 0);
    const total = w.requests.total + r.requests.total;
    const throughput = total / duration;
    const baseline = await rawBaseline(options.baselineSeconds ?? 3, writers + readers);
    const sameWork = await sameWorkBaseline(options.baselineSeconds ?? 3, writers, readers, tenantCount);

    rows.push(
      {
        metric: 'API throughput (all)',
        value: round(throughput),
        unit: 'req/s',
        note: `${tenantCount} tenants, ${writers}+${readers} connections, ${duration} s`,
      },
      { metric: 'writes POST /items', value: round(w.requests.average), unit: 'req/s' },
      { metric: 'writes p50 / p99', value: `${w.latency.p50} / ${w.latency.p99}`, unit: 'ms' },
      { metric: 'reads GET /items', value: round(r.requests.average), unit: 'req/s' },
      { metric: 'reads p50 / p99', value: `${r.latency.p50} / ${r.latency.p99}`, unit: 'ms' },
      {
        metric: '5xx responses',
        value: w['5xx'] + r['5xx'],
        unit: 'count',
        note: `non-2xx: ${w.non2xx + r.non2xx}, errors: ${w.errors + r.errors}`,
      },
      { metric: 'acknowledged creates', value: acked, unit: 'items' },
      { metric: 'stored items (Query per tenant)', value: stored, unit: 'items' },
      {
        metric: 'lost writes',
        value: lost,
        unit: 'items',
        // autocannon stops counting at the deadline; requests in flight then (≤ one per writer) may have stored.
        note:
          lost === 0 && stored - acked <= writers
            ? `counts reconcile (${stored - acked} stored by requests in flight at the deadline)`
            : 'MISMATCH',
      },
      {
        metric: 'metered stored items (stream)',
        value: metered,
        unit: 'items',
        note: metered === stored ? 'matches table' : 'MISMATCH',
      },
      {
        metric: 'raw dynalite, same table work',
        value: round(sameWork),
        unit: 'ops/s',
        note: `same SDK and document client settings, same concurrency (${writers} putting the item POST /items stores, ${readers} querying a page of ${LIST_LIMIT} as GET /items), same seeded tenants`,
      },
      {
        metric: 'API / raw dynalite (same table work)',
        value: round(throughput / sameWork, 3),
        unit: 'ratio',
        note: 'each request here does 1 table op (POST /items without Idempotency-Key: PutItem; GET /items: Query; see "Table operations per request"); issue 14 target >= 0.5',
      },
      {
        metric: 'raw dynalite Put+Get',
        value: round(baseline),
        unit: 'ops/s',
        note: `same SDK, same concurrency, tiny items, GetItem instead of the API's page Query`,
      },
      {
        metric: 'API / raw dynalite Put+Get',
        value: round(throughput / baseline, 3),
        unit: 'ratio',
        note: 'the earlier baseline, kept for comparison: cheaper operations than the API performs',
      },
    );
  } finally {
    await server.stop();
  }
  rows.push(...(await bundleInitRows()));
  return rows;
}

export function markdownTable(rows: BenchRow[]): string {
  const lines = ['| metric | value | unit | note |', '| --- | ---: | --- | --- |'];
  for (const r of rows) lines.push(`| ${r.metric} | ${r.value} | ${r.unit} | ${r.note ?? ''} |`);
  return lines.join('\n');
}

if (require.main === module) {
  benchWebappApi()
    .then((rows) => {
      console.log(markdownTable(rows));
      const failed = rows.some(
        (r) => (r.metric === '5xx responses' || r.metric === 'lost writes') && r.value !== 0,
      );
      process.exitCode = failed ? 1 : 0;
    })
    .catch((err) => {
      console.error(err);
      process.exitCode = 1;
    });
}

// Written so bench/run.ts can also record the raw rows next to its own output.
export function writeRows(path: string, rows: BenchRow[]): void {
  writeFileSync(path, `${JSON.stringify(rows, null, 2)}\n`);
}
