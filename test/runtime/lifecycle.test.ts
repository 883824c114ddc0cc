import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed } from '../../src/dev/seed';
import { type DevServer, startDevServer } from '../../src/dev/server';
import { utcDay } from '../../src/runtime/data/usage';
import { call, onboard, snapshot } from './harness';

/** Tenant, user and item lifecycles through the dev server, as a client sees them. */
let server: DevServer;
let operator: string;

beforeAll(async () => {
  server = await startDevServer({ logLevel: 'SILENT', quotas: { basic: 10 } });
  operator = await server.mintToken({ tenantId: 'platform', role: 'operator' });
});

afterAll(async () => {
  await server?.stop();
});

describe('tenants', () => {
  it('suspends and resumes: suspended tenants get 403 tenant_suspended', async () => {
    const { adminUserId } = await onboard(server, operator, 'susp', 'standard');
    const admin = await server.mintToken({ tenantId: 'susp', role: 'admin', userId: adminUserId });
    expect((await call(server, 'GET', '/items', { token: admin })).status).toBe(200);
    expect((await call(server, 'POST', '/tenants/susp/suspend', { token: operator })).json.status).toBe(
      'suspended',
    );
    const blocked = await call(server, 'GET', '/items', { token: admin });
    expect([blocked.status, blocked.json.error?.code]).toEqual([403, 'tenant_suspended']);
    expect((await call(server, 'POST', '/tenants/susp/suspend', { token: operator })).status).toBe(409);
    expect((await call(server, 'POST', '/tenants/susp/resume', { token: operator })).json.status).toBe(
      'active',
    );
    expect((await call(server, 'GET', '/items', { token: admin })).status).toBe(200);
  });

  it('offboards: data and directory users deleted, usage kept, id not reusable', async () => {
    const { adminUserId } = await onboard(server, operator, 'gone', 'standard');
    const admin = await server.mintToken({ tenantId: 'gone', role: 'admin', userId: adminUserId });
    for (let i = 0; i < 3; i++)
      await call(server, 'POST', '/items', { token: admin, body: { name: `i${i}` } });
    const invited = await call(server, 'POST', '/users', {
      token: admin,
      body: { email: 'u@gone.test', role: 'member' },
    });
    expect(server.directory.users.has(String(invited.json.userId))).toBe(true);
    const res = await call(server, 'DELETE', '/tenants/gone', { token: operator });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'offboarded', complete: true, deletedThisCall: 5 });
    expect(await snapshot(server, 'gone', ['item', 'user', 'idem'])).toEqual([]);
    expect(server.directory.users.has(adminUserId)).toBe(false);
    expect(server.directory.users.has(String(invited.json.userId))).toBe(false);
    await server.flushStream();
    const usage = await call(server, 'GET', '/tenants/gone/usage?format=csv', { token: operator });
    expect(usage.text).toContain(`gone,${utcDay(new Date())},`);
    expect(usage.text.trim().split('\r\n').at(-1)).toMatch(/,3,3,0$/); // created 3, deleted 3, 0 stored
    expect((await call(server, 'GET', '/items', { token: admin })).status).toBe(403);
    expect((await call(server, 'DELETE', '/tenants/gone', { token: operator })).json.complete).toBe(true);
    const again = await call(server, 'POST', '/tenants', {
      token: operator,
      body: { tenantId: 'gone', name: 'again', tier: 'basic', adminEmail: 'x@gone2.test' },
    });
    expect([again.status, again.json.error?.code]).toEqual([409, 'already_exists']);
  });

  it('refuses to onboard the platform tenant id', async () => {
    const reserved = await call(server, 'POST', '/tenants', {
      token: operator,
      body: { tenantId: 'platform', name: 'x', tier: 'basic', adminEmail: 'p@x.test' },
    });
    expect(reserved.status).toBe(422);
  });
});

describe('users', () => {
  it('invites, changes role, removes; the directory follows', async () => {
    const { adminUserId } = await onboard(server, operator, 'people', 'premium');
    const admin = await server.mintToken({ tenantId: 'people', role: 'admin', userId: adminUserId });
    const invited = await call(server, 'POST', '/users', {
      token: admin,
      body: { email: 'Bob@People.test', role: 'viewer' },
    });
    expect(invited.status).toBe(201);
    const userId = String(invited.json.userId);
    expect(server.directory.users.get(userId)).toMatchObject({
      email: 'bob@people.test',
      tenantId: 'people',
      role: 'viewer',
      tier: 'premium',
    });
    const dup = await call(server, 'POST', '/users', {
      token: admin,
      body: { email: 'bob@people.test', role: 'member' },
    });
    expect([dup.status, dup.json.error?.code]).toEqual([409, 'already_exists']);
    const changed = await call(server, 'PATCH', `/users/${userId}`, {
      token: admin,
      body: { role: 'member' },
    });
    expect(changed.json).toMatchObject({ role: 'member', version: 2 });
    expect(server.directory.users.get(userId)?.role).toBe('member');
    expect((await call(server, 'DELETE', `/users/${userId}`, { token: admin })).status).toBe(204);
    expect(server.directory.users.has(userId)).toBe(false);
    expect((await call(server, 'GET', `/users/${userId}`, { token: admin })).status).toBe(404);
  });
});

describe('items', () => {
  let admin: string;
  beforeAll(async () => {
    const [tenant] = await seed(
      server,
      [{ tenantId: 'shop', name: 'Shop', tier: 'premium', adminEmail: 'a@shop.test' }],
      7,
    );
    admin = await server.mintToken({
      tenantId: 'shop',
      role: 'admin',
      userId: tenant?.adminUserId as string,
    });
  });

  it('pages through every item exactly once, in creation order', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await call(
        server,
        'GET',
        `/items?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { token: admin },
      );
      expect(res.status).toBe(200);
      seen.push(...(res.json.items as { name: string }[]).map((i) => i.name));
      cursor = res.json.nextCursor as string | undefined;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual(Array.from({ length: 7 }, (_, i) => `Shop item ${i + 1}`));
  });

  it('lets exactly one of concurrent replaces at the same version win', async () => {
    const created = await call(server, 'POST', '/items', { token: admin, body: { name: 'race' } });
    const id = String(created.json.id);
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        call(server, 'PUT', `/items/${id}`, {
          token: admin,
          body: { name: `w${i}` },
          headers: { 'if-match': '"1"' },
        }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 412, 412, 412, 412, 412]);
    const final = await call(server, 'GET', `/items/${id}`, { token: admin });
    const winner = results.find((r) => r.status === 200);
    expect(final.json.name).toBe(winner?.json.name);
    expect(final.headers.get('etag')).toBe('"2"');
  });

  it('creates once under concurrent retries with one idempotency key', async () => {
    const before = (await snapshot(server, 'shop', ['item'])).length;
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        call(server, 'POST', '/items', {
          token: admin,
          body: { name: 'once' },
          headers: { 'idempotency-key': 'retry-key-42' },
        }),
      ),
    );
    for (const r of results) expect([201, 409]).toContain(r.status);
    const ids = new Set(results.filter((r) => r.status === 201).map((r) => r.json.id));
    expect(ids.size).toBe(1);
    expect((await snapshot(server, 'shop', ['item'])).length).toBe(before + 1);
  });

  it('meters requests and stored items per day', async () => {
    const { adminUserId } = await onboard(server, operator, 'meter', 'standard');
    const token = await server.mintToken({ tenantId: 'meter', role: 'admin', userId: adminUserId });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++)
      ids.push(String((await call(server, 'POST', '/items', { token, body: { name: `m${i}` } })).json.id));
    await call(server, 'DELETE', `/items/${ids[0]}`, { token });
    await server.flushStream();
    // Request counts come from the usage plans (the gateway counted each admitted request), copied into
    // the usage items by the billing collector (every 15 minutes in AWS; here on demand).
    await server.collectUsage();
    const report = await call(server, 'GET', '/usage', { token });
    const today = (report.json.days as { date: string }[]).at(-1);
    // 4 creates + 1 delete, counted before this GET.
    expect(today).toEqual({
      date: utcDay(new Date()),
      requests: 5,
      itemsCreated: 4,
      itemsDeleted: 1,
      storedItems: 3,
    });
  });

  it('enforces the daily quota of the tier with 429', async () => {
    const { adminUserId } = await onboard(server, operator, 'small', 'basic');
    const token = await server.mintToken({ tenantId: 'small', role: 'admin', userId: adminUserId });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++)
      statuses.push((await call(server, 'GET', '/items?limit=1', { token })).status);
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
    const last = await call(server, 'GET', '/items', { token });
    expect([statuses[10], last.status, last.json.error?.code]).toEqual([429, 429, 'quota_exceeded']);
  });
});

describe('gateway', () => {
  it('serves health and the OpenAPI document without a token', async () => {
    expect((await call(server, 'GET', '/health')).json).toEqual({ status: 'ok' });
    const doc = await call(server, 'GET', '/openapi.json');
    expect(doc.json.openapi).toBe('3.1.0');
  });

  it('mints tokens for other processes on /_dev/token, and validates the request', async () => {
    const devToken = (body: unknown) =>
      fetch(`${server.url}/_dev/token`, { method: 'POST', body: JSON.stringify(body) });
    // Without a userId: the tenant's first user with that role (the API serves only users it has).
    const ok = await devToken({ tenantId: 'shop', role: 'admin' });
    const { token } = (await ok.json()) as { token: string };
    expect((await call(server, 'GET', '/items?limit=1', { token })).status).toBe(200);
    const nobody = await devToken({ tenantId: 'shop', role: 'viewer' });
    expect(nobody.status).toBe(400);
    expect(((await nobody.json()) as { error: { message: string } }).error.message).toMatch(
      /Tenant shop has no viewer user/,
    );
    expect((await devToken({ tenantId: 'shop', role: 'root' })).status).toBe(400);
  });

  it('answers unknown methods with 405 and an Allow header', async () => {
    const res = await call(server, 'PATCH', '/items', { token: operator });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, POST');
  });
});
