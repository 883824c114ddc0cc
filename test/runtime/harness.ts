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
