import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed } from '../errors';
import type { UsageDay } from '../schemas';
import { ENTITIES, partitionKey, USAGE_DAY_PREFIX, usageDaySk } from './keys';

export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return utcDay(d);
}

/** Whole days from `from` to `to` (0 when equal). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/** Requests per usage plan (tier) of one tenant-day, as API Gateway counted them for the tenant's key. */
export type PlanRequests = Readonly<Record<string, number>>;

/** One tenant-day as billing sees it: the counters, the stored items at its end, and what was billed. */
export interface UsageDayRecord extends UsageDay {
  requestsByPlan: PlanRequests;
  /** Digest of the figures last published for this day (billing export), if any. */
  billedDigest?: string;
  /** How many times figures of this day were published (1 = first, 2+ = corrections). */
  billedRevision: number;
}

/**
 * Usage records of one tenant, one item per UTC day (`day#YYYY-MM-DD`) in the tenant's usage partition.
 * Nothing on the request path writes here. Three writers own disjoint attributes:
 * - the stream consumer (usage-stream.ts): `itemsCreated`, `itemsDeleted`, `storedItems` (once per tenant
 *   per stream batch, in one transaction with the tenant's running total);
 * - the usage collector (billing/collect.ts): `requests` and `requestsByPlan`, copied from API Gateway's
 *   usage plans (which count and enforce the daily quota per tenant API key);
 * - the billing export: `billedDigest`, `billedRevision`, `billedAt`.
 * Every writer that creates a day item also sets `storedItems` (carried forward when it has no change of
 * its own), so the newest item at or before a day always knows the items stored at that day's end.
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

  /**
   * One row per day in [from, to] with ONE Query: newest first from `to`, at most one item more than the
   * days asked for, so the result holds every day item in the range plus the newest one before it (whose
   * `storedItems` carries into the first days).
   */
  async report(from: string, to: string): Promise<UsageDay[]> {
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :to',
        ExpressionAttributeValues: { ':pk': this.pk, ':lo': USAGE_DAY_PREFIX, ':to': usageDaySk(to) },
        ScanIndexForward: false,
        Limit: daysBetween(from, to) + 2,
      }),
    );
    const rows = page.Items ?? [];
    const byDay = new Map<string, Record<string, unknown>>();
    let stored = 0;
    for (const row of rows) {
      const day = String(row.sk).slice(USAGE_DAY_PREFIX.length);
      if (day >= from) byDay.set(day, row);
      else if (typeof row.storedItems === 'number') {
        stored = row.storedItems; // the newest day before the range that knows its stored items
        break;
      }
    }
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

  /** One day with ONE Query (the newest day item at or before it): its counters and stored items. */
  async day(day: string): Promise<UsageDayRecord> {
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :day',
        ExpressionAttributeValues: { ':pk': this.pk, ':lo': USAGE_DAY_PREFIX, ':day': usageDaySk(day) },
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    const row = page.Items?.[0];
    const own = row?.sk === usageDaySk(day) ? row : undefined;
    const byPlan = own?.requestsByPlan;
    return {
      date: day,
      requests: num(own?.requests),
      itemsCreated: num(own?.itemsCreated),
      itemsDeleted: num(own?.itemsDeleted),
      storedItems: num(row?.storedItems),
      requestsByPlan: byPlan && typeof byPlan === 'object' ? (byPlan as PlanRequests) : {},
      ...(typeof own?.billedDigest === 'string' ? { billedDigest: own.billedDigest } : {}),
      billedRevision: num(own?.billedRevision),
    };
  }

  /**
   * Records the day's requests per plan (the collector's copy of API Gateway's counts), never lowering a
   * plan's figure: a count read later is never smaller, and a key that left a plan mid-day (tier change)
   * may no longer be reported in it. Returns the merged figures; writes nothing when they did not change.
   */
  async recordRequests(current: UsageDayRecord, counted: PlanRequests): Promise<UsageDayRecord> {
    const merged: Record<string, number> = { ...current.requestsByPlan };
    let changed = false;
    for (const [plan, n] of Object.entries(counted)) {
      if (n > (merged[plan] ?? 0)) {
        merged[plan] = n;
        changed = true;
      }
    }
    if (!changed) return current;
    const requests = Object.values(merged).reduce((s, n) => s + n, 0);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: this.pk, sk: usageDaySk(current.date) },
          UpdateExpression:
            'SET requestsByPlan = :plans, requests = :requests, storedItems = if_not_exists(storedItems, :stored)',
          // A concurrent collection that saw more requests wins.
          ConditionExpression: 'attribute_not_exists(requests) OR requests <= :requests',
          ExpressionAttributeValues: {
            ':plans': merged,
            ':requests': requests,
            ':stored': current.storedItems,
          },
        }),
      );
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      return current;
    }
    return { ...current, requestsByPlan: merged, requests };
  }

  /** Marks the day's figures as published under `digest` (the billing export's idempotency record). */
  async markBilled(current: UsageDayRecord, digest: string, revision: number, at: Date): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: this.pk, sk: usageDaySk(current.date) },
        UpdateExpression:
          'SET billedDigest = :digest, billedRevision = :revision, billedAt = :at, storedItems = if_not_exists(storedItems, :stored)',
        ExpressionAttributeValues: {
          ':digest': digest,
          ':revision': revision,
          ':at': at.toISOString(),
          ':stored': current.storedItems,
        },
      }),
    );
  }
}

/** CSV for billing imports: one header line, one line per tenant-day, RFC 4180 line endings. */
export function usageCsvRows(rows: readonly { tenantId: string; day: UsageDay }[]): string {
  const lines = ['tenant_id,date,requests,items_created,items_deleted,stored_items'];
  for (const { tenantId, day: d } of rows) {
    lines.push([tenantId, d.date, d.requests, d.itemsCreated, d.itemsDeleted, d.storedItems].join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** One tenant's days as CSV (the same columns as the daily billing export). */
export function usageCsv(tenantId: string, days: UsageDay[]): string {
  return usageCsvRows(days.map((day) => ({ tenantId, day })));
}
