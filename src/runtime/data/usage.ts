import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ApiError, isConditionFailed } from '../errors';
import type { UsageDay } from '../schemas';
import { ENTITIES, partitionKey, usageDaySk } from './keys';

export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return utcDay(d);
}

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/**
 * Usage records of one tenant, one per UTC day. The API counts requests here (the count doubles as the
 * daily quota); the stream consumer (usage-stream.ts) adds item creations/deletions and the stored-item
 * count. Both only ADD to counters, so concurrent writers never overwrite each other.
 */
export class UsageStore {
  private readonly pk: string;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    tenantId: string,
  ) {
    this.pk = partitionKey(tenantId, ENTITIES.usage);
  }

  /** Counts one request, refusing (429) once the day's count has reached the quota. */
  async countRequest(now: Date, quota: number): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: this.pk, sk: usageDaySk(utcDay(now)) },
          UpdateExpression: 'ADD requests :one',
          ConditionExpression: 'attribute_not_exists(requests) OR requests < :quota',
          ExpressionAttributeValues: { ':one': 1, ':quota': quota },
        }),
      );
    } catch (err) {
      if (isConditionFailed(err))
        throw new ApiError('quota_exceeded', `Daily request quota of ${quota} reached`);
      throw err;
    }
  }

  /** One row per day in [from, to]; stored items carry forward from the last day that changed them. */
  async report(from: string, to: string): Promise<UsageDay[]> {
    const before = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND sk < :from',
        ExpressionAttributeValues: { ':pk': this.pk, ':from': usageDaySk(from) },
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    let stored = num(before.Items?.[0]?.storedItems);
    const byDay = new Map<string, Record<string, unknown>>();
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': this.pk, ':from': usageDaySk(from), ':to': usageDaySk(to) },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const row of page.Items ?? []) byDay.set(String(row.sk).slice(4), row);
      start = page.LastEvaluatedKey;
    } while (start);
    const days: UsageDay[] = [];
    for (let day = from; day <= to; day = addDays(day, 1)) {
      const row = byDay.get(day);
      if (row && typeof row.storedItems === 'number') stored = row.storedItems;
      days.push({
        date: day,
        requests: num(row?.requests),
        itemsCreated: num(row?.itemsCreated),
        itemsDeleted: num(row?.itemsDeleted),
        storedItems: stored,
      });
    }
    return days;
  }
}

/** CSV for billing imports: one header line, one line per day, RFC 4180 line endings. */
export function usageCsv(tenantId: string, days: UsageDay[]): string {
  const lines = ['tenant_id,date,requests,items_created,items_deleted,stored_items'];
  for (const d of days) {
    lines.push([tenantId, d.date, d.requests, d.itemsCreated, d.itemsDeleted, d.storedItems].join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
