import { createHash } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { ApiError } from '../errors';
import { ENTITIES, partitionKey } from './keys';

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

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

/** One more write of the same transaction (the item the request creates), as TransactWriteItems takes it. */
export interface TransactPut {
  Put: { TableName: string; Item: Record<string, unknown>; ConditionExpression?: string };
}

/** A reason from a cancelled transaction; the document client leaves `Item` marshalled. */
interface CancellationReason {
  Code?: string;
  Item?: Record<string, unknown>;
}

function reasonItem(reason: CancellationReason | undefined): Record<string, unknown> | undefined {
  const item = reason?.Item;
  if (!item) return undefined;
  const pk = item.pk as { S?: unknown } | undefined;
  return pk && typeof pk === 'object' && typeof pk.S === 'string'
    ? unmarshall(item as Record<string, AttributeValue>)
    : item;
}

/**
 * Idempotency keys of one tenant (`Idempotency-Key` header). A request writes its key's record, holding its
 * response, and what it creates in ONE transaction: both are stored or neither is, so there is no
 * "in progress" state to recover from and a retry can never see a key without its item. When the key's
 * record exists (and has not expired), the transaction is cancelled and DynamoDB returns that record
 * (`ReturnValuesOnConditionCheckFailure`): a retry with the same fingerprint gets the stored response; a
 * different request under the same key is refused (422) rather than answered with someone else's result.
 * Records expire by TTL.
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

  /**
   * Stores `write` and the key's record with `response` in one transaction (two writes); or, when the key
   * was used already, returns the response stored with it (nothing written).
   */
  async once(
    key: string,
    fingerprint: string,
    write: TransactPut,
    response: StoredResponse,
    now: Date,
  ): Promise<{ replayed?: StoredResponse }> {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: {
                  pk: this.pk,
                  sk: key,
                  fingerprint,
                  state: 'completed',
                  response,
                  expiresAt: nowSeconds + this.ttlSeconds,
                },
                // TTL deletion lags, so an expired record counts as absent. A record left `in_progress` by the
                // previous two-step protocol is taken over by the same request once its lock lapsed.
                ConditionExpression:
                  'attribute_not_exists(pk) OR expiresAt < :now OR (#state = :progress AND lockedUntil < :now AND fingerprint = :fp)',
                ExpressionAttributeNames: { '#state': 'state' },
                ExpressionAttributeValues: {
                  ':now': nowSeconds,
                  ':progress': 'in_progress',
                  ':fp': fingerprint,
                },
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
            write,
          ],
        }),
      );
      return {};
    } catch (err) {
      if (!(err instanceof Error) || err.name !== 'TransactionCanceledException') throw err;
      const reasons = (err as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [];
      const [keyReason, writeReason] = reasons;
      if (keyReason?.Code === 'ConditionalCheckFailed') {
        const record = reasonItem(keyReason);
        if (record && record.fingerprint !== fingerprint) {
          throw new ApiError('idempotency_key_reused', 'Idempotency key was used with a different request');
        }
        if (record?.state === 'completed' && record.response)
          return { replayed: record.response as StoredResponse };
        throw new ApiError('idempotency_in_progress', 'A request with this idempotency key is in progress');
      }
      // Another transaction on the same key at the same moment: the client retries and gets its replay.
      if (reasons.some((r) => r.Code === 'TransactionConflict'))
        throw new ApiError('idempotency_in_progress', 'Idempotency key is being processed; retry');
      if (writeReason?.Code === 'ConditionalCheckFailed') throw new Error('the created item exists already');
      throw err;
    }
  }
}
