import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevServer, startDevServer } from '../../src/dev/server';
import { call, onboard, snapshot } from './harness';

/**
 * The routes that change a record in one conditional write and then call an outside service (the tenant's
 * API key, the user directory) undo that write when the service fails, so the client can repeat the call
 * and nothing is left half done (issue 14: no read before the write, same outcome as before).
 */
let server: DevServer;
let operator: string;

/** Makes the next call of `object[method]` throw, once. */
function failOnce<T extends object>(object: T, method: keyof T & string): void {
  const original = (object[method] as (...args: unknown[]) => Promise<unknown>).bind(object);
  (object as Record<string, unknown>)[method] = async () => {
    (object as Record<string, unknown>)[method] = original;
    throw new Error(`${method} failed (test)`);
  };
}

beforeAll(async () => {
  server = await startDevServer({ logLevel: 'SILENT' });
  operator = await server.mintToken({ tenantId: 'platform', role: 'operator' });
});

afterAll(async () => {
  await server?.stop();
});

const tenantRecord = async (tenantId: string) =>
  (await call(server, 'GET', `/tenants/${tenantId}`, { token: operator })).json;

describe('tenant changes when the API key cannot follow', () => {
  it('suspend: 502, the tenant stays active with its key enabled; the retry suspends', async () => {
    await onboard(server, operator, 'keyfail');
    failOnce(server.usagePlans, 'ensureKey');
    const res = await call(server, 'POST', '/tenants/keyfail/suspend', { token: operator });
    expect([res.status, res.json.error?.code]).toEqual([502, 'usage_plans_unavailable']);
    expect((await tenantRecord('keyfail')).status).toBe('active');
    expect(server.usagePlans.keyOf('keyfail')?.enabled).toBe(true);
    const again = await call(server, 'POST', '/tenants/keyfail/suspend', { token: operator });
    expect([again.status, again.json.status]).toEqual([200, 'suspended']);
    expect(server.usagePlans.keyOf('keyfail')?.enabled).toBe(false);
  });

  it('resume: 502, the tenant stays suspended', async () => {
    failOnce(server.usagePlans, 'ensureKey');
    const res = await call(server, 'POST', '/tenants/keyfail/resume', { token: operator });
    expect(res.status).toBe(502);
    expect((await tenantRecord('keyfail')).status).toBe('suspended');
    expect((await call(server, 'POST', '/tenants/keyfail/resume', { token: operator })).json.status).toBe(
      'active',
    );
  });

  it('tier: 502, the tier and the key stay as they were', async () => {
    failOnce(server.usagePlans, 'ensureKey');
    const res = await call(server, 'PUT', '/tenants/keyfail/tier', {
      token: operator,
      body: { tier: 'premium' },
    });
    expect(res.status).toBe(502);
    expect((await tenantRecord('keyfail')).tier).toBe('standard');
    expect(server.usagePlans.keyOf('keyfail')?.tier).toBe('standard');
  });

  it('404 for an unknown tenant and 409 for a move its status does not allow, without touching keys', async () => {
    const unknown = await call(server, 'POST', '/tenants/nobody/suspend', { token: operator });
    expect([unknown.status, unknown.json.error?.code]).toEqual([404, 'not_found']);
    expect(server.usagePlans.keyOf('nobody')).toBeUndefined();
    const conflict = await call(server, 'POST', '/tenants/keyfail/resume', { token: operator });
    expect([conflict.status, conflict.json.error?.code]).toEqual([409, 'conflict']);
    expect(server.usagePlans.keyOf('keyfail')?.enabled).toBe(true);
    const tier = await call(server, 'PUT', '/tenants/nobody/tier', {
      token: operator,
      body: { tier: 'basic' },
    });
    expect(tier.status).toBe(404);
  });
});

describe('onboarding when a service fails', () => {
  const body = (tenantId: string) => ({
    tenantId,
    name: `Tenant ${tenantId}`,
    tier: 'basic',
    adminEmail: `admin@${tenantId}.test`,
  });

  it('key failure: 502, and the same onboarding succeeds when repeated', async () => {
    failOnce(server.usagePlans, 'ensureKey');
    const res = await call(server, 'POST', '/tenants', { token: operator, body: body('retry-key') });
    expect([res.status, res.json.error?.code]).toEqual([502, 'usage_plans_unavailable']);
    expect(server.usagePlans.keyOf('retry-key')).toBeUndefined();
    const again = await call(server, 'POST', '/tenants', { token: operator, body: body('retry-key') });
    expect([again.status, again.json.status, again.json.version]).toEqual([201, 'active', 1]);
    expect(server.usagePlans.keyOf('retry-key')?.enabled).toBe(true);
  });

  it('directory failure: 502, no key, no user; the same onboarding succeeds when repeated', async () => {
    failOnce(server.directory, 'createUser');
    const res = await call(server, 'POST', '/tenants', { token: operator, body: body('retry-dir') });
    expect([res.status, res.json.error?.code]).toEqual([502, 'directory_unavailable']);
    expect(server.usagePlans.keyOf('retry-dir')).toBeUndefined();
    expect(await snapshot(server, 'retry-dir', ['user'])).toEqual([]);
    const again = await call(server, 'POST', '/tenants', { token: operator, body: body('retry-dir') });
    expect(again.status).toBe(201);
    const admin = await server.mintToken({
      tenantId: 'retry-dir',
      role: 'admin',
      userId: String(again.json.adminUserId),
    });
    expect((await call(server, 'GET', '/users', { token: admin })).json.users).toHaveLength(1);
  });

  it('a taken id stays taken: an active or offboarded tenant is never overwritten', async () => {
    const taken = await call(server, 'POST', '/tenants', { token: operator, body: body('keyfail') });
    expect([taken.status, taken.json.error?.code]).toEqual([409, 'already_exists']);
    await onboard(server, operator, 'closed');
    await call(server, 'DELETE', '/tenants/closed', { token: operator });
    const reused = await call(server, 'POST', '/tenants', { token: operator, body: body('closed') });
    expect(reused.status).toBe(409);
    expect((await tenantRecord('closed')).status).toBe('offboarded');
  });
});

describe('removing a user when the directory fails', () => {
  it('502, the user is back in the tenant; the retry removes them', async () => {
    const { adminUserId } = await onboard(server, operator, 'people2');
    const admin = await server.mintToken({ tenantId: 'people2', role: 'admin', userId: adminUserId });
    const invited = await call(server, 'POST', '/users', {
      token: admin,
      body: { email: 'm@people2.test', role: 'member' },
    });
    const userId = String(invited.json.userId);
    failOnce(server.directory, 'deleteUser');
    const res = await call(server, 'DELETE', `/users/${userId}`, { token: admin });
    expect([res.status, res.json.error?.code]).toEqual([502, 'directory_unavailable']);
    expect((await call(server, 'GET', `/users/${userId}`, { token: admin })).json.role).toBe('member');
    expect(server.directory.users.has(userId)).toBe(true);
    expect((await call(server, 'DELETE', `/users/${userId}`, { token: admin })).status).toBe(204);
    expect(server.directory.users.has(userId)).toBe(false);
    expect((await call(server, 'DELETE', `/users/${userId}`, { token: admin })).status).toBe(404);
  });

  it("another tenant's user id is a 404 and never reaches the directory", async () => {
    const { adminUserId } = await onboard(server, operator, 'people3');
    const { adminUserId: otherAdmin } = await onboard(server, operator, 'people4');
    const other = await server.mintToken({ tenantId: 'people4', role: 'admin', userId: otherAdmin });
    const res = await call(server, 'DELETE', `/users/${adminUserId}`, { token: other });
    expect([res.status, res.json.error?.code]).toEqual([404, 'not_found']);
    expect(server.directory.users.has(adminUserId)).toBe(true);
  });
});
