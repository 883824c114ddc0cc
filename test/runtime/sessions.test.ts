import { DeleteCommand, DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTable, type LocalDynamo, startDynalite } from '../../src/dev/dynalite';
import { effectiveRole, Memberships, membershipCacheSecondsFromEnv } from '../../src/runtime/api/membership';
import type { TokenVerifier } from '../../src/runtime/auth/verifier';
import { authCacheSecondsFromEnv, createAuthorizerHandler } from '../../src/runtime/authorizer';
import { TRANSLATE_CONFIG } from '../../src/runtime/data/tenant-clients';
import { observability } from '../../src/runtime/observability';

describe('AUTH_CACHE_SECONDS', () => {
  it('0 disables the cache instead of becoming 300; unset is the default 300', () => {
    expect(authCacheSecondsFromEnv('0')).toBe(0);
    expect(authCacheSecondsFromEnv('60')).toBe(60);
    expect(authCacheSecondsFromEnv(undefined)).toBe(300);
  });

  it.each(['-1', '3601', '1.5', 'abc', ' '])('refuses %j, naming the variable and the range', (raw) => {
    expect(() => authCacheSecondsFromEnv(raw)).toThrow(
      /AUTH_CACHE_SECONDS is .*: expected an integer from 0 to 3600/,
    );
  });

  it('with 0 the authorizer verifies every request; otherwise once per token, and never past exp', async () => {
    let now = 1_700_000_000_000;
    let verified = 0;
    const exp = now / 1000 + 120;
    const verifier: TokenVerifier = {
      verify: async () => {
        verified++;
        return { sub: 'u1', exp, 'custom:tenant_id': 'acme', 'custom:role': 'admin', 'custom:tier': 'basic' };
      },
    };
    const event = {
      type: 'TOKEN' as const,
      authorizationToken: 'Bearer aaa.bbb.ccc',
      methodArn: 'arn:aws:execute-api:eu-west-1:111111111111:api/prod/GET/items',
    };
    const make = (cacheSeconds: number) =>
      createAuthorizerHandler({
        verifier,
        platformTenantId: 'platform',
        cacheSeconds,
        usageKey: async () => 'key',
        obs: observability('test-authorizer', 'SILENT'),
        now: () => now,
      });
    const uncached = make(0);
    await uncached(event);
    const allow = await uncached(event);
    expect(verified).toBe(2);
    // The context carries exp for the API's own check (API Gateway's cache ignores it).
    expect(allow.context).toMatchObject({ tenantId: 'acme', exp });

    verified = 0;
    const cached = make(300);
    await cached(event);
    await cached(event);
    expect(verified).toBe(1);
    now = exp * 1000; // the token expired: verified again (and refused by a real verifier)
    await cached(event);
    expect(verified).toBe(2);
  });
});

describe('MEMBERSHIP_CACHE_SECONDS', () => {
  it('defaults to 10 and is at most 60, the documented revocation bound', () => {
    expect(membershipCacheSecondsFromEnv(undefined)).toBe(10);
    expect(membershipCacheSecondsFromEnv('0')).toBe(0);
    expect(membershipCacheSecondsFromEnv('60')).toBe(60);
    for (const raw of ['61', '-1', '2.5', 'x'])
      expect(() => membershipCacheSecondsFromEnv(raw)).toThrow(/MEMBERSHIP_CACHE_SECONDS is .*from 0 to 60/);
  });
});

describe('effective role', () => {
  it('is the lower of the token and the record; operators are never tenant members', () => {
    expect(effectiveRole('admin', 'viewer')).toBe('viewer');
    expect(effectiveRole('member', 'admin')).toBe('member');
    expect(effectiveRole('viewer', 'admin')).toBe('viewer');
    expect(effectiveRole('admin', 'admin')).toBe('admin');
    expect(effectiveRole('operator', 'admin')).toBeUndefined();
  });
});

describe('memberships on another API instance', () => {
  let dynamo: LocalDynamo;
  let db: DynamoDBDocumentClient;
  const table = 'sessions';
  const key = { pk: 'acme#user', sk: '0b6b7c9e-4a4e-4c8e-9f57-1d2a1c3e4f50' };

  beforeAll(async () => {
    dynamo = await startDynalite();
    await ensureTable(dynamo.client(), table);
    db = DynamoDBDocumentClient.from(dynamo.client(), TRANSLATE_CONFIG);
  });
  afterAll(async () => {
    await dynamo?.stop();
  });

  it('sees a removal or a demotion made elsewhere within the cache TTL, and at once when told', async () => {
    await db.send(
      new PutCommand({ TableName: table, Item: { ...key, role: 'admin', email: 'a@acme.test' } }),
    );
    let now = 0;
    const ttl = 10;
    const memberships = new Memberships(table, ttl, () => now);
    expect(await memberships.role(db, 'acme', key.sk)).toBe('admin');

    // Demoted by another instance: this one reads the record again once its entry is ttl seconds old.
    await db.send(
      new UpdateCommand({
        TableName: table,
        Key: key,
        UpdateExpression: 'SET #r = :r',
        ExpressionAttributeNames: { '#r': 'role' },
        ExpressionAttributeValues: { ':r': 'viewer' },
      }),
    );
    now = ttl * 1000;
    expect(await memberships.role(db, 'acme', key.sk)).toBe('viewer');

    // Removed by another instance.
    await db.send(new DeleteCommand({ TableName: table, Key: key }));
    now = 2 * ttl * 1000;
    expect(await memberships.role(db, 'acme', key.sk)).toBeUndefined();

    // Re-invited and removed again on THIS instance: forgetting applies it without waiting.
    await db.send(
      new PutCommand({ TableName: table, Item: { ...key, role: 'member', email: 'a@acme.test' } }),
    );
    memberships.forget('acme', key.sk);
    expect(await memberships.role(db, 'acme', key.sk)).toBe('member');
    await db.send(new DeleteCommand({ TableName: table, Key: key }));
    memberships.forget('acme', key.sk);
    expect(await memberships.role(db, 'acme', key.sk)).toBeUndefined();
  });

  it('with TTL 0 reads the record on every request', async () => {
    const memberships = new Memberships(table, 0, () => 0);
    await db.send(
      new PutCommand({ TableName: table, Item: { ...key, role: 'member', email: 'a@acme.test' } }),
    );
    expect(await memberships.role(db, 'acme', key.sk)).toBe('member');
    await db.send(new DeleteCommand({ TableName: table, Key: key }));
    expect(await memberships.role(db, 'acme', key.sk)).toBeUndefined();
  });

  it('refuses a record whose role is not a tenant role', async () => {
    await db.send(
      new PutCommand({ TableName: table, Item: { ...key, role: 'operator', email: 'a@acme.test' } }),
    );
    expect(await new Memberships(table, 0, () => 0).role(db, 'acme', key.sk)).toBeUndefined();
  });
});
