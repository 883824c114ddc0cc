import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactionCanceledException,
  type TransactWriteItem,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';

/*
 * dynalite predates DynamoDB transactions and `ReturnValuesOnConditionCheckFailure`; the runtime uses both
 * (an idempotent create writes its key record and the item in one TransactWriteItems). This emulates them
 * on every dev client, below the policy guard, the stream recorder and the operation counter, which see the
 * call as the application sent it:
 * - TransactWriteItems: the parts run one by one on an unguarded client, each with its own condition, under
 *   a lock on every key the transaction names (transactions on the same items are serialised, as
 *   DynamoDB's conflict detection would order or refuse them); when any condition fails, the parts already
 *   written are put back as they were and the call fails with TransactionCanceledException, one
 *   cancellation reason per part (with the item for `ReturnValuesOnConditionCheckFailure: ALL_OLD`).
 *   ConditionCheck parts are evaluated by rewriting the item unchanged (or deleting the absent item) under
 *   their condition.
 * - `ReturnValuesOnConditionCheckFailure: ALL_OLD` on a single write: the failed write's error carries the
 *   item, read right after the failure.
 */

type Key = Record<string, AttributeValue>;
type Part = NonNullable<
  | TransactWriteItem['Put']
  | TransactWriteItem['Update']
  | TransactWriteItem['Delete']
  | TransactWriteItem['ConditionCheck']
>;

const keyOf = (table: string, key: Key) => `${table}\u0000${key.pk?.S ?? ''}\u0000${key.sk?.S ?? ''}`;
const isConditionFailed = (err: unknown) =>
  err instanceof Error && err.name === 'ConditionalCheckFailedException';

/** The table, key and part of one transaction item (key attributes: `pk`, `sk`, as the stack's table). */
function describe(item: TransactWriteItem): { table: string; key: Key; kind: string; part: Part } {
  const [kind, part] = Object.entries(item).find(([, v]) => v !== undefined) as [string, Part];
  const key =
    'Item' in part && part.Item ? { pk: part.Item.pk, sk: part.Item.sk } : (part as { Key: Key }).Key;
  return { table: part.TableName as string, key: key as Key, kind, part };
}

export function installTransactionEmulation(client: DynamoDBClient, engine: DynamoDBClient): DynamoDBClient {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String((context as { commandName?: string }).commandName ?? '');
      const input = args.input as Record<string, unknown>;
      if (command === 'TransactWriteItemsCommand') {
        await transactWrite(engine, input.TransactItems as TransactWriteItem[]);
        return { output: { $metadata: {} }, response: { statusCode: 200, headers: {} } } as never;
      }
      if (input.ReturnValuesOnConditionCheckFailure !== 'ALL_OLD') return next(args);
      try {
        return await next(args);
      } catch (err) {
        if (!isConditionFailed(err)) throw err;
        const read = await engine.send(
          new GetItemCommand({
            TableName: input.TableName as string,
            Key: keyOfInput(input),
            ConsistentRead: true,
          }),
        );
        if (read.Item) Object.assign(err as object, { Item: read.Item });
        throw err;
      }
    },
    { step: 'finalizeRequest', name: 'fastishLocalTransactions', priority: 'low' },
  );
  return client;
}

function keyOfInput(input: Record<string, unknown>): Key {
  const item = input.Item as Key | undefined;
  return item ? { pk: item.pk as AttributeValue, sk: item.sk as AttributeValue } : (input.Key as Key);
}

const locks = new Map<string, Promise<unknown>>();

/** Runs `work` once every earlier holder of any of `ids` is done. */
async function withLocks<T>(ids: string[], work: () => Promise<T>): Promise<T> {
  const previous = Promise.allSettled(ids.map((id) => locks.get(id)));
  const run = previous.then(work);
  const tail = run.catch(() => undefined);
  for (const id of ids) locks.set(id, tail);
  try {
    return await run;
  } finally {
    for (const id of ids) if (locks.get(id) === tail) locks.delete(id);
  }
}

async function transactWrite(engine: DynamoDBClient, items: TransactWriteItem[]): Promise<void> {
  const parts = items.map(describe);
  const ids = parts.map((p) => keyOf(p.table, p.key));
  if (new Set(ids).size !== ids.length) {
    throw Object.assign(new Error('Transaction request cannot include multiple operations on one item'), {
      name: 'ValidationException',
    });
  }
  await withLocks(ids, async () => {
    const before: (Key | undefined)[] = [];
    for (const p of parts) {
      const out = await engine.send(
        new GetItemCommand({ TableName: p.table, Key: p.key, ConsistentRead: true }),
      );
      before.push(out.Item);
    }
    const reasons: { Code: string; Message?: string; Item?: Key }[] = [];
    const written: number[] = [];
    for (const [i, p] of parts.entries()) {
      try {
        await sendPart(engine, p.kind, p.part, before[i]);
        if (p.kind !== 'ConditionCheck') written.push(i);
        reasons.push({ Code: 'None' });
      } catch (err) {
        if (!isConditionFailed(err) && !(err instanceof ConditionalCheckFailedException)) {
          await rollBack(engine, parts, before, written);
          throw err;
        }
        const old = before[i];
        const wantsItem = (p.part as { ReturnValuesOnConditionCheckFailure?: string })
          .ReturnValuesOnConditionCheckFailure;
        reasons.push({
          Code: 'ConditionalCheckFailed',
          Message: 'The conditional request failed',
          ...(wantsItem === 'ALL_OLD' && old ? { Item: old } : {}),
        });
      }
    }
    if (reasons.every((r) => r.Code === 'None')) return;
    await rollBack(engine, parts, before, written);
    const message = `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`;
    throw new TransactionCanceledException({
      message,
      Message: message,
      $metadata: {},
      CancellationReasons: reasons,
    });
  });
}

/** Runs a transaction part as a single-item call (ReturnValuesOnConditionCheckFailure is the transaction's). */
async function sendPart(engine: DynamoDBClient, kind: string, part: Part, current: Key | undefined) {
  const { ReturnValuesOnConditionCheckFailure: _rv, ...p } = part as Part & {
    ReturnValuesOnConditionCheckFailure?: string;
  };
  const input = p as Record<string, unknown>;
  if (kind === 'Put') return engine.send(new PutItemCommand(input as never));
  if (kind === 'Update') return engine.send(new UpdateItemCommand(input as never));
  if (kind === 'Delete') return engine.send(new DeleteItemCommand(input as never));
  // ConditionCheck: the condition judged by a write that leaves the item as it is.
  const { Key: key, ...check } = input;
  return current
    ? engine.send(new PutItemCommand({ ...check, Item: current } as never))
    : engine.send(new DeleteItemCommand({ ...check, Key: key } as never));
}

async function rollBack(
  engine: DynamoDBClient,
  parts: ReturnType<typeof describe>[],
  before: (Key | undefined)[],
  written: number[],
): Promise<void> {
  for (const i of [...written].reverse()) {
    const p = parts[i] as ReturnType<typeof describe>;
    const old = before[i];
    if (old) await engine.send(new PutItemCommand({ TableName: p.table, Item: old }));
    else await engine.send(new DeleteItemCommand({ TableName: p.table, Key: p.key }));
  }
}
