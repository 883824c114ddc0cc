import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TIER_NAMES } from '../../src/config/architectures/webapp';
import { policyAllows } from '../../src/dev/gateway';
import { OPENAPI_PATH } from '../../src/dev/write-openapi';
import { HANDLERS } from '../../src/runtime/api/handlers';
import { matchRoute, ROUTES } from '../../src/runtime/api/routes';
import { contextFromClaims } from '../../src/runtime/auth/claims';
import { allowPolicy, apiWildcardArn } from '../../src/runtime/auth/policy';
import { TtlCache } from '../../src/runtime/auth/ttl-cache';
import { TIERS } from '../../src/runtime/contract';
import { CursorSigner } from '../../src/runtime/cursor';
import { requestFingerprint } from '../../src/runtime/data/idempotency';
import { ITEM_ID_PATTERN, newItemId } from '../../src/runtime/data/ids';
import {
  ENTITIES,
  OFFBOARD_PARTITIONS,
  parsePartitionKey,
  partitionKey,
  RETAINED_PARTITIONS,
} from '../../src/runtime/data/keys';
import { usageCsv } from '../../src/runtime/data/usage';
import { ApiError } from '../../src/runtime/errors';
import { openApiText } from '../../src/runtime/openapi';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const RUNTIME = join(__dirname, '..', '..', 'src', 'runtime');

describe('contract', () => {
  it('tiers equal the configuration tiers', () => {
    expect([...TIERS]).toEqual([...TIER_NAMES]);
  });

  it('runtime code imports neither aws-cdk-lib nor the configuration', () => {
    for (const file of sources(RUNTIME)) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/from '(aws-cdk-lib|constructs)/);
      expect(text, file).not.toMatch(/from '\.\.\/(\.\.\/)?config/);
    }
  });

  it('runtime code never scans, uses PartiQL or unconditioned batch writes', () => {
    for (const file of sources(RUNTIME)) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(
        /\b(Scan|ExecuteStatement|BatchExecuteStatement|BatchWrite|BatchWriteItem|ExecuteTransaction)Command\b/,
      );
    }
  });
});

describe('keys', () => {
  it('offboarding deletes or deliberately retains every entity kind', () => {
    expect([...OFFBOARD_PARTITIONS, ...RETAINED_PARTITIONS].sort()).toEqual(Object.values(ENTITIES).sort());
  });

  it('refuses tenant ids that could reach another tenant prefix', () => {
    expect(() => partitionKey('a#b', ENTITIES.item)).toThrow();
    expect(() => partitionKey('', ENTITIES.item)).toThrow();
    expect(() => partitionKey('Acme', ENTITIES.item)).toThrow();
    expect(partitionKey('acme', ENTITIES.item)).toBe('acme#item');
  });

  it('parses only keys of the layout', () => {
    expect(parsePartitionKey('acme#item')).toEqual({ tenantId: 'acme', entity: 'item' });
    expect(parsePartitionKey('acme#item#x')).toBeUndefined();
    expect(parsePartitionKey('acme')).toBeUndefined();
    expect(parsePartitionKey('ACME#item')).toBeUndefined();
  });

  it('item ids are ULIDs that sort by time', () => {
    const a = newItemId(1_700_000_000_000);
    const b = newItemId(1_700_000_000_001);
    expect(a).toMatch(ITEM_ID_PATTERN);
    expect(a < b).toBe(true);
  });
});

describe('cursor', () => {
  const key = Buffer.alloc(32, 7);

  it('round-trips for the same tenant and collection', () => {
    const signer = new CursorSigner(key);
    expect(signer.verify(signer.sign('acme', 'items', { sk: 'X' }), 'acme', 'items')).toEqual({ sk: 'X' });
  });

  it.each([
    ['another tenant', (c: string, s: CursorSigner) => s.verify(c, 'globex', 'items')],
    ['another collection', (c: string, s: CursorSigner) => s.verify(c, 'acme', 'users')],
    ['another key', (c: string) => new CursorSigner(Buffer.alloc(32, 8)).verify(c, 'acme', 'items')],
    [
      'a flipped signature bit',
      (c: string, s: CursorSigner) =>
        s.verify(`${c.slice(0, -1)}${c.endsWith('A') ? 'B' : 'A'}`, 'acme', 'items'),
    ],
    ['an extra segment', (c: string, s: CursorSigner) => s.verify(`${c}.x`, 'acme', 'items')],
    [
      'expiry',
      (c: string) => new CursorSigner(key, () => Date.now() + 2 * 86_400_000).verify(c, 'acme', 'items'),
    ],
  ])('is refused for %s', (_name, attempt) => {
    const signer = new CursorSigner(key);
    const cursor = signer.sign('acme', 'items', { sk: 'X' });
    expect(() => attempt(cursor, signer)).toThrow(ApiError);
  });

  it('refuses short keys', () => {
    expect(() => new CursorSigner(Buffer.alloc(16))).toThrow();
  });
});

describe('claims', () => {
  const base = { sub: 'u1', 'custom:tenant_id': 'acme', 'custom:role': 'admin', 'custom:tier': 'basic' };

  it('builds the context from valid claims', () => {
    expect(contextFromClaims(base, 'platform')).toEqual({
      ok: true,
      context: { tenantId: 'acme', userId: 'u1', role: 'admin', tier: 'basic' },
    });
  });

  it.each([
    ['operator outside the platform tenant', { 'custom:role': 'operator' }],
    ['non-operator in the platform tenant', { 'custom:tenant_id': 'platform' }],
    ['numeric tenant', { 'custom:tenant_id': 42 }],
    ['empty sub', { sub: '' }],
    ['unknown tier', { 'custom:tier': 'gold' }],
  ])('denies %s', (_name, override) => {
    expect(contextFromClaims({ ...base, ...override }, 'platform').ok).toBe(false);
  });
});

describe('authorizer policy', () => {
  const arn = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/items';

  it('allows the whole stage, so a cached policy also covers other routes', () => {
    expect(apiWildcardArn(arn)).toBe('arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/*');
    const policy = allowPolicy({ tenantId: 'acme', userId: 'u', role: 'admin', tier: 'basic' }, arn);
    expect(
      policyAllows(policy, 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/DELETE/items/X'),
    ).toBe(true);
    expect(policyAllows(policy, 'arn:aws:execute-api:eu-west-1:123456789012:other/prod/GET/items')).toBe(
      false,
    );
    expect(policyAllows(policy, 'arn:aws:execute-api:eu-west-1:123456789012:abc123/dev/GET/items')).toBe(
      false,
    );
  });

  it('explicit deny wins over allow', () => {
    const policy = allowPolicy({ tenantId: 'acme', userId: 'u', role: 'admin', tier: 'basic' }, arn);
    policy.policyDocument.Statement.push({ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: arn });
    expect(policyAllows(policy, arn)).toBe(false);
  });
});

describe('ttl cache', () => {
  it('expires entries and stays bounded', () => {
    let now = 0;
    const cache = new TtlCache<number>(2, () => now);
    cache.set('a', 1, 100);
    cache.set('b', 2, 100);
    cache.set('c', 3, 100);
    expect(cache.size).toBe(2);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('c')).toBe(3);
    now = 100;
    expect(cache.get('c')).toBeUndefined();
  });
});

describe('routes and OpenAPI', () => {
  it('every route has a handler and every handler a route', () => {
    expect(Object.keys(HANDLERS).sort()).toEqual(ROUTES.map((r) => r.operationId).sort());
  });

  it('matches paths and reports allowed methods', () => {
    const m = matchRoute('GET', '/items/01ARZ3NDEKTSV4RRFFQ69G5FAV');
    expect(m && 'route' in m && m.route.operationId).toBe('getItem');
    expect(matchRoute('PATCH', '/items')).toEqual({ allowed: ['GET', 'POST'] });
    expect(matchRoute('GET', '/nope')).toBeUndefined();
  });

  it('docs/openapi.json is fresh (regenerate: npx tsx src/dev/write-openapi.ts)', () => {
    expect(readFileSync(OPENAPI_PATH, 'utf8')).toBe(openApiText());
  });

  it('is an OpenAPI 3.1 document whose references all resolve', () => {
    const doc = JSON.parse(openApiText());
    expect(doc.openapi).toBe('3.1.0');
    const refs = [...openApiText().matchAll(/"\$ref": "#\/components\/schemas\/([A-Za-z]+)"/g)].map(
      (m) => m[1],
    );
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of refs) expect(doc.components.schemas[ref as string], ref).toBeDefined();
    expect(Object.keys(doc.paths['/items'])).toEqual(['get', 'post']);
    expect(doc.components.schemas.ItemInput.additionalProperties).toBe(false);
  });
});

describe('idempotency fingerprint and usage CSV', () => {
  it('ignores key order but not values', () => {
    expect(requestFingerprint('POST', '/items', { a: 1, b: { c: 2, d: 3 } })).toBe(
      requestFingerprint('POST', '/items', { b: { d: 3, c: 2 }, a: 1 }),
    );
    expect(requestFingerprint('POST', '/items', { a: 1 })).not.toBe(
      requestFingerprint('POST', '/items', { a: 2 }),
    );
  });

  it('writes one CSV line per day', () => {
    const csv = usageCsv('acme', [
      { date: '2026-01-01', requests: 3, itemsCreated: 2, itemsDeleted: 1, storedItems: 1 },
    ]);
    expect(csv).toBe(
      'tenant_id,date,requests,items_created,items_deleted,stored_items\r\nacme,2026-01-01,3,2,1,1\r\n',
    );
  });
});
