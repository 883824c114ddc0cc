import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTable, type LocalDynamo, startDynalite } from '../../src/dev/dynalite';
import { StreamEmulator } from '../../src/dev/stream-emulator';

/** The dev server's stream: batches as the event source mapping delivers them, and drain() always returns. */
let dynamo: LocalDynamo;
const TABLE = 'stream-test';

beforeAll(async () => {
  dynamo = await startDynalite();
  await ensureTable(dynamo.client(), TABLE);
});

afterAll(async () => {
  await dynamo?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function emulator(batchSize: number, windowMs: number, consumerMs = 0) {
  const batches: DynamoDBRecord[][] = [];
  const stream = new StreamEmulator(
    dynamo.client(),
    TABLE,
    async (event) => {
      batches.push(event.Records);
      await sleep(consumerMs);
      return { batchItemFailures: [] };
    },
    batchSize,
    windowMs,
  );
  const client = stream.install(dynamo.client());
  const put = (sk: string) =>
    client.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: { pk: { S: 't#item' }, sk: { S: sk } },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  return { stream, batches, put };
}

describe('stream emulator', () => {
  it('gathers records for its window and delivers them as one batch', async () => {
    const { stream, batches, put } = emulator(100, 50);
    await put('w1');
    await put('w2');
    await put('w3');
    expect(batches).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(batches.map((b) => b.map((r) => r.dynamodb?.Keys?.sk?.S))).toEqual([['w1', 'w2', 'w3']]);
    expect(batches[0]?.[0]?.eventName).toBe('INSERT');
    await stream.drain();
  });

  it('drains at once, also records that arrive while it delivers', async () => {
    const { stream, batches, put } = emulator(10, 5, 20);
    await put('d1');
    const draining = stream.drain();
    await sleep(5);
    await put('d2'); // arrives while the first batch is delivered: the rest gets a window
    await draining;
    expect(batches.flat()).toHaveLength(2);
    await sleep(30); // the window given to d2 fires on an empty queue
    await put('d3');
    await stream.drain();
    expect(batches.flat()).toHaveLength(3);
  }, 5_000);
});
