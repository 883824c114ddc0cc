import { type AttributeValue, type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

const WRITE_COMMANDS = new Set([
  'PutItemCommand',
  'PutCommand',
  'UpdateItemCommand',
  'UpdateCommand',
  'DeleteItemCommand',
  'DeleteCommand',
  'TransactWriteItemsCommand',
]);

type Target = {
  Key?: Record<string, AttributeValue>;
  Item?: Record<string, AttributeValue>;
  ConditionExpression?: string;
};

/** A put that succeeds under `attribute_not_exists(pk)` had no item before it: no need to read one. */
const knownAbsent = (kind: string, t: Target) =>
  kind === 'Put' && t.ConditionExpression?.trim() === 'attribute_not_exists(pk)';

/**
 * dynalite has no streams, so the dev server records them itself: every successful write through a tenant
 * client produces a NEW_AND_OLD_IMAGES record (read before and after the write, serialised per key so the
 * images match the write), and records are delivered in order, in batches, to the same stream handler
 * the Lambda runs, with its partial-batch failure protocol. Images are read only where the write does not
 * determine them (an insert's absent old image, a put's new image, a delete's absent new image). Writes
 * made outside the tenant clients (the consumer's own usage updates) are not recorded, as the consumer
 * ignores them in AWS anyway.
 */
export class StreamEmulator {
  private readonly queue: DynamoDBRecord[] = [];
  private readonly keyLocks = new Map<string, Promise<unknown>>();
  private sequence = 100_000_000_000_000_000_000n;
  private pumping: Promise<void> | undefined;
  private window: NodeJS.Timeout | undefined;
  readonly failed: DynamoDBRecord[] = [];

  /**
   * Records are delivered as the event source mapping delivers them: in batches of up to `batchSize`,
   * once a batch is full or `batchWindowMs` after its first record (the stack waits up to 30 s,
   * usage-metering.ts; locally usage shows up within `batchWindowMs`). `drain` delivers at once.
   */
  constructor(
    private readonly reader: DynamoDBClient,
    private readonly tableName: string,
    private readonly consumer: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>,
    private readonly batchSize = 1000,
    private readonly batchWindowMs = 2000,
  ) {}

  install(client: DynamoDBClient): DynamoDBClient {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const command = String((context as { commandName?: string }).commandName ?? '');
        if (!WRITE_COMMANDS.has(command)) return next(args);
        // A transaction's parts each produce their record, as DynamoDB Streams report them.
        const parts: [string, Target][] =
          command === 'TransactWriteItemsCommand'
            ? ((args.input as { TransactItems?: Record<string, Target>[] }).TransactItems ?? [])
                .flatMap((item) => Object.entries(item))
                .filter(([kind]) => kind !== 'ConditionCheck')
            : [[command.replace(/(Item)?Command$/, ''), args.input as Target]];
        const writes = parts.flatMap(([kind, t]) => {
          const source = t.Key ?? t.Item;
          return source?.pk && source.sk ? [{ kind, target: t, key: { pk: source.pk, sk: source.sk } }] : [];
        });
        if (writes.length === 0) return next(args);
        const ids = writes.map(({ key }) => `${key.pk.S}\u0000${key.sk.S}`);
        return this.withKeyLocks(ids, async () => {
          const before = await Promise.all(
            writes.map((w) => (knownAbsent(w.kind, w.target) ? undefined : this.read(w.key))),
          );
          const result = await next(args);
          // A put leaves exactly its item and a delete nothing; only an update's new image must be read.
          const after = await Promise.all(
            writes.map((w) =>
              w.kind === 'Put' ? w.target.Item : w.kind === 'Delete' ? undefined : this.read(w.key),
            ),
          );
          for (const [i, w] of writes.entries()) this.record(w.key, before[i], after[i]);
          return result;
        });
      },
      { step: 'build', name: 'fastishStreamEmulator', priority: 'low' },
    );
    return client;
  }

  /** Resolves when every record so far has been delivered. */
  async drain(): Promise<void> {
    clearTimeout(this.window);
    this.window = undefined;
    while (this.queue.length > 0 || this.pumping || this.keyLocks.size > 0) {
      if (this.keyLocks.size > 0) await Promise.allSettled([...this.keyLocks.values()]);
      await this.startPump();
    }
  }

  private async read(key: Record<string, AttributeValue>) {
    const out = await this.reader.send(
      new GetItemCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    return out.Item;
  }

  /** Holds every key's lock (taken one after another in a fixed order, so two writers never deadlock). */
  private withKeyLocks<T>(ids: string[], work: () => Promise<T>): Promise<T> {
    const [first, ...rest] = [...new Set(ids)].sort();
    if (first === undefined) return work();
    return this.withKeyLock(first, () => this.withKeyLocks(rest, work));
  }

  private async withKeyLock<T>(id: string, work: () => Promise<T>): Promise<T> {
    const previous = this.keyLocks.get(id) ?? Promise.resolve();
    const run = previous.then(work, work);
    const tail = run.catch(() => undefined);
    this.keyLocks.set(id, tail);
    try {
      return await run;
    } finally {
      if (this.keyLocks.get(id) === tail) this.keyLocks.delete(id);
    }
  }

  private record(
    keys: Record<string, AttributeValue>,
    before: Record<string, AttributeValue> | undefined,
    after: Record<string, AttributeValue> | undefined,
  ): void {
    if (!before && !after) return;
    this.sequence += 1n;
    const eventName = !before ? 'INSERT' : !after ? 'REMOVE' : 'MODIFY';
    this.queue.push({
      eventID: this.sequence.toString(16),
      eventName,
      eventSource: 'aws:dynamodb',
      eventVersion: '1.1',
      awsRegion: 'us-east-1',
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
        Keys: keys as never,
        ...(after ? { NewImage: after as never } : {}),
        ...(before ? { OldImage: before as never } : {}),
        SequenceNumber: this.sequence.toString(),
        SizeBytes: 0,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
    if (this.queue.length >= this.batchSize) void this.startPump();
    else if (!this.window && !this.pumping) this.schedule();
  }

  private schedule(): void {
    this.window = setTimeout(() => {
      this.window = undefined;
      void this.startPump();
    }, this.batchWindowMs);
    this.window.unref();
  }

  /** Delivers one batch, then more while full ones wait; a partial rest waits for its window. */
  private async pump(): Promise<void> {
    try {
      for (
        let first = true;
        this.queue.length > 0 && (first || this.queue.length >= this.batchSize);
        first = false
      ) {
        const batch = this.queue.splice(0, this.batchSize);
        let pending = batch;
        for (let attempt = 0; attempt < 3 && pending.length > 0; attempt++) {
          const out = await this.consumer({ Records: pending }).catch(() => ({
            batchItemFailures: pending.map((r) => ({ itemIdentifier: r.dynamodb?.SequenceNumber ?? '' })),
          }));
          const failedIds = new Set(out.batchItemFailures.map((f) => f.itemIdentifier));
          pending = pending.filter((r) => failedIds.has(r.dynamodb?.SequenceNumber ?? ''));
        }
        // What still fails after three tries goes to the "DLQ" (the stack gives the real one an SQS queue).
        this.failed.push(...pending);
      }
    } finally {
      if (this.queue.length > 0 && !this.window) this.schedule();
    }
  }

  /**
   * The delivery in progress, or a new one. `pumping` is cleared in a `finally` callback, which always runs
   * after this assignment (a pump of an empty queue completes synchronously).
   */
  private startPump(): Promise<void> {
    this.pumping ??= this.pump().finally(() => {
      this.pumping = undefined;
    });
    return this.pumping;
  }
}
