import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { DevServer } from '../../src/dev/server';

export interface Res {
  status: number;
  text: string;
  json: Record<string, unknown> & { error?: { code: string; message: string } };
  headers: Headers;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
}

/** One HTTP request to the dev server; JSON bodies get the JSON content type unless told otherwise. */
export async function call(
  server: DevServer,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Res> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | Buffer | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const text = await res.text();
  let json: Res['json'] = {};
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    // CSV and empty bodies stay as text.
  }
  return { status: res.status, text, json, headers: res.headers };
}

/**
 * Everything stored for a tenant in the given partitions. The test reads the whole table with one Scan
 * (an unguarded test-only client on a tiny table) because it is one round trip instead of one Query per
 * partition; the runtime itself never scans.
 */
export async function snapshot(server: DevServer, tenantId: string, entities: string[]): Promise<unknown[]> {
  const wanted = new Set(entities.map((e) => `${tenantId}#${e}`));
  const out: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await server.db.send(
      new ScanCommand({
        TableName: server.tableName,
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of page.Items ?? []) if (wanted.has(String(item.pk))) out.push(item);
    start = page.LastEvaluatedKey;
  } while (start);
  return out.sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`));
}

export async function onboard(server: DevServer, operator: string, tenantId: string, tier = 'standard') {
  const res = await call(server, 'POST', '/tenants', {
    token: operator,
    body: { tenantId, name: `Tenant ${tenantId}`, tier, adminEmail: `admin@${tenantId}.test` },
  });
  if (res.status !== 201) throw new Error(`onboard ${tenantId}: ${res.status} ${res.text}`);
  return res.json as { tenantId: string; adminUserId: string };
}

/** Two tenants for isolation tests: alpha (basic) and bravo (standard), each with its admin's token. */
export interface TwoTenants {
  readonly alphaAdmin: string;
  readonly alphaAdminId: string;
  readonly bravoAdmin: string;
  readonly bravoAdminId: string;
  /** Ids of bravo's items, each named `${secret} ${i}`: what alpha must never see. */
  readonly bravoItems: string[];
}

/** Onboards alpha and bravo through the API as an operator and stores `bravoItemCount` items of bravo's. */
export async function alphaAndBravo(
  server: DevServer,
  bravoItemCount: number,
  secret: string,
): Promise<TwoTenants> {
  const operator = await server.mintToken({ tenantId: 'platform', role: 'operator' });
  const alphaAdminId = (await onboard(server, operator, 'alpha', 'basic')).adminUserId;
  const bravoAdminId = (await onboard(server, operator, 'bravo', 'standard')).adminUserId;
  const alphaAdmin = await server.mintToken({ tenantId: 'alpha', role: 'admin', userId: alphaAdminId });
  const bravoAdmin = await server.mintToken({
    tenantId: 'bravo',
    role: 'admin',
    tier: 'standard',
    userId: bravoAdminId,
  });
  const bravoItems: string[] = [];
  for (let i = 0; i < bravoItemCount; i++) {
    const res = await call(server, 'POST', '/items', { token: bravoAdmin, body: { name: `${secret} ${i}` } });
    if (res.status !== 201) throw new Error(`bravo item ${i}: ${res.status} ${res.text}`);
    bravoItems.push(String(res.json.id));
  }
  return { alphaAdmin, alphaAdminId, bravoAdmin, bravoAdminId, bravoItems };
}
