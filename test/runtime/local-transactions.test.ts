import {
  GetItemCommand,
  PutItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTable, type LocalDynamo, startDynalite } from '../../src/dev/dynalite';
import { installPolicyGuard } from '../../src/dev/policy-guard';
import { TENANT_SESSION_GRANTS } from '../../src/runtime/partitions';

/** The dev layer's TransactWriteItems and ReturnValuesOnConditionCheckFailure on dynalite (src/dev/transactions.ts). */
let dynamo: LocalDynamo;
const TABLE = 'tx-test';
const S = (s: string) => ({ S: s });

beforeAll(async () => {
  dynamo = await startDynalite();
  await ensureTable(dynamo.client(), TABLE);
  await dynamo
    .client()
    .send(new PutItemCommand({ TableName: TABLE, Item: { pk: S('a#item'), sk: S('old'), v: { N: '1' } } }));
});

afterAll(async () => {
  await dynamo?.stop();
});

const put = (pk: string, sk: string, extra = {}) => ({
  Put: {
    TableName: TABLE,
    Item: { pk: S(pk), sk: S(sk), ...extra },
    ConditionExpression: 'attribute_not_exists(pk)',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  },
});
const get = async (pk: string, sk: string) =>
  (await dynamo.client().send(new GetItemCommand({ TableName: TABLE, Key: { pk: S(pk), sk: S(sk) } }))).Item;

describe('local transactions', () => {
  it('writes every part or none, and names the failed condition with the old item', async () => {
    const client = dynamo.client();
    await client.send(
      new TransactWriteItemsCommand({ TransactItems: [put('a#item', 'n1'), put('a#idem', 'k1')] }),
    );
    expect(await get('a#item', 'n1')).toBeDefined();
    expect(await get('a#idem', 'k1')).toBeDefined();

    const err = await client
      .send(new TransactWriteItemsCommand({ TransactItems: [put('a#item', 'n2'), put('a#item', 'old')] }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransactionCanceledException);
    const reasons = (err as TransactionCanceledException).CancellationReasons ?? [];
    expect(reasons.map((r) => r.Code)).toEqual(['None', 'ConditionalCheckFailed']);
    expect(reasons[1]?.Item?.v).toEqual({ N: '1' });
    expect(await get('a#item', 'n2')).toBeUndefined(); // the first part was rolled back
  });

  it('returns the old item of a single failed write when asked', async () => {
    const err = await dynamo
      .client()
      .send(new PutItemCommand({ ...put('a#item', 'old').Put }))
      .catch((e: unknown) => e);
    expect((err as Error).name).toBe('ConditionalCheckFailedException');
    expect((err as { Item?: unknown }).Item).toMatchObject({ v: { N: '1' } });
  });

  it("refuses a transaction when any part is outside the session's grants", async () => {
    const session = installPolicyGuard(dynamo.client(), {
      name: 'tenant session a',
      grants: TENANT_SESSION_GRANTS,
      tenant: 'a',
    });
    await expect(
      session.send(
        new TransactWriteItemsCommand({ TransactItems: [put('a#item', 'n3'), put('b#idem', 'k')] }),
      ),
    ).rejects.toThrow(/not authorized to perform dynamodb:PutItem on b#idem/);
    expect(await get('a#item', 'n3')).toBeUndefined();
    await session.send(
      new TransactWriteItemsCommand({ TransactItems: [put('a#item', 'n3'), put('a#idem', 'k3')] }),
    );
    expect(await get('a#item', 'n3')).toBeDefined();
  });

  it('serialises transactions on the same item: exactly one of concurrent creates wins', async () => {
    const client = dynamo.client();
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) =>
        client.send(
          new TransactWriteItemsCommand({
            TransactItems: [put('a#idem', 'race'), put('a#item', `race-${i}`)],
          }),
        ),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const stored = await Promise.all(Array.from({ length: 5 }, (_, i) => get('a#item', `race-${i}`)));
    expect(stored.filter(Boolean)).toHaveLength(1);
  });
});
