import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Tier } from '../contract';
import { ApiError, isConditionFailed } from '../errors';
import type { Tenant, TenantStatus } from '../schemas';
import { ENTITIES, partitionKey, TENANT_PROFILE_SK } from './keys';

function toTenant(record: Record<string, unknown>): Tenant {
  const {
    pk: _pk,
    sk: _sk,
    abandonedAt: _abandoned,
    ...tenant
  } = record as Tenant & { pk: string; sk: string; abandonedAt?: string };
  return tenant;
}

/** The profile record of one tenant: tier and lifecycle status (active → suspended ⇄ active → offboarding → offboarded). */
export class TenantStore {
  private readonly key: { pk: string; sk: string };

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly tenantId: string,
  ) {
    this.key = { pk: partitionKey(tenantId, ENTITIES.tenant), sk: TENANT_PROFILE_SK };
  }

  async get(): Promise<Tenant | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: this.key, ConsistentRead: true }),
    );
    return out.Item ? toTenant(out.Item) : undefined;
  }

  async create(input: { name: string; tier: Tier; adminEmail: string }, now: Date): Promise<Tenant> {
    const at = now.toISOString();
    const tenant: Tenant = {
      tenantId: this.tenantId,
      name: input.name,
      tier: input.tier,
      status: 'active',
      adminEmail: input.adminEmail,
      version: 1,
      createdAt: at,
      updatedAt: at,
    };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...this.key, ...tenant },
          // An offboarded tenant keeps its tombstone, so its id is never handed to someone else; only an
          // onboarding abandoned before the tenant had a key or an admin (`abandon`) may be repeated.
          ConditionExpression: 'attribute_not_exists(pk) OR attribute_exists(abandonedAt)',
        }),
      );
    } catch (err) {
      if (isConditionFailed(err)) throw new ApiError('already_exists', 'Tenant id is taken');
      throw err;
    }
    return tenant;
  }

  /**
   * Undoes an onboarding that failed after `create` (the API key or the directory refused): the record
   * becomes an offboarded tombstone marked abandoned, which a repeated onboarding may overwrite. Only the
   * untouched record `create` wrote (version 1, active) is abandoned.
   */
  async abandon(now: Date): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: this.key,
        UpdateExpression: 'SET #status = :gone, abandonedAt = :at, version = version + :one, updatedAt = :at',
        ConditionExpression: '#status = :active AND version = :one',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':gone': 'offboarded',
          ':active': 'active',
          ':one': 1,
          ':at': now.toISOString(),
        },
      }),
    );
  }

  /**
   * Sets the tier of an active or suspended tenant in one conditional write; 404 if there is no such
   * tenant, 409 otherwise (both found by a read on the failure path only). Returns the record before and
   * after, so a caller can undo the change.
   */
  async setTier(tier: Tier, now: Date): Promise<{ before: Tenant; after: Tenant }> {
    const at = now.toISOString();
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.key,
          UpdateExpression: 'SET tier = :tier, version = version + :one, updatedAt = :at',
          ConditionExpression: 'attribute_exists(pk) AND #status IN (:active, :suspended)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':tier': tier,
            ':one': 1,
            ':at': at,
            ':active': 'active',
            ':suspended': 'suspended',
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      const before = toTenant(out.Attributes ?? {});
      return { before, after: { ...before, tier, version: before.version + 1, updatedAt: at } };
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      const current = await this.get();
      if (!current) throw new ApiError('not_found', 'Tenant not found');
      throw new ApiError('conflict', `Tenant is ${current.status}; its tier cannot change`);
    }
  }

  /**
   * Moves the status from one of `from` to `to` in one conditional write; 404 if there is no such tenant,
   * 409 if the move is not allowed (both found by a read on the failure path only).
   */
  async transition(from: readonly TenantStatus[], to: TenantStatus, now: Date): Promise<Tenant> {
    const names = from.map((_, i) => `:from${i}`);
    const values: Record<string, unknown> = { ':to': to, ':one': 1, ':at': now.toISOString() };
    from.forEach((s, i) => {
      values[`:from${i}`] = s;
    });
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.key,
          UpdateExpression: 'SET #status = :to, version = version + :one, updatedAt = :at',
          ConditionExpression: `attribute_exists(pk) AND #status IN (${names.join(', ')})`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toTenant(out.Attributes ?? {});
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      const current = await this.get();
      if (!current) throw new ApiError('not_found', 'Tenant not found');
      throw new ApiError('conflict', `Tenant is ${current.status}; cannot become ${to}`);
    }
  }
}
