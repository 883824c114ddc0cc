import { createHash } from 'node:crypto';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ApiError, isConditionFailed } from '../errors';
import { ENTITIES, partitionKey } from './keys';

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A claimed key stays locked this long; a request that crashed mid-way stops blocking retries after it. */
const LOCK_SECONDS = 30;

/** JSON with sorted keys, so the same request body hashes the same whatever the key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function requestFingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${path}\n${canonical(body)}`)
    .digest('hex');
}

/**
 * Idempotency keys of one tenant (`Idempotency-Key` header). The first request claims the key with a
 * conditional put; a retry with the same fingerprint gets the stored response; a different request under
 * the same key is refused (422) rather than answered with someone else's result. Records expire by TTL.
 */
export class IdempotencyStore {
  private readonly pk: string;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    tenantId: string,
    private readonly ttlSeconds: number,
  ) {
    this.pk = partitionKey(tenantId, ENTITIES.idempotency);
  }

  /** Claims the key; returns the stored response when this is a replay of a completed request. */
  async begin(key: string, fingerprint: string, now: Date): Promise<StoredResponse | undefined> {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: this.pk,
            sk: key,
            fingerprint,
            state: 'in_progress',
            lockedUntil: nowSeconds + LOCK_SECONDS,
            expiresAt: nowSeconds + this.ttlSeconds,
          },
          // TTL deletion lags, so an expired record counts as absent; a stale lock of the same request is taken over.
          ConditionExpression:
            'attribute_not_exists(pk) OR expiresAt < :now OR (#state = :progress AND lockedUntil < :now AND fingerprint = :fp)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':now': nowSeconds, ':progress': 'in_progress', ':fp': fingerprint },
        }),
      );
      return undefined;
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
    }
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { pk: this.pk, sk: key }, ConsistentRead: true }),
    );
    const record = out.Item;
    if (!record) throw new ApiError('idempotency_in_progress', 'Idempotency key is being processed; retry');
    if (record.fingerprint !== fingerprint) {
      throw new ApiError('idempotency_key_reused', 'Idempotency key was used with a different request');
    }
    if (record.state !== 'completed') {
      throw new ApiError('idempotency_in_progress', 'A request with this idempotency key is in progress');
    }
    return record.response as StoredResponse;
  }

  async complete(key: string, fingerprint: string, response: StoredResponse): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: this.pk, sk: key },
        UpdateExpression: 'SET #state = :done, #response = :response REMOVE lockedUntil',
        ConditionExpression: 'fingerprint = :fp AND #state = :progress',
        ExpressionAttributeNames: { '#state': 'state', '#response': 'response' },
        ExpressionAttributeValues: {
          ':done': 'completed',
          ':response': response,
          ':fp': fingerprint,
          ':progress': 'in_progress',
        },
      }),
    );
  }

  /** Releases the key after a failed request, so the client can retry it. */
  async abandon(key: string, fingerprint: string): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { pk: this.pk, sk: key },
          ConditionExpression: 'fingerprint = :fp AND #state = :progress',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':fp': fingerprint, ':progress': 'in_progress' },
        }),
      );
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
    }
  }
}
