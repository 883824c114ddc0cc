import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { ENV } from './contract';
import { ENTITIES, parsePartitionKey, partitionKey, USAGE_TOTAL_SK, usageDaySk } from './data/keys';
import { TRANSLATE_CONFIG } from './data/tenant-clients';
import { utcDay } from './data/usage';
import { isConditionFailed } from './errors';
import { type Observability, observability } from './observability';

export interface UsageStreamDeps {
  db: DynamoDBDocumentClient;
  tableName: string;
  obs?: Observability;
  /**
   * Tenants applied at once.
   * @default 16
   */
  concurrency?: number;
}

/** Stream sequence numbers are decimal strings of varying length; padded, they compare as strings. */
const seq = (s: string) => s.padStart(40, '0');

interface ItemChange {
  tenantId: string;
  day: string;
  delta: 1 | -1;
  sequence: string;
  /** The record's own (unpadded) sequence number, for partial-batch failure reports. */
  identifier: string;
}

/** Item creations and deletions; every other record kind (including usage itself) is not metered. */
export function itemChange(record: DynamoDBRecord): ItemChange | undefined {
  const keys = record.dynamodb?.Keys as Record<string, AttributeValue> | undefined;
  const pk = keys?.pk?.S;
  const sequence = record.dynamodb?.SequenceNumber;
  if (!pk || !sequence) return undefined;
  const parsed = parsePartitionKey(pk);
  if (!parsed || parsed.entity !== ENTITIES.item) return undefined;
  if (record.eventName !== 'INSERT' && record.eventName !== 'REMOVE') return undefined;
  const created = record.dynamodb?.ApproximateCreationDateTime;
  const image = record.eventName === 'INSERT' ? record.dynamodb?.NewImage : undefined;
  const at = image ? unmarshall(image as never).createdAt : undefined;
  const day =
    typeof at === 'string' ? at.slice(0, 10) : utcDay(created ? new Date(created * 1000) : new Date());
  return {
    tenantId: parsed.tenantId,
    day,
    delta: record.eventName === 'INSERT' ? 1 : -1,
    sequence: seq(sequence),
    identifier: sequence,
  };
}

/** One day's share of a tenant's batch. */
interface DayChanges {
  day: string;
  created: number;
  deleted: number;
  first: string;
  last: string;
}

/** Sums the changes (in stream order) per day, ascending; `after` drops those applied already. */
export function aggregate(changes: readonly ItemChange[], after?: string): DayChanges[] {
  const byDay = new Map<string, DayChanges>();
  for (const c of changes) {
    if (after !== undefined && c.sequence <= after) continue;
    const d = byDay.get(c.day) ?? { day: c.day, created: 0, deleted: 0, first: c.sequence, last: c.sequence };
    if (c.delta > 0) d.created += 1;
    else d.deleted += 1;
    if (c.sequence < d.first) d.first = c.sequence;
    if (c.sequence > d.last) d.last = c.sequence;
    byDay.set(c.day, d);
  }
  return [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day));
}

/**
 * Applies one tenant's share of a batch with a constant number of requests, however many records it has:
 * one read of the tenant's running total (`total`: stored items and the last stream sequence applied), one
 * `ADD` per changed day (usually one), one write of the total. Redelivery is safe (streams deliver at
 * least once, and a partly failed batch is retried from its first failure): records at or below the
 * total's sequence are skipped; a day remembers the last sequence it counted, and a day write that finds
 * it at or past this batch's first record re-reads it and adds only the records after it; the total is
 * written last, on the condition that nobody moved it since the read.
 */
async function applyTenant(deps: UsageStreamDeps, tenantId: string, changes: ItemChange[]): Promise<void> {
  const pk = partitionKey(tenantId, ENTITIES.usage);
  const read = async (sk: string) =>
    (await deps.db.send(new GetCommand({ TableName: deps.tableName, Key: { pk, sk }, ConsistentRead: true })))
      .Item;
  for (let attempt = 0; ; attempt++) {
    const total = await read(USAGE_TOTAL_SK);
    const lastSeq = typeof total?.lastSeq === 'string' ? total.lastSeq : undefined;
    const days = aggregate(changes, lastSeq);
    if (days.length === 0) return;
    let stored = Number(total?.storedItems ?? 0);
    for (const d of days) {
      stored += d.created - d.deleted;
      await addToDay(deps, pk, changes, d, stored, read);
    }
    try {
      await deps.db.send(
        new UpdateCommand({
          TableName: deps.tableName,
          Key: { pk, sk: USAGE_TOTAL_SK },
          UpdateExpression: 'SET storedItems = :stored, lastSeq = :last',
          ConditionExpression: lastSeq === undefined ? 'attribute_not_exists(lastSeq)' : 'lastSeq = :seen',
          ExpressionAttributeValues: {
            ':stored': stored,
            ':last': days.map((d) => d.last).sort()[days.length - 1],
            ...(lastSeq === undefined ? {} : { ':seen': lastSeq }),
          },
        }),
      );
      return;
    } catch (err) {
      // Another delivery of these records moved the total since the read: read again, skip what it applied.
      if (!isConditionFailed(err) || attempt >= 2) throw err;
    }
  }
}

/** Adds a day's counts once: on a redelivery, only the records after the last one the day counted. */
async function addToDay(
  deps: UsageStreamDeps,
  pk: string,
  changes: readonly ItemChange[],
  d: DayChanges,
  closing: number,
  read: (sk: string) => Promise<Record<string, unknown> | undefined>,
): Promise<void> {
  const sk = usageDaySk(d.day);
  const write = (part: DayChanges, condition: string, seen?: string) =>
    deps.db.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: { pk, sk },
        UpdateExpression: 'ADD itemsCreated :c, itemsDeleted :d SET storedItems = :stored, lastSeq = :last',
        ConditionExpression: condition,
        ExpressionAttributeValues: {
          ':c': part.created,
          ':d': part.deleted,
          ':stored': closing,
          ':last': part.last,
          ...(seen === undefined ? { ':first': part.first } : { ':seen': seen }),
        },
      }),
    );
  try {
    await write(d, 'attribute_not_exists(lastSeq) OR lastSeq < :first');
    return;
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
  }
  const seen = (await read(sk))?.lastSeq;
  if (typeof seen !== 'string') throw new Error(`usage day ${sk} refused a write but has no lastSeq`);
  const rest = aggregate(
    changes.filter((c) => c.day === d.day),
    seen,
  )[0];
  if (rest) await write(rest, 'lastSeq = :seen', seen);
}

/**
 * Processes a stream batch: item changes grouped per tenant, each tenant's applied with a constant number
 * of requests (one read, one write per changed day, one write of the total), tenants in parallel. When a tenant's
 * write fails, the batch reports that tenant's first record (`ReportBatchItemFailures`), so Lambda retries
 * from there; what other tenants applied is skipped on the retry by their totals' last sequence.
 */
export function createUsageStreamHandler(deps: UsageStreamDeps) {
  const obs = deps.obs ?? observability('fastish-usage-stream');
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const byTenant = new Map<string, ItemChange[]>();
    for (const record of event.Records ?? []) {
      const change = itemChange(record);
      if (!change) continue;
      const list = byTenant.get(change.tenantId) ?? [];
      list.push(change);
      byTenant.set(change.tenantId, list);
    }
    const failed: ItemChange[] = [];
    const tenants = [...byTenant];
    // A bounded number of tenants at once: a batch of 1,000 records may hold as many tenants.
    const worker = async () => {
      for (let next = tenants.shift(); next; next = tenants.shift()) {
        const [tenantId, changes] = next;
        try {
          await applyTenant(deps, tenantId, changes);
        } catch (err) {
          obs.logger.error('usage update failed', { error: err as Error, tenantId });
          failed.push(changes[0] as ItemChange);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(deps.concurrency ?? 16, tenants.length) }, worker));
    failed.sort((a, b) => a.sequence.localeCompare(b.sequence));
    return { batchItemFailures: failed.map((c) => ({ itemIdentifier: c.identifier })) };
  };
}

let instance: ReturnType<typeof createUsageStreamHandler> | undefined;

/** Lambda entry point: DynamoDB stream (NEW_AND_OLD_IMAGES) event source with ReportBatchItemFailures. */
export const handler = (event: DynamoDBStreamEvent) => {
  instance ??= createUsageStreamHandler({
    db: DynamoDBDocumentClient.from(new DynamoDBClient({}), TRANSLATE_CONFIG),
    tableName: process.env[ENV.tableName] ?? '',
  });
  return instance(event);
};
