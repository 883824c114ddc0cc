import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevServer, startDevServer } from '../../src/dev/server';
import type { TableOperation } from '../../src/dev/table-ops';
import { call, onboard } from './harness';

/**
 * The API reads a tenant's record and a user's membership once per instance and cache period, also when
 * the first requests arrive together (a cold instance under load): concurrent requests share the pending
 * read instead of each sending their own.
 */
let server: DevServer;
let ops: TableOperation[] = [];

beforeAll(async () => {
  server = await startDevServer({
    logLevel: 'SILENT',
    tenantCacheSeconds: 30,
    onTableOperation: (op) => ops.push(op),
  });
});

afterAll(async () => {
  await server?.stop();
});

describe('tenant and membership caches', () => {
  it('concurrent first requests of a user read the tenant record and the user record once', async () => {
    const operator = await server.mintToken({ tenantId: 'platform', role: 'operator' });
    const { adminUserId } = await onboard(server, operator, 'herd');
    const admin = await server.mintToken({ tenantId: 'herd', role: 'admin', userId: adminUserId });
    ops = [];
    const results = await Promise.all(
      Array.from({ length: 8 }, () => call(server, 'GET', '/items', { token: admin })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    const commands = ops.map((o) => o.command);
    // One GetItem of the tenant record, one of the user record, and each request's own Query.
    expect(commands.filter((c) => c === 'GetItemCommand')).toHaveLength(2);
    expect(commands.filter((c) => c === 'QueryCommand')).toHaveLength(8);
  });
});
