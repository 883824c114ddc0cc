import { DeleteCommand, type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TenantRole } from '../contract';
import { ApiError, isConditionFailed } from '../errors';
import type { User } from '../schemas';
import { ENTITIES, partitionKey } from './keys';
import { Partition } from './partition';

function toUser(record: Record<string, unknown>): User {
  const { pk: _pk, sk: _sk, ...user } = record as User & { pk: string; sk: string };
  return user;
}

/** User records of one tenant, keyed by the Cognito `sub` (the `userId` in the authorizer context). */
export class UserStore {
  private readonly pk: string;
  private readonly partition: Partition;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    tenantId: string,
  ) {
    this.pk = partitionKey(tenantId, ENTITIES.user);
    this.partition = new Partition(db, table, this.pk);
  }

  async create(userId: string, email: string, role: TenantRole, now: Date): Promise<User> {
    const at = now.toISOString();
    const user: User = { userId, email, role, version: 1, createdAt: at, updatedAt: at };
    try {
      await this.partition.insert(userId, user);
    } catch (err) {
      if (isConditionFailed(err)) throw new ApiError('already_exists', 'User already exists');
      throw err;
    }
    return user;
  }

  async get(userId: string): Promise<User | undefined> {
    const row = await this.partition.get(userId);
    return row ? toUser(row) : undefined;
  }

  async list(limit: number, afterSk?: string): Promise<{ users: User[]; lastSk?: string }> {
    const page = await this.partition.page(limit, afterSk);
    return { users: page.rows.map(toUser), ...(page.lastSk ? { lastSk: page.lastSk } : {}) };
  }

  async setRole(userId: string, role: TenantRole, now: Date): Promise<User> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: this.pk, sk: userId },
          UpdateExpression: 'SET #role = :role, version = version + :one, updatedAt = :at',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#role': 'role' },
          ExpressionAttributeValues: { ':role': role, ':one': 1, ':at': now.toISOString() },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toUser(out.Attributes ?? {});
    } catch (err) {
      if (isConditionFailed(err)) throw new ApiError('not_found', 'User not found');
      throw err;
    }
  }

  /** Deletes the user's record in one conditional write and returns it; 404 when the tenant has no such user. */
  async delete(userId: string): Promise<User> {
    try {
      const out = await this.db.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { pk: this.pk, sk: userId },
          ConditionExpression: 'attribute_exists(pk)',
          ReturnValues: 'ALL_OLD',
        }),
      );
      return toUser(out.Attributes ?? {});
    } catch (err) {
      if (isConditionFailed(err)) throw new ApiError('not_found', 'User not found');
      throw err;
    }
  }

  /** Puts back a record `delete` removed (unless the user was created again meanwhile). */
  async restore(user: User): Promise<void> {
    try {
      await this.partition.insert(user.userId, user);
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
    }
  }
}
