import { DeleteCommand, type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ApiError, isConditionFailed } from '../errors';
import type { Item, ItemInput } from '../schemas';
import type { TransactPut } from './idempotency';
import { newItemId } from './ids';
import { ENTITIES, partitionKey } from './keys';
import { Partition } from './partition';

type ItemRecord = Item & { pk: string; sk: string };

function toItem(record: Record<string, unknown>): Item {
  const { pk: _pk, sk: _sk, ...item } = record as ItemRecord;
  return item;
}

/** Items of one tenant. Every write is conditional, so nothing is created twice or overwritten unseen. */
export class ItemStore {
  private readonly pk: string;
  private readonly partition: Partition;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    tenantId: string,
  ) {
    this.pk = partitionKey(tenantId, ENTITIES.item);
    this.partition = new Partition(db, table, this.pk);
  }

  /** A new item (id and timestamps from `now`), not yet stored: `create` or `insertRequest` stores it. */
  build(input: ItemInput, userId: string, now: Date): Item {
    const at = now.toISOString();
    return {
      id: newItemId(now.getTime()),
      name: input.name,
      ...(input.description === undefined ? {} : { description: input.description }),
      attributes: input.attributes ?? {},
      version: 1,
      createdAt: at,
      updatedAt: at,
      createdBy: userId,
    };
  }

  async create(input: ItemInput, userId: string, now: Date): Promise<Item> {
    const item = this.build(input, userId, now);
    await this.partition.insert(item.id, item);
    return item;
  }

  /** The conditional put that stores `item`, for a transaction (an idempotent create). */
  insertRequest(item: Item): TransactPut {
    return this.partition.insertRequest(item.id, item);
  }

  async get(id: string): Promise<Item | undefined> {
    const row = await this.partition.get(id);
    return row ? toItem(row) : undefined;
  }

  async list(limit: number, afterSk?: string): Promise<{ items: Item[]; lastSk?: string }> {
    const page = await this.partition.page(limit, afterSk);
    return { items: page.rows.map(toItem), ...(page.lastSk ? { lastSk: page.lastSk } : {}) };
  }

  /** Replaces name/description/attributes if the stored version is `expectedVersion`. */
  async replace(id: string, input: ItemInput, expectedVersion: number, now: Date): Promise<Item> {
    const sets = ['#name = :name', 'attributes = :attrs', 'version = version + :one', 'updatedAt = :at'];
    const values: Record<string, unknown> = {
      ':name': input.name,
      ':attrs': input.attributes ?? {},
      ':one': 1,
      ':at': now.toISOString(),
      ':v': expectedVersion,
    };
    if (input.description !== undefined) {
      sets.push('description = :desc');
      values[':desc'] = input.description;
    }
    const expression = `SET ${sets.join(', ')}${input.description === undefined ? ' REMOVE description' : ''}`;
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: this.pk, sk: id },
          UpdateExpression: expression,
          ConditionExpression: 'attribute_exists(pk) AND version = :v',
          ExpressionAttributeNames: { '#name': 'name' },
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toItem(out.Attributes ?? {});
    } catch (err) {
      if (isConditionFailed(err)) throw await this.whyConditionFailed(id);
      throw err;
    }
  }

  async delete(id: string, expectedVersion?: number): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { pk: this.pk, sk: id },
          ConditionExpression:
            expectedVersion === undefined ? 'attribute_exists(pk)' : 'attribute_exists(pk) AND version = :v',
          ...(expectedVersion === undefined ? {} : { ExpressionAttributeValues: { ':v': expectedVersion } }),
        }),
      );
    } catch (err) {
      if (isConditionFailed(err)) throw await this.whyConditionFailed(id);
      throw err;
    }
  }

  private async whyConditionFailed(id: string): Promise<ApiError> {
    const current = await this.get(id);
    return current
      ? new ApiError('precondition_failed', `Item version is ${current.version}`)
      : new ApiError('not_found', 'Item not found');
  }
}
