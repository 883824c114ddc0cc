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
}

/** Stream sequence numbers are decimal strings of varying length; padded, they compare as strings. */
const seq = (s: string) => s.padStart(40, '0');

interface ItemChange {
  tenantId: string;
  day: string;
  delta: 1 | -1;
  sequence: string;
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
  };
}

/**
 * Applies one change to the tenant's running total and to the day's counters. Each of the two records
 * remembers the last stream sequence applied to it and refuses older or equal ones, so a batch the
 * Lambda service retries (streams deliver at least once) is not counted twice.
 */
async function apply(deps: UsageStreamDeps, change: ItemChange): Promise<void> {
  const pk = partitionKey(change.tenantId, ENTITIES.usage);
  let stored: number;
  try {
    const out = await deps.db.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: { pk, sk: USAGE_TOTAL_SK },
        UpdateExpression: 'ADD storedItems :d SET lastSeq = :seq',
        ConditionExpression: 'attribute_not_exists(lastSeq) OR lastSeq < :seq',
        ExpressionAttributeValues: { ':d': change.delta, ':seq': change.sequence },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    stored = Number(out.Attributes?.storedItems ?? 0);
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
    const current = await deps.db.send(
      new GetCommand({ TableName: deps.tableName, Key: { pk, sk: USAGE_TOTAL_SK }, ConsistentRead: true }),
    );
    stored = Number(current.Item?.storedItems ?? 0);
  }
  const counter = change.delta > 0 ? 'itemsCreated' : 'itemsDeleted';
  try {
    await deps.db.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: { pk, sk: usageDaySk(change.day) },
        UpdateExpression: `ADD ${counter} :one SET storedItems = :stored, lastSeq = :seq`,
        ConditionExpression: 'attribute_not_exists(lastSeq) OR lastSeq < :seq',
        ExpressionAttributeValues: { ':one': 1, ':stored': stored, ':seq': change.sequence },
      }),
    );
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
  }
}

/**
 * Processes a stream batch in order. On a failure it reports that record and everything after it
 * (`ReportBatchItemFailures`), so Lambda retries from there and order per tenant is kept.
 */
export function createUsageStreamHandler(deps: UsageStreamDeps) {
  const obs = deps.obs ?? observability('fastish-usage-stream');
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const records = event.Records ?? [];
    for (let i = 0; i < records.length; i++) {
      const record = records[i] as DynamoDBRecord;
      try {
        const change = itemChange(record);
        if (change) await apply(deps, change);
      } catch (err) {
        obs.logger.error('usage update failed', { error: err as Error, eventID: record.eventID });
        return {
          batchItemFailures: records
            .slice(i)
            .map((r) => ({ itemIdentifier: r.dynamodb?.SequenceNumber ?? '' })),
        };
      }
    }
    return { batchItemFailures: [] };
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
