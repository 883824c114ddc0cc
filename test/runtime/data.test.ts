import {
  BatchWriteItemCommand,
  ExecuteStatementCommand,
  GetItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTable, type LocalDynamo, startDynalite } from '../../src/dev/dynalite';
import { LocalTenantClients } from '../../src/dev/local-tenant-clients';
import { installPolicyGuard } from '../../src/dev/policy-guard';
import { ItemStore } from '../../src/runtime/data/items';
import { offboardStep } from '../../src/runtime/data/offboarding';
import { TRANSLATE_CONFIG } from '../../src/runtime/data/tenant-clients';
import { UsageStore } from '../../src/runtime/data/usage';
import { ApiError } from '../../src/runtime/errors';
import { observability } from '../../src/runtime/observability';
import { createUsageStreamHandler } from '../../src/runtime/usage-stream';

const TABLE = 'fastish-unit';
let dynamo: LocalDynamo;
let admin: DynamoDBDocumentClient;
let clients: LocalTenantClients;

beforeAll(async () => {
  dynamo = await startDynalite();
  await ensureTable(dynamo.client(), TABLE);
  admin = DynamoDBDocumentClient.from(dynamo.client(), TRANSLATE_CONFIG);
  clients = new LocalTenantClients(dynamo);
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
    const db = await clients.forTenant('alpha');
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
    const db = await clients.forTenant('alpha');
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
    const db = await clients.forTenant('alpha');
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
    const raw = installPolicyGuard(dynamo.client(), 'alpha');
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

describe('item store', () => {
  it('replaces only at the expected version and tells 404 from 412', async () => {
    const store = new ItemStore(await clients.forTenant('alpha'), TABLE, 'alpha');
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
    const db = await clients.forTenant('charlie');
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
    for (let i = 0; i < 10; i++) {
      const step = await offboardStep(
        db,
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
    expect(day).toMatchObject({ itemsCreated: 3, storedItems: 2 });
    // The REMOVE has no image, so it is dated by its approximate creation time (today): not on 2026-03-01.
    const total = await admin.send(
      new GetCommand({ TableName: TABLE, Key: { pk: 'delta#usage', sk: 'total' } }),
    );
    expect(total.Item?.storedItems).toBe(2);
  });

  it('reports the failing record and all after it, so retries keep order', async () => {
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
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: '2' }, { itemIdentifier: '3' }]);
  });
});
