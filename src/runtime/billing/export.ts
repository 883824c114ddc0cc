import { createHash } from 'node:crypto';
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { addDays, type PlanRequests, UsageStore, usageCsvRows, utcDay } from '../data/usage';
import type { Observability } from '../observability';
import type { RequestCounts } from './request-counts';
import { type ListedTenant, listTenants } from './tenants';

/** EventBridge `source` of the usage events. */
export const USAGE_EVENT_SOURCE = 'fastish.billing';
/** EventBridge `detail-type` of the usage events: one per tenant per UTC day. */
export const USAGE_EVENT_DETAIL_TYPE = 'Tenant Usage Day';

/** `detail` of a usage event (schema version 1; documented in docs/operations.md). */
export interface UsageEventDetail {
  schemaVersion: 1;
  /** Stable per tenant-day: `<tenantId>/<date>`. */
  usageId: string;
  /** 1 for the first figures of a tenant-day, 2, 3, … for corrections; consumers keep the highest. */
  revision: number;
  tenantId: string;
  /** UTC day, YYYY-MM-DD. */
  date: string;
  /** Requests API Gateway admitted with the tenant's key that day, all plans. */
  requests: number;
  /** The same per usage plan (tier): a tier change splits a day between plans. */
  requestsByPlan: PlanRequests;
  itemsCreated: number;
  itemsDeleted: number;
  /** Items stored at the end of the day. */
  storedItems: number;
  /** The day's CSV object in the export bucket. */
  export: { bucket: string; key: string };
}

export interface BillingDeps {
  db: DynamoDBDocumentClient;
  tableName: string;
  requestCounts: RequestCounts;
  s3: S3Client;
  bucket: string;
  events: EventBridgeClient;
  /** Event bus name or ARN. */
  eventBus: string;
  now?: () => Date;
  obs?: Observability;
  /**
   * Tenants processed at once (each costs one Query and at most two writes).
   * @default 8
   */
  concurrency?: number;
}

/** The export's object key of a day: Hive-style date partition, so Athena/Glue see `date` as a column. */
export const exportKey = (date: string) => `usage/date=${date}/usage.csv`;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Checks a requested day: a real calendar date, YYYY-MM-DD, not in the future. */
export function parseDay(value: unknown, today: string): string {
  if (typeof value !== 'string' || !DAY.test(value) || utcDay(new Date(`${value}T00:00:00Z`)) !== value)
    throw new Error(`date: expected a UTC day as YYYY-MM-DD, got ${JSON.stringify(value)}`);
  if (value > today) throw new Error(`date: ${value} is in the future (today is ${today} UTC)`);
  return value;
}

async function inBatches<T, R>(items: readonly T[], size: number, run: (item: T) => Promise<R>) {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(...(await Promise.all(items.slice(i, i + size).map(run))));
  return out;
}

export interface CollectResult {
  days: string[];
  /** Tenant-days whose request figures changed. */
  updated: number;
}

/**
 * Copies the request counts of `days` from the usage plans into the tenants' usage items (one Query and at
 * most one write per tenant-day with requests). Runs every 15 minutes for yesterday and today, so
 * `GET /usage` shows today's requests with that lag plus API Gateway's own.
 */
export async function collectRequests(deps: BillingDeps, from: string, to: string): Promise<CollectResult> {
  const counts = await deps.requestCounts.requests(from, to);
  const work = [...counts].flatMap(([day, tenants]) =>
    [...tenants].map(([tenantId, plans]) => ({ day, tenantId, plans })),
  );
  const changed = await inBatches(work, deps.concurrency ?? 8, async ({ day, tenantId, plans }) => {
    const store = new UsageStore(deps.db, deps.tableName, tenantId);
    const current = await store.day(day);
    return (await store.recordRequests(current, plans)) !== current;
  });
  const days: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) days.push(d);
  return { days, updated: changed.filter(Boolean).length };
}

export interface ExportResult {
  date: string;
  bucket: string;
  key: string;
  /** Tenant-days in the CSV (and with an event, now or on an earlier run). */
  rows: number;
  /** Events put this run: first figures or corrections. */
  published: number;
  /** Tenant-days whose figures were published before, unchanged. */
  unchanged: number;
}

export interface ExportRow extends UsageEventDetail {
  digest: string;
  previous?: string;
}

/** The figures that are billed; a change of any of them is a correction (a new revision). */
export function usageDigest(r: Omit<UsageEventDetail, 'schemaVersion' | 'usageId' | 'revision' | 'export'>) {
  const plans = Object.fromEntries(Object.entries(r.requestsByPlan).sort(([a], [b]) => a.localeCompare(b)));
  const figures = [r.tenantId, r.date, r.requests, plans, r.itemsCreated, r.itemsDeleted, r.storedItems];
  return createHash('sha256').update(JSON.stringify(figures)).digest('hex');
}

/** Offboarded tenants appear only on days they still had usage. */
const billable = (
  t: ListedTenant,
  r: { requests: number; itemsCreated: number; itemsDeleted: number; storedItems: number },
) => t.status !== 'offboarded' || r.requests + r.itemsCreated + r.itemsDeleted + r.storedItems > 0;

/**
 * The daily billing export of one UTC day (normally yesterday):
 * 1. the day's request counts from the usage plans into the usage items (as `collectRequests`);
 * 2. every tenant from the tenant index (no Scan) and its day (one Query each);
 * 3. one CSV for all tenants to `usage/date=<day>/usage.csv` (overwritten by a re-run: same key);
 * 4. one EventBridge event per tenant-day whose figures were not published yet or changed since
 *    (`revision` + 1), then the day item records what was published (`billedDigest`).
 * A re-run with unchanged figures writes the same object and puts no event. An event whose put succeeded
 * but whose record failed is put again by the next run with the same `revision` (at least once: consumers
 * deduplicate on `usageId` + `revision`).
 */
export async function exportDay(deps: BillingDeps, date: string): Promise<ExportResult> {
  const now = deps.now ?? (() => new Date());
  const key = exportKey(date);
  const [tenants, counts] = await Promise.all([
    listTenants(deps.db, deps.tableName),
    deps.requestCounts.requests(date, date),
  ]);
  const byTenant = counts.get(date) ?? new Map<string, PlanRequests>();
  const rows = (
    await inBatches(tenants, deps.concurrency ?? 8, async (tenant): Promise<ExportRow | undefined> => {
      const store = new UsageStore(deps.db, deps.tableName, tenant.tenantId);
      const day = await store.recordRequests(await store.day(date), byTenant.get(tenant.tenantId) ?? {});
      if (!billable(tenant, day)) return undefined;
      const figures = {
        tenantId: tenant.tenantId,
        date,
        requests: day.requests,
        requestsByPlan: day.requestsByPlan,
        itemsCreated: day.itemsCreated,
        itemsDeleted: day.itemsDeleted,
        storedItems: day.storedItems,
      };
      const digest = usageDigest(figures);
      return {
        schemaVersion: 1,
        usageId: `${tenant.tenantId}/${date}`,
        revision: digest === day.billedDigest ? day.billedRevision : day.billedRevision + 1,
        ...figures,
        export: { bucket: deps.bucket, key },
        digest,
        ...(day.billedDigest ? { previous: day.billedDigest } : {}),
      };
    })
  ).filter((r): r is ExportRow => r !== undefined);

  await deps.s3.send(
    new PutObjectCommand({
      Bucket: deps.bucket,
      Key: key,
      Body: usageCsvRows(rows.map((r) => ({ tenantId: r.tenantId, day: r }))),
      ContentType: 'text/csv; charset=utf-8',
    }),
  );

  const pending = rows.filter((r) => r.digest !== r.previous);
  const failures: string[] = [];
  for (let i = 0; i < pending.length; i += 10) {
    const chunk = pending.slice(i, i + 10);
    const out = await deps.events.send(
      new PutEventsCommand({
        Entries: chunk.map(({ digest: _d, previous: _p, ...detail }) => ({
          EventBusName: deps.eventBus,
          Source: USAGE_EVENT_SOURCE,
          DetailType: USAGE_EVENT_DETAIL_TYPE,
          Detail: JSON.stringify(detail),
          Time: now(),
        })),
      }),
    );
    const results = out.Entries ?? [];
    await Promise.all(
      chunk.map(async (row, j) => {
        const result = results[j];
        if (!result?.EventId || result.ErrorCode) {
          failures.push(
            `${row.usageId}: ${result?.ErrorCode ?? 'no result'} ${result?.ErrorMessage ?? ''}`.trim(),
          );
          return;
        }
        const store = new UsageStore(deps.db, deps.tableName, row.tenantId);
        await store.markBilled({ ...row, billedRevision: row.revision }, row.digest, row.revision, now());
      }),
    );
  }
  const result = {
    date,
    bucket: deps.bucket,
    key,
    rows: rows.length,
    published: pending.length - failures.length,
    unchanged: rows.length - pending.length,
  };
  deps.obs?.logger.info('billing export', { ...result, failed: failures.length });
  if (failures.length > 0)
    throw new Error(
      `billing export ${date}: ${failures.length} event(s) not put (a re-run puts them): ${failures.join('; ')}`,
    );
  return result;
}
