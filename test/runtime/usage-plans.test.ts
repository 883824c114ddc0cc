import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TIER_NAMES, webappSettings } from '../../src/config/architectures/webapp';
import { FakeUsagePlanRegistry } from '../../src/dev/fake-usage-plans';
import { type DevServer, startDevServer } from '../../src/dev/server';
import { createAuthorizerHandler } from '../../src/runtime/authorizer';
import { DEFAULT_TIER_LIMITS, GATEWAY_RESPONSES } from '../../src/runtime/contract';
import { usagePlanIds } from '../../src/runtime/function-env';
import { observability } from '../../src/runtime/observability';
import { ApiGatewayUsagePlanRegistry } from '../../src/runtime/usage-plans/api-gateway-registry';
import {
  deriveUsageKey,
  MIN_USAGE_KEY_LENGTH,
  usageKeyResolver,
} from '../../src/runtime/usage-plans/usage-key';
import { call, onboard, snapshot } from './harness';

const SECRET = Buffer.from('a-test-secret-of-some-length');

describe('usage key derivation', () => {
  it('is stable, differs per tenant and per secret, and is long enough for API Gateway', () => {
    const a = deriveUsageKey(SECRET, 'acme');
    expect(deriveUsageKey(SECRET, 'acme')).toBe(a);
    expect(deriveUsageKey(SECRET, 'globex')).not.toBe(a);
    expect(deriveUsageKey(Buffer.from('another-secret'), 'acme')).not.toBe(a);
    expect(a.length).toBeGreaterThanOrEqual(MIN_USAGE_KEY_LENGTH);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(() => deriveUsageKey(Buffer.alloc(0), 'acme')).toThrow(/empty/);
  });

  it('reads the secret once, retries after a failure, and uses the platform value for the platform tenant', async () => {
    let reads = 0;
    const resolve = usageKeyResolver({
      secret: async () => {
        reads++;
        if (reads === 1) throw new Error('throttled');
        return SECRET;
      },
      platform: { tenantId: 'platform', value: async () => 'operators-key-value-0123456789' },
    });
    await expect(resolve('acme')).rejects.toThrow('throttled');
    expect(await resolve('acme')).toBe(deriveUsageKey(SECRET, 'acme'));
    expect(await resolve('globex')).toBe(deriveUsageKey(SECRET, 'globex'));
    expect(reads).toBe(2);
    expect(await resolve('platform')).toBe('operators-key-value-0123456789');
  });

  it('contract tier limits equal the configuration defaults', () => {
    expect(webappSettings.parse({}).tiers).toEqual(DEFAULT_TIER_LIMITS);
    expect(Object.keys(DEFAULT_TIER_LIMITS)).toEqual([...TIER_NAMES]);
  });
});

describe('authorizer usageIdentifierKey', () => {
  const now = Math.floor(Date.now() / 1000);
  const claims = (overrides: Record<string, unknown>) => ({
    sub: 'user-1',
    'custom:tenant_id': 'acme',
    'custom:role': 'admin',
    'custom:tier': 'basic',
    exp: now + 600,
    ...overrides,
  });
  const handler = (payloads: Record<string, Record<string, unknown>>) =>
    createAuthorizerHandler({
      verifier: {
        verify: async (token) => {
          const p = payloads[token];
          if (!p) throw new Error('bad signature');
          return p as never;
        },
      },
      platformTenantId: 'platform',
      cacheSeconds: 60,
      usageKey: usageKeyResolver({ secret: async () => SECRET }),
      obs: observability('test-authorizer', 'SILENT'),
    });
  const methodArn = 'arn:aws:execute-api:us-east-1:111111111111:api/v1/GET/items';

  it("returns the tenant's derived key with an Allow", async () => {
    const res = await handler({ 'a.b.c': claims({}) })({
      type: 'TOKEN',
      authorizationToken: 'Bearer a.b.c',
      methodArn,
    });
    expect(res.policyDocument.Statement[0]?.Effect).toBe('Allow');
    expect(res.usageIdentifierKey).toBe(deriveUsageKey(SECRET, 'acme'));
  });

  it('returns no key with a Deny, and none when the token is refused', async () => {
    const h = handler({ 'a.b.c': claims({ 'custom:role': 'operator' }) });
    const denied = await h({ type: 'TOKEN', authorizationToken: 'Bearer a.b.c', methodArn });
    expect(denied.policyDocument.Statement[0]?.Effect).toBe('Deny');
    expect(denied.usageIdentifierKey).toBeUndefined();
    await expect(h({ type: 'TOKEN', authorizationToken: 'Bearer x.y.z', methodArn })).rejects.toThrow(
      'Unauthorized',
    );
  });
});

describe('fake usage plans (what the dev gateway enforces)', () => {
  it('token bucket: burst at once, then the rate; the daily quota; throttled requests do not count', async () => {
    let t = Date.parse('2030-01-01T12:00:00Z');
    const limits = { ...DEFAULT_TIER_LIMITS, basic: { rateLimit: 2, burstLimit: 3, quotaPerDay: 5 } };
    const fake = new FakeUsagePlanRegistry(limits, usageKeyResolver({ secret: async () => SECRET }), () => t);
    await fake.ensureKey('acme', { tier: 'basic', enabled: true });
    const key = deriveUsageKey(SECRET, 'acme');
    expect([1, 2, 3, 4].map(() => fake.admit(key))).toEqual(['ok', 'ok', 'ok', 'throttled']);
    t += 500; // one token back at 2/s
    expect([fake.admit(key), fake.admit(key)]).toEqual(['ok', 'throttled']);
    t += 1000;
    expect([fake.admit(key), fake.admit(key)]).toEqual(['ok', 'quota_exceeded']); // 5 counted, 2 throttled not
    t += 86_400_000; // next UTC day
    expect(fake.admit(key)).toBe('ok');
    expect(fake.admit(undefined)).toBe('invalid_key');
    expect(fake.admit(deriveUsageKey(SECRET, 'globex'))).toBe('invalid_key');
  });
});

describe('API Gateway adapter', () => {
  type Sent = { name: string; input: Record<string, unknown> };
  function client(
    existing: { id: string; name: string; value: string; enabled: boolean }[],
    inPlan: string[],
  ) {
    const sent: Sent[] = [];
    return {
      sent,
      client: {
        send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
          const name = command.constructor.name;
          sent.push({ name, input: command.input });
          if (name === 'GetApiKeysCommand') return { items: existing };
          if (name === 'CreateApiKeyCommand') return { id: 'new-key', enabled: command.input.enabled };
          if (name === 'GetUsagePlanKeyCommand' && !inPlan.includes(String(command.input.usagePlanId)))
            throw Object.assign(new Error('nf'), { name: 'NotFoundException' });
          if (name === 'DeleteUsagePlanKeyCommand' && !inPlan.includes(String(command.input.usagePlanId)))
            throw Object.assign(new Error('nf'), { name: 'NotFoundException' });
          return {};
        },
      },
    };
  }
  const planIds = { basic: 'p-basic', standard: 'p-standard', premium: 'p-premium' };
  const usageKey = usageKeyResolver({ secret: async () => SECRET });
  const registry = (c: ReturnType<typeof client>) =>
    new ApiGatewayUsagePlanRegistry({ client: c.client as never, planIds: async () => planIds, usageKey });

  it('onboarding creates the key named after the tenant, with the derived value and tag, in the tier plan', async () => {
    const c = client([], []);
    await registry(c).ensureKey('acme', { tier: 'standard', enabled: true });
    const create = c.sent.find((s) => s.name === 'CreateApiKeyCommand');
    expect(create?.input).toMatchObject({
      name: 'acme',
      value: deriveUsageKey(SECRET, 'acme'),
      enabled: true,
      tags: { 'fastish:tenant': 'acme' },
    });
    expect(c.sent.find((s) => s.name === 'CreateUsagePlanKeyCommand')?.input).toEqual({
      usagePlanId: 'p-standard',
      keyId: 'new-key',
      keyType: 'API_KEY',
    });
  });

  it('a tier change moves the key; suspension disables it; a same-name key of another environment is ignored', async () => {
    const value = deriveUsageKey(SECRET, 'acme');
    const c = client(
      [
        { id: 'other-env', name: 'acme', value: 'x'.repeat(64), enabled: true },
        { id: 'k1', name: 'acme', value, enabled: true },
      ],
      ['p-basic'],
    );
    await registry(c).ensureKey('acme', { tier: 'premium', enabled: false });
    expect(c.sent.some((s) => s.name === 'CreateApiKeyCommand')).toBe(false);
    expect(c.sent.find((s) => s.name === 'UpdateApiKeyCommand')?.input).toEqual({
      apiKey: 'k1',
      patchOperations: [{ op: 'replace', path: '/enabled', value: 'false' }],
    });
    const deletes = c.sent.filter((s) => s.name === 'DeleteUsagePlanKeyCommand').map((s) => s.input);
    expect(deletes).toContainEqual({ usagePlanId: 'p-basic', keyId: 'k1' });
    expect(c.sent.find((s) => s.name === 'CreateUsagePlanKeyCommand')?.input).toMatchObject({
      usagePlanId: 'p-premium',
      keyId: 'k1',
    });
    expect(c.sent.every((s) => s.input.apiKey !== 'other-env' && s.input.keyId !== 'other-env')).toBe(true);
    const d = client([{ id: 'k1', name: 'acme', value, enabled: false }], []);
    await registry(d).deleteKey('acme');
    expect(d.sent.at(-1)).toEqual({ name: 'DeleteApiKeyCommand', input: { apiKey: 'k1' } });
  });

  it('parses the usage plan ids parameter and refuses a missing tier', () => {
    expect(usagePlanIds(JSON.stringify(planIds))).toEqual(planIds);
    expect(() => usagePlanIds(JSON.stringify({ basic: 'a', standard: 'b' }))).toThrow(/premium/);
  });
});

describe('per-tenant throttling through the dev server', () => {
  let server: DevServer;
  let operator: string;

  beforeAll(async () => {
    server = await startDevServer({
      logLevel: 'SILENT',
      // Basic refills one token per 100 s, so a slow machine cannot turn a throttled request into an admitted one.
      tiers: { basic: { rateLimit: 0.01, burstLimit: 3 }, standard: { rateLimit: 1, burstLimit: 50 } },
    });
    operator = await server.mintToken({ tenantId: 'platform', role: 'operator' });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it("onboarding creates the tenant's key in its tier's plan", async () => {
    await onboard(server, operator, 'keyed', 'basic');
    const key = server.usagePlans.keyOf('keyed');
    expect(key).toMatchObject({
      name: 'keyed',
      enabled: true,
      tier: 'basic',
      tags: { 'fastish:tenant': 'keyed' },
    });
    expect(key?.value).toHaveLength(64);
  });

  it('over the burst: 429 throttled with the stable error shape, and the throttled write stored nothing', async () => {
    const { adminUserId } = await onboard(server, operator, 'bursty', 'basic');
    const admin = await server.mintToken({ tenantId: 'bursty', role: 'admin', userId: adminUserId });
    const other = await onboard(server, operator, 'calm', 'basic');
    const calm = await server.mintToken({ tenantId: 'calm', role: 'admin', userId: other.adminUserId });
    const results = await Promise.all(
      [0, 1, 2, 3, 4].map((i) => call(server, 'POST', '/items', { token: admin, body: { name: `n${i}` } })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 201, 201, 429, 429]);
    for (const r of results.filter((x) => x.status === 429))
      expect(r.json).toEqual(GATEWAY_RESPONSES.THROTTLED.body);
    const stored = (await snapshot(server, 'bursty', ['item'])) as { name: string }[];
    const created = results
      .filter((r) => r.status === 201)
      .map((r) => r.json.name)
      .sort();
    expect(stored.map((i) => i.name).sort()).toEqual(created);
    // Per tenant: another basic tenant still has its whole bucket.
    expect((await call(server, 'GET', '/items', { token: calm })).status).toBe(200);
  });

  it("a tier change moves the key to the new tier's plan (new limits apply at once)", async () => {
    const { adminUserId } = await onboard(server, operator, 'grows', 'basic');
    const admin = await server.mintToken({ tenantId: 'grows', role: 'admin', userId: adminUserId });
    const moved = await call(server, 'PUT', '/tenants/grows/tier', {
      token: operator,
      body: { tier: 'standard' },
    });
    expect([moved.status, moved.json.tier]).toEqual([200, 'standard']);
    expect(server.usagePlans.keyOf('grows')?.tier).toBe('standard');
    const burst = await Promise.all(
      [0, 1, 2, 3, 4, 5].map(() => call(server, 'GET', '/items', { token: admin })),
    );
    expect(burst.every((r) => r.status === 200)).toBe(true); // above basic's burst of 3
    const bad = await call(server, 'PUT', '/tenants/grows/tier', { token: operator, body: { tier: 'gold' } });
    expect(bad.status).toBe(422);
    expect(server.usagePlans.keyOf('grows')?.tier).toBe('standard');
  });

  it("suspension disables the tenant's key (refused at the gateway); resume enables it", async () => {
    const { adminUserId } = await onboard(server, operator, 'paused', 'standard');
    const admin = await server.mintToken({ tenantId: 'paused', role: 'admin', userId: adminUserId });
    await call(server, 'POST', '/tenants/paused/suspend', { token: operator });
    expect(server.usagePlans.keyOf('paused')?.enabled).toBe(false);
    const blocked = await call(server, 'GET', '/items', { token: admin });
    expect([blocked.status, blocked.json]).toEqual([403, GATEWAY_RESPONSES.INVALID_API_KEY.body]);
    await call(server, 'POST', '/tenants/paused/resume', { token: operator });
    expect(server.usagePlans.keyOf('paused')?.enabled).toBe(true);
    expect((await call(server, 'GET', '/items', { token: admin })).status).toBe(200);
  });

  it("offboarding deletes the tenant's key", async () => {
    await onboard(server, operator, 'leaving', 'standard');
    expect(server.usagePlans.keyOf('leaving')).toBeDefined();
    const res = await call(server, 'DELETE', '/tenants/leaving', { token: operator });
    expect(res.json.complete).toBe(true);
    expect(server.usagePlans.keyOf('leaving')).toBeUndefined();
  });

  it('onboarding a taken id leaves the existing tenant key alone', async () => {
    const again = await call(server, 'POST', '/tenants', {
      token: operator,
      body: { tenantId: 'keyed', name: 'x', tier: 'premium', adminEmail: 'x@keyed2.test' },
    });
    expect(again.status).toBe(409);
    expect(server.usagePlans.keyOf('keyed')?.tier).toBe('basic');
  });
});
