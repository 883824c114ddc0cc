import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type DevServer, startDevServer } from '../../src/dev/server';
import type { Handler } from '../../src/runtime/api/handler';
import { HANDLERS } from '../../src/runtime/api/handlers';
import { ROUTES } from '../../src/runtime/api/routes';
import { ItemStore } from '../../src/runtime/data/items';
import { sessionFromContext } from '../../src/runtime/data/tenant-clients';
import { TenantStore } from '../../src/runtime/data/tenants';
import { utcDay } from '../../src/runtime/data/usage';
import { json } from '../../src/runtime/http/response';
import { alphaAndBravo, call, type Res, snapshot } from './harness';

/**
 * Tenant-isolation attack suite, tenant data: what a tenant's own code path can do with the data
 * credentials it is given. The attacker is tenant `alpha` (basic tier); the victim is tenant `bravo`.
 * - self-billing: alpha tries to raise its tier or erase its usage through every API route, and directly
 *   with its data credentials (a handler, i.e. the tenant's code path, writing its own tenant record and
 *   usage partition);
 * - wrong-tenant handler: a handler that uses another tenant's id (bravo's) for its data.
 * Both are refused by the data layer (the local policy guard enforcing the data roles' grants on the
 * session the authorizer vended); the IAM side is test/webapp/tenant-boundaries.test.ts.
 */

let server: DevServer;
let alphaAdmin: string;
let alphaAdminId: string;
const bravoItems: string[] = [];
const SECRET = 'BRAVO-SECRET';
/** A well-formed item id that no item has. */
const NO_ITEM = '01ARZ3NDEKTSV4RRFFQ69G5FAV';

beforeAll(async () => {
  server = await startDevServer({
    logLevel: 'SILENT',
    tiers: { basic: { rateLimit: 10_000, burstLimit: 5_000 } },
  });
  const tenants = await alphaAndBravo(server, 2, SECRET);
  ({ alphaAdmin, alphaAdminId } = tenants);
  bravoItems.push(...tenants.bravoItems);
  expect((await call(server, 'POST', '/items', { token: alphaAdmin, body: { name: 'a' } })).status).toBe(201);
});

afterAll(async () => {
  await server?.stop();
});

type Row = Record<string, unknown>;

/** Everything of bravo's, alpha's tenant record, and alpha's usage counters other than the request count. */
async function state() {
  await server.flushStream();
  const alphaUsage = (await snapshot(server, 'alpha', ['usage'])) as Row[];
  return {
    bravo: await snapshot(server, 'bravo', ['item', 'user', 'idem', 'tenant', 'usage']),
    alphaTenant: await snapshot(server, 'alpha', ['tenant']),
    alphaUsage: alphaUsage.map(({ requests: _r, ...counters }) => counters),
    alphaRequests: alphaUsage.map((r) => Number(r.requests ?? 0)),
  };
}

async function expectUnchanged(before: Awaited<ReturnType<typeof state>>) {
  const after = await state();
  expect(after.bravo).toEqual(before.bravo);
  expect(after.alphaTenant).toEqual(before.alphaTenant);
  expect(after.alphaUsage).toEqual(before.alphaUsage);
  // Requests are counted by the platform; a request can add to the count, never lower it.
  after.alphaRequests.forEach((n, i) => {
    expect(n).toBeGreaterThanOrEqual(before.alphaRequests[i] ?? 0);
  });
  const [tenant] = after.alphaTenant as Row[];
  expect([tenant?.tier, tenant?.status]).toEqual(['basic', 'active']);
}

function expectNoLeak(res: Res) {
  expect(res.text).not.toContain(SECRET);
  expect(res.text).not.toContain('bravo');
  for (const id of bravoItems) expect(res.text).not.toContain(id);
}

const original = { ...HANDLERS };
afterEach(() => {
  Object.assign(HANDLERS, original);
});

/** Runs `attempt` as the handler of `GET /usage` (a tenant route of alpha's admin); reports how it ended. */
async function asTenantCode(attempt: (input: Parameters<Handler>[0]) => Promise<unknown>): Promise<Res> {
  HANDLERS.getUsage = async (input) => {
    try {
      await attempt(input);
      return json(200, { done: true });
    } catch (err) {
      return json(403, { error: { code: (err as Error).name, message: 'refused' } });
    }
  };
  return call(server, 'GET', '/usage', { token: alphaAdmin });
}

describe('self-billing: a tenant cannot raise its tier or erase its usage', () => {
  const SELF_BILLING = { tier: 'premium', status: 'active', requests: 0, storedItems: 0, itemsCreated: 0 };
  const today = () => `day#${utcDay(new Date())}`;

  it('through any API route (every route, plus methods no route has)', async () => {
    const before = await state();
    const requests: [string, string, unknown][] = ROUTES.filter((r) => r.access !== 'public').map((r) => [
      r.method,
      `${r.path
        .replace('{tenantId}', 'alpha')
        .replace('{itemId}', NO_ITEM)
        .replace('{userId}', alphaAdminId)}?tier=premium&requests=0`,
      r.method === 'GET' || r.method === 'DELETE' ? undefined : { name: 'x', role: 'admin', ...SELF_BILLING },
    ]);
    for (const [method, path] of [
      ['PUT', '/usage'],
      ['DELETE', '/usage'],
      ['POST', '/usage'],
      ['PATCH', '/tenants/alpha'],
      ['PUT', '/tenants/alpha'],
    ] as const) {
      requests.push([method, path, SELF_BILLING]);
    }
    for (const [method, path, body] of requests) {
      const res = await call(server, method, path, {
        token: alphaAdmin,
        ...(body === undefined ? {} : { body }),
        headers: { 'if-match': '"1"' },
      });
      // Reads may answer (a GET ignores a query it does not know); no write is accepted.
      if (method !== 'GET') expect(res.status, `${method} ${path}: ${res.text}`).toBeGreaterThanOrEqual(400);
      expect(res.text).not.toContain('premium');
    }
    await expectUnchanged(before);
  });

  const DIRECT: [string, (db: DynamoDBDocumentClient, table: string, tenant: string) => Promise<unknown>][] =
    [
      [
        'SET tier on its tenant record',
        (db, table, t) =>
          db.send(
            new UpdateCommand({
              TableName: table,
              Key: { pk: `${t}#tenant`, sk: 'profile' },
              UpdateExpression: 'SET tier = :t',
              ExpressionAttributeValues: { ':t': 'premium' },
            }),
          ),
      ],
      [
        'replace its tenant record',
        async (db, table, t) => {
          const tenant = await new TenantStore(db, table, t).get();
          return db.send(
            new PutCommand({
              TableName: table,
              Item: { pk: `${t}#tenant`, sk: 'profile', ...tenant, tier: 'premium' },
            }),
          );
        },
      ],
      [
        'SET status on its tenant record',
        (db, table, t) =>
          db.send(
            new UpdateCommand({
              TableName: table,
              Key: { pk: `${t}#tenant`, sk: 'profile' },
              UpdateExpression: 'SET #s = :s',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: { ':s': 'active' },
            }),
          ),
      ],
      [
        "delete today's usage",
        (db, table, t) =>
          db.send(new DeleteCommand({ TableName: table, Key: { pk: `${t}#usage`, sk: today() } })),
      ],
      [
        'reset the request count',
        (db, table, t) =>
          db.send(
            new UpdateCommand({
              TableName: table,
              Key: { pk: `${t}#usage`, sk: today() },
              UpdateExpression: 'SET requests = :z',
              ExpressionAttributeValues: { ':z': 0 },
            }),
          ),
      ],
      [
        'overwrite the stored-items total',
        (db, table, t) =>
          db.send(
            new PutCommand({ TableName: table, Item: { pk: `${t}#usage`, sk: 'total', storedItems: 0 } }),
          ),
      ],
      [
        'delete the stored-items total',
        (db, table, t) =>
          db.send(new DeleteCommand({ TableName: table, Key: { pk: `${t}#usage`, sk: 'total' } })),
      ],
    ];
  for (const [name, attempt] of DIRECT) {
    it(`directly with its data credentials: ${name} → AccessDeniedException`, async () => {
      const before = await state();
      const res = await asTenantCode((input) =>
        attempt(input.db, input.deps.tableName, input.caller.tenantId),
      );
      expect([res.status, res.json.error?.code]).toEqual([403, 'AccessDeniedException']);
      await expectUnchanged(before);
    });
  }

  it('the same credentials still read its tier and usage (the console shows them)', async () => {
    const res = await asTenantCode(async (input) => {
      const tenant = await new TenantStore(input.db, input.deps.tableName, 'alpha').get();
      if (tenant?.tier !== 'basic') throw new Error('tier not readable');
    });
    expect(res.status, res.text).toBe(200);
  });
});

describe('wrong-tenant handler: a handler that uses another tenant id is refused by the data layer', () => {
  const WRONG: [string, (input: Parameters<Handler>[0]) => Promise<unknown>, string][] = [
    [
      "lists the other tenant's items with the request's client",
      (input) => new ItemStore(input.db, input.deps.tableName, 'bravo').list(100),
      'AccessDeniedException',
    ],
    [
      "reads the other tenant's item by id",
      (input) => new ItemStore(input.db, input.deps.tableName, 'bravo').get(bravoItems[0] as string),
      'AccessDeniedException',
    ],
    [
      "writes into the other tenant's items",
      (input) =>
        new ItemStore(input.db, input.deps.tableName, 'bravo').create({ name: 'x' }, 'u', new Date()),
      'AccessDeniedException',
    ],
    [
      "downgrades the other tenant's tier",
      (input) =>
        input.db.send(
          new UpdateCommand({
            TableName: input.deps.tableName,
            Key: { pk: 'bravo#tenant', sk: 'profile' },
            UpdateExpression: 'SET tier = :t',
            ExpressionAttributeValues: { ':t': 'basic' },
          }),
        ),
      'AccessDeniedException',
    ],
    [
      'asks the client factory again after rewriting the tenant in the authorizer context',
      async (input) => {
        const auth = { ...(input.event.requestContext.authorizer ?? {}), tenantId: 'bravo' };
        const event = { ...input.event, requestContext: { ...input.event.requestContext, authorizer: auth } };
        const session = sessionFromContext((event as APIGatewayProxyEvent).requestContext.authorizer);
        if (!session) throw new Error('no session');
        const db = await input.deps.clients.forSession(session);
        return db.send(
          new GetCommand({ TableName: input.deps.tableName, Key: { pk: 'bravo#item', sk: bravoItems[0] } }),
        );
      },
      'AccessDeniedException',
    ],
    [
      'makes up credentials for the other tenant',
      async (input) => {
        const db = await input.deps.clients.forSession({
          accessKeyId: 'ASIABRAVO',
          secretAccessKey: 'bravo',
          sessionToken: 'tenant=bravo',
        });
        return new ItemStore(db, input.deps.tableName, 'bravo').list(100);
      },
      'UnrecognizedClientException',
    ],
  ];
  for (const [name, attempt, code] of WRONG) {
    it(`${name} → ${code}`, async () => {
      const before = await state();
      const res = await asTenantCode(attempt);
      expect([res.status, res.json.error?.code]).toEqual([403, code]);
      expectNoLeak(res);
      await expectUnchanged(before);
    });
  }
});
