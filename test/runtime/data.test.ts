import {
  BatchWriteItemCommand,
  ExecuteStatementCommand,
  GetItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTable, type LocalDynamo, startDynalite } from '../../src/dev/dynalite';
import { LOCAL_OPERATOR_ROLE_ARN, LOCAL_TENANT_ROLE_ARN, LocalSts } from '../../src/dev/local-sts';
import { LocalTenantClients } from '../../src/dev/local-tenant-clients';
import { installPolicyGuard } from '../../src/dev/policy-guard';
import { ItemStore } from '../../src/runtime/data/items';
import { offboardStep } from '../../src/runtime/data/offboarding';
import { TRANSLATE_CONFIG, tenantAssumeRoleRequest } from '../../src/runtime/data/tenant-clients';
import { UsageStore, utcDay } from '../../src/runtime/data/usage';
import { ApiError } from '../../src/runtime/errors';
import { observability } from '../../src/runtime/observability';
import { BILLING_GRANTS, TENANT_SESSION_GRANTS } from '../../src/runtime/partitions';
import { createUsageStreamHandler } from '../../src/runtime/usage-stream';

const TABLE = 'fastish-unit';
let dynamo: LocalDynamo;
let admin: DynamoDBDocumentClient;
let clients: LocalTenantClients;
let now = Date.now();
const sts = new LocalSts(
  async () => {},
  () => now,
);

/** A client on a tenant session the local STS issued (what the authorizer hands the API). */
const tenantDb = async (tenantId: string) =>
  clients.forSession(await sts.assume(tenantAssumeRoleRequest(LOCAL_TENANT_ROLE_ARN, tenantId)));
const operatorDb = async () =>
  clients.forSession(
    await sts.assume({
      RoleArn: LOCAL_OPERATOR_ROLE_ARN,
      RoleSessionName: 'operator-o',
      DurationSeconds: 900,
    }),
  );

beforeAll(async () => {
  dynamo = await startDynalite();
  await ensureTable(dynamo.client(), TABLE);
  admin = DynamoDBDocumentClient.from(dynamo.client(), TRANSLATE_CONFIG);
  clients = new LocalTenantClients(dynamo, sts);
  await admin.send(
    new PutCommand({ TableName: TABLE, Item: { pk: 'bravo#item', sk: 'SECRET', name: 'bravo secret' } }),
  );
});

afterAll(async () => {
  await dynamo?.stop();
});

describe('local policy guard (the tenant role, emulated)', () => {
  const denied = { name: 'AccessDeniedException' };

  it('allows GetItem and Query inside the tenant prefix', async () => {
    const db = await tenantDb('alpha');
    await expect(
      db.send(new GetCommand({ TableName: TABLE, Key: { pk: 'alpha#item', sk: 'x' } })),
    ).resolves.toBeDefined();
    const q = await db.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'alpha#item' },
      }),
    );
    expect(q.Items).toEqual([]);
  });

  it('denies another tenant key for every action', async () => {
    const db = await tenantDb('alpha');
    await expect(
      db.send(new GetCommand({ TableName: TABLE, Key: { pk: 'bravo#item', sk: 'SECRET' } })),
    ).rejects.toMatchObject(denied);
    await expect(
      db.send(new PutCommand({ TableName: TABLE, Item: { pk: 'bravo#item', sk: 'NEW' } })),
    ).rejects.toMatchObject(denied);
    await expect(
      db.send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': 'bravo#item' },
        }),
      ),
    ).rejects.toMatchObject(denied);
    // `alphabet#…` starts with `alpha` but not with `alpha#`.
    await expect(
      db.send(new GetCommand({ TableName: TABLE, Key: { pk: 'alphabet#item', sk: 'x' } })),
    ).rejects.toMatchObject(denied);
    const stored = await admin.send(
      new GetCommand({ TableName: TABLE, Key: { pk: 'bravo#item', sk: 'NEW' } }),
    );
    expect(stored.Item).toBeUndefined();
  });

  it('denies a Query whose start key points into another tenant', async () => {
    const db = await tenantDb('alpha');
    await expect(
      db.send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': 'alpha#item' },
          ExclusiveStartKey: { pk: 'bravo#item', sk: 'A' },
        }),
      ),
    ).rejects.toMatchObject(denied);
  });

  it('denies Scan, PartiQL and batch writes outright', async () => {
    const raw = installPolicyGuard(dynamo.client(), {
      name: 'alpha',
      grants: TENANT_SESSION_GRANTS,
      tenant: 'alpha',
    });
    await expect(raw.send(new ScanCommand({ TableName: TABLE }))).rejects.toMatchObject(denied);
    await expect(
      raw.send(new ExecuteStatementCommand({ Statement: `SELECT * FROM "${TABLE}"` })),
    ).rejects.toMatchObject(denied);
    await expect(
      raw.send(
        new BatchWriteItemCommand({
          RequestItems: { [TABLE]: [{ PutRequest: { Item: { pk: { S: 'alpha#item' }, sk: { S: 'b' } } } }] },
        }),
      ),
    ).rejects.toMatchObject(denied);
    const direct = await dynamo
      .client()
      .send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'alpha#item' }, sk: { S: 'b' } } }));
    expect(direct.Item).toBeUndefined();
  });
});

describe('data sessions, as the local layer enforces them', () => {
  const denied = { name: 'AccessDeniedException' };
  const put = (pk: string, sk: string, extra: Record<string, unknown> = {}) =>
    new PutCommand({ TableName: TABLE, Item: { pk, sk, ...extra } });

  it('a tenant session reads but never writes its tenant record (tier, status) or usage', async () => {
    await admin.send(put('alpha#tenant', 'profile', { tier: 'basic', status: 'active' }));
    await admin.send(put('alpha#usage', 'day#2026-01-01', { requests: 7 }));
    const db = await tenantDb('alpha');
    expect(
      (await db.send(new GetCommand({ TableName: TABLE, Key: { pk: 'alpha#tenant', sk: 'profile' } }))).Item
        ?.tier,
    ).toBe('basic');
    await expect(new UsageStore(db, TABLE, 'alpha').report('2026-01-01', '2026-01-01')).resolves.toHaveLength(
      1,
    );
    const writes = [
      new UpdateCommand({
        TableName: TABLE,
        Key: { pk: 'alpha#tenant', sk: 'profile' },
        UpdateExpression: 'SET tier = :t',
        ExpressionAttributeValues: { ':t': 'premium' },
      }),
      put('alpha#tenant', 'profile', { tier: 'premium', status: 'active' }),
      new DeleteCommand({ TableName: TABLE, Key: { pk: 'alpha#usage', sk: 'day#2026-01-01' } }),
      new UpdateCommand({
        TableName: TABLE,
        Key: { pk: 'alpha#usage', sk: 'day#2026-01-01' },
        UpdateExpression: 'SET requests = :z',
        ExpressionAttributeValues: { ':z': 0 },
      }),
      put('alpha#usage', 'total', { storedItems: 0 }),
    ];
    for (const command of writes) await expect(db.send(command as never)).rejects.toMatchObject(denied);
    const profile = await admin.send(
      new GetCommand({ TableName: TABLE, Key: { pk: 'alpha#tenant', sk: 'profile' } }),
    );
    expect(profile.Item?.tier).toBe('basic');
    const usage = await admin.send(
      new GetCommand({ TableName: TABLE, Key: { pk: 'alpha#usage', sk: 'day#2026-01-01' } }),
    );
    expect(usage.Item?.requests).toBe(7);
  });

  it('an operator session changes tenant records of any tenant, and never writes usage', async () => {
    const db = await operatorDb();
    await db.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: { pk: 'alpha#tenant', sk: 'profile' },
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': 'suspended' },
      }),
    );
    await expect(
      db.send(new DeleteCommand({ TableName: TABLE, Key: { pk: 'alpha#usage', sk: 'day#2026-01-01' } })),
    ).rejects.toMatchObject(denied);
    await expect(
      db.send(new GetCommand({ TableName: TABLE, Key: { pk: 'bravo#item', sk: 'SECRET' } })),
    ).rejects.toMatchObject(denied);
  });

  it('the billing role writes request counts and billing marks of usage days only', async () => {
    const billing = DynamoDBDocumentClient.from(
      installPolicyGuard(dynamo.client(), { name: 'billing', grants: BILLING_GRANTS }),
      TRANSLATE_CONFIG,
    );
    const store = new UsageStore(billing, TABLE, 'alpha');
    const day = await store.day('2026-01-01');
    await store.recordRequests(day, { basic: 8 });
    const counted = await admin.send(
      new GetCommand({ TableName: TABLE, Key: { pk: 'alpha#usage', sk: 'day#2026-01-01' } }),
    );
    expect(counted.Item?.requests).toBe(8);
    for (const command of [
      new UpdateCommand({
        TableName: TABLE,
        Key: { pk: 'alpha#usage', sk: 'day#2026-01-01' },
        UpdateExpression: 'ADD itemsCreated :one',
        ExpressionAttributeValues: { ':one': 1 },
      }),
      new UpdateCommand({
        TableName: TABLE,
        Key: { pk: 'alpha#tenant', sk: 'profile' },
        UpdateExpression: 'SET requests = :one',
        ExpressionAttributeValues: { ':one': 1 },
      }),
      new GetCommand({ TableName: TABLE, Key: { pk: 'alpha#item', sk: 'x' } }),
    ]) {
      await expect(billing.send(command as never)).rejects.toMatchObject(denied);
    }
  });

  it('refuses credentials the STS never issued, and issued ones once expired', async () => {
    const forged = await clients.forSession({
      accessKeyId: 'ASIAFORGED',
      secretAccessKey: 'x',
      sessionToken: 'y',
    });
    await expect(
      forged.send(new GetCommand({ TableName: TABLE, Key: { pk: 'alpha#item', sk: 'x' } })),
    ).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
    const issued = await sts.assume(tenantAssumeRoleRequest(LOCAL_TENANT_ROLE_ARN, 'alpha'));
    const wrongSecret = await clients.forSession({ ...issued, secretAccessKey: 'guessed' });
    await expect(
      wrongSecret.send(new GetCommand({ TableName: TABLE, Key: { pk: 'alpha#item', sk: 'x' } })),
    ).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
    const db = await clients.forSession(issued);
    now += 901_000;
    try {
      await expect(
        db.send(new GetCommand({ TableName: TABLE, Key: { pk: 'alpha#item', sk: 'x' } })),
      ).rejects.toMatchObject({ name: 'ExpiredTokenException' });
    } finally {
      now = Date.now();
    }
  });
});

describe('item store', () => {
  it('replaces only at the expected version and tells 404 from 412', async () => {
    const store = new ItemStore(await tenantDb('alpha'), TABLE, 'alpha');
    const item = await store.create({ name: 'a' }, 'u', new Date());
    const next = await store.replace(item.id, { name: 'b' }, 1, new Date());
    expect(next.version).toBe(2);
    await expect(store.replace(item.id, { name: 'c' }, 1, new Date())).rejects.toMatchObject({
      code: 'precondition_failed',
    });
    await expect(
      store.replace('01ARZ3NDEKTSV4RRFFQ69G5FAV', { name: 'c' }, 1, new Date()),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
    expect((await store.get(item.id))?.name).toBe('b');
    await expect(store.delete(item.id, 1)).rejects.toBeInstanceOf(ApiError);
    await store.delete(item.id, 2);
    expect(await store.get(item.id)).toBeUndefined();
  });
});

describe('offboarding', () => {
  it('deletes in bounded pages, resumes, and keeps usage and the tenant profile', async () => {
    const db = admin;
    for (let i = 0; i < 12; i++) {
      await db.send(
        new PutCommand({
          TableName: TABLE,
          Item: { pk: 'charlie#item', sk: `I${String(i).padStart(3, '0')}` },
        }),
      );
    }
    await db.send(new PutCommand({ TableName: TABLE, Item: { pk: 'charlie#user', sk: 'U1' } }));
    await db.send(
      new PutCommand({ TableName: TABLE, Item: { pk: 'charlie#usage', sk: 'day#2026-01-01', requests: 5 } }),
    );
    await db.send(
      new PutCommand({
        TableName: TABLE,
        Item: { pk: 'charlie#tenant', sk: 'profile', status: 'offboarding' },
      }),
    );
    const removedUsers: string[] = [];
    const calls: { deleted: number; complete: boolean }[] = [];
    // Offboarding runs with the operator session (operator routes).
    const operator = await operatorDb();
    for (let i = 0; i < 10; i++) {
      const step = await offboardStep(
        operator,
        TABLE,
        'charlie',
        2,
        async (entity, sk) => {
          if (entity === 'user') removedUsers.push(sk);
        },
        5,
      );
      calls.push(step);
      if (step.complete) break;
    }
    expect(calls[0]).toEqual({ deleted: 10, complete: false });
    expect(calls.at(-1)?.complete).toBe(true);
    expect(calls.reduce((n, c) => n + c.deleted, 0)).toBe(13);
    expect(removedUsers).toEqual(['U1']);
    for (const entity of ['item', 'user', 'idem']) {
      const left = await admin.send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `charlie#${entity}` },
        }),
      );
      expect(left.Items).toEqual([]);
    }
    expect(
      (
        await admin.send(
          new GetCommand({ TableName: TABLE, Key: { pk: 'charlie#usage', sk: 'day#2026-01-01' } }),
        )
      ).Item,
    ).toBeDefined();
    expect(
      (await admin.send(new GetCommand({ TableName: TABLE, Key: { pk: 'charlie#tenant', sk: 'profile' } })))
        .Item,
    ).toBeDefined();
  });
});

describe('usage reports', () => {
  it('answer a range with ONE Query, carrying stored items in from the newest day before it', async () => {
    const day = (sk: string, figures: Record<string, number>) =>
      admin.send(new PutCommand({ TableName: TABLE, Item: { pk: 'kilo#usage', sk, ...figures } }));
    await day('day#2026-02-20', { itemsCreated: 9, storedItems: 9 });
    await day('day#2026-02-25', { itemsDeleted: 4, storedItems: 5 });
    await day('day#2026-03-02', { itemsCreated: 1, storedItems: 6, requests: 12 });
    await day('day#2026-03-09', { itemsCreated: 1, storedItems: 7 });
    await day('total', { storedItems: 7 });
    const calls: string[] = [];
    const db = DynamoDBDocumentClient.from(dynamo.client(), TRANSLATE_CONFIG);
    db.middlewareStack.add(
      (next, context) => async (args) => {
        calls.push(String((context as { commandName?: string }).commandName));
        return next(args);
      },
      { step: 'initialize', name: 'count' },
    );
    const store = new UsageStore(db, TABLE, 'kilo');
    expect(await store.report('2026-03-01', '2026-03-03')).toEqual([
      { date: '2026-03-01', requests: 0, itemsCreated: 0, itemsDeleted: 0, storedItems: 5 },
      { date: '2026-03-02', requests: 12, itemsCreated: 1, itemsDeleted: 0, storedItems: 6 },
      { date: '2026-03-03', requests: 0, itemsCreated: 0, itemsDeleted: 0, storedItems: 6 },
    ]);
    expect(calls).toEqual(['QueryCommand']);
    // A day alone: its own figures, or the newest day before it for the stored items.
    expect(await store.day('2026-03-05')).toMatchObject({ requests: 0, itemsCreated: 0, storedItems: 6 });
    expect(await store.day('2026-03-02')).toMatchObject({ requests: 12, itemsCreated: 1, storedItems: 6 });
  });
});

describe('usage stream consumer', () => {
  const record = (
    name: 'INSERT' | 'REMOVE' | 'MODIFY',
    pk: string,
    sk: string,
    seq: number,
  ): DynamoDBRecord => ({
    eventName: name,
    dynamodb: {
      Keys: { pk: { S: pk }, sk: { S: sk } },
      SequenceNumber: String(seq),
      ...(name === 'INSERT'
        ? { NewImage: { pk: { S: pk }, sk: { S: sk }, createdAt: { S: '2026-03-01T10:00:00.000Z' } } }
        : {}),
    },
  });

  it('counts item inserts and removes once, even when a batch is delivered twice', async () => {
    const handler = createUsageStreamHandler({
      db: admin,
      tableName: TABLE,
      obs: observability('t', 'SILENT'),
    });
    const batch = [
      record('INSERT', 'delta#item', 'A', 1001),
      record('INSERT', 'delta#item', 'B', 1002),
      record('MODIFY', 'delta#item', 'B', 1003),
      record('INSERT', 'delta#user', 'U', 1004),
      record('REMOVE', 'delta#item', 'A', 1005),
      record('INSERT', 'delta#item', 'C', 1006),
    ];
    expect(await handler({ Records: batch })).toEqual({ batchItemFailures: [] });
    expect(await handler({ Records: batch })).toEqual({ batchItemFailures: [] });
    const usage = new UsageStore(admin, TABLE, 'delta');
    const [day] = await usage.report('2026-03-01', '2026-03-01');
    // The REMOVE has no image, so it is dated by its approximate creation time (today): not on 2026-03-01,
    // which closes with its 3 creations; today closes with 2.
    expect(day).toMatchObject({ itemsCreated: 3, itemsDeleted: 0, storedItems: 3 });
    const [today] = await usage.report(utcDay(new Date()), utcDay(new Date()));
    expect(today).toMatchObject({ itemsDeleted: 1, storedItems: 2 });
    const total = await admin.send(
      new GetCommand({ TableName: TABLE, Key: { pk: 'delta#usage', sk: 'total' } }),
    );
    expect(total.Item?.storedItems).toBe(2);
  });

  it("reports the failing tenant's first record, so Lambda retries from there", async () => {
    const failing = DynamoDBDocumentClient.from(dynamo.client(), TRANSLATE_CONFIG);
    failing.middlewareStack.add(
      () => async () => {
        throw new Error('throttled');
      },
      { step: 'build', name: 'fail' },
    );
    const handler = createUsageStreamHandler({
      db: failing,
      tableName: TABLE,
      obs: observability('t', 'SILENT'),
    });
    const out = await handler({
      Records: [
        record('MODIFY', 'echo#item', 'A', 1),
        record('INSERT', 'echo#item', 'B', 2),
        record('INSERT', 'echo#item', 'C', 3),
      ],
    });
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: '2' }]);
  });

  const counting = () => {
    const calls: string[] = [];
    const db = DynamoDBDocumentClient.from(dynamo.client(), TRANSLATE_CONFIG);
    db.middlewareStack.add(
      (next, context) => async (args) => {
        calls.push(String((context as { commandName?: string }).commandName));
        return next(args);
      },
      { step: 'initialize', name: 'count' },
    );
    return { db, calls };
  };
  const inserts = (pk: string, from: number, n: number) =>
    Array.from({ length: n }, (_, i) => record('INSERT', pk, `i${from + i}`, from + i));

  it('writes a constant number of items per tenant per batch, however many records it holds', async () => {
    const { db, calls } = counting();
    const handler = createUsageStreamHandler({ db, tableName: TABLE, obs: observability('t', 'SILENT') });
    const out = await handler({
      Records: [...inserts('golf#item', 1, 50), ...inserts('hotel#item', 101, 10)],
    });
    expect(out.batchItemFailures).toEqual([]);
    // Per tenant: read the total, add to the day, write the total.
    expect(calls.sort()).toEqual([
      'GetItemCommand',
      'GetItemCommand',
      'UpdateItemCommand',
      'UpdateItemCommand',
      'UpdateItemCommand',
      'UpdateItemCommand',
    ]);
    const [golf] = await new UsageStore(admin, TABLE, 'golf').report('2026-03-01', '2026-03-01');
    const [hotel] = await new UsageStore(admin, TABLE, 'hotel').report('2026-03-01', '2026-03-01');
    expect(golf).toMatchObject({ itemsCreated: 50, storedItems: 50 });
    expect(hotel).toMatchObject({ itemsCreated: 10, storedItems: 10 });
  });

  it('counts each record once when a retry overlaps what was applied, even after a half-applied batch', async () => {
    let failTotalOnce = true;
    const db = DynamoDBDocumentClient.from(dynamo.client(), TRANSLATE_CONFIG);
    db.middlewareStack.add(
      (next, context) => async (args) => {
        const raw = (args as { input: { Key?: { sk?: unknown } } }).input.Key?.sk;
        const sk = typeof raw === 'string' ? raw : (raw as { S?: string } | undefined)?.S;
        const name = (context as { commandName?: string }).commandName;
        if (name === 'UpdateItemCommand' && sk === 'total' && failTotalOnce) {
          failTotalOnce = false;
          throw new Error('throttled');
        }
        return next(args);
      },
      { step: 'initialize', name: 'failTotalOnce' },
    );
    const handler = createUsageStreamHandler({ db, tableName: TABLE, obs: observability('t', 'SILENT') });
    // The day gets records 1-5 but the total write fails: the batch is reported from record 1.
    expect(await handler({ Records: inserts('india#item', 1, 5) })).toEqual({
      batchItemFailures: [{ itemIdentifier: '1' }],
    });
    // The retry holds 1-5 again and 6-8 that arrived since: the day adds only 6-8, the total gets all.
    expect(await handler({ Records: inserts('india#item', 1, 8) })).toEqual({ batchItemFailures: [] });
    // A later batch overlapping the applied ones (4-10) adds 9-10 only.
    expect(await handler({ Records: inserts('india#item', 4, 7) })).toEqual({ batchItemFailures: [] });
    const [day] = await new UsageStore(admin, TABLE, 'india').report('2026-03-01', '2026-03-01');
    expect(day).toMatchObject({ itemsCreated: 10, storedItems: 10 });
    const total = await admin.send(
      new GetCommand({ TableName: TABLE, Key: { pk: 'india#usage', sk: 'total' } }),
    );
    expect(total.Item?.storedItems).toBe(10);
  });
});
