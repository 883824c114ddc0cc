import { APIGatewayClient, GetUsageCommand, GetUsagePlanKeysCommand } from '@aws-sdk/client-api-gateway';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureTable, type LocalDynamo, startDynalite } from '../../src/dev/dynalite';
import {
  type BillingDeps,
  collectRequests,
  exportDay,
  USAGE_EVENT_DETAIL_TYPE,
  USAGE_EVENT_SOURCE,
  type UsageEventDetail,
} from '../../src/runtime/billing/export';
import {
  ApiGatewayRequestCounts,
  addCount,
  type DailyRequests,
} from '../../src/runtime/billing/request-counts';
import { listTenants } from '../../src/runtime/billing/tenants';
import { runBilling } from '../../src/runtime/billing-export';
import { TRANSLATE_CONFIG } from '../../src/runtime/data/tenant-clients';
import { UsageStore } from '../../src/runtime/data/usage';

const TABLE = 'fastish-billing';
const DAY = '2026-03-01';
let dynamo: LocalDynamo;
let admin: DynamoDBDocumentClient;
/** The billing function's client. */
let billing: DynamoDBDocumentClient;
/** DynamoDB commands the billing client sent, by name. */
let sent: string[];
const s3 = mockClient(S3Client);
const events = mockClient(EventBridgeClient);

/** Request counts as the usage plans would report them (settable per test). */
let counted: DailyRequests;
const requestCounts = { requests: async () => counted };

const deps = (): BillingDeps => ({
  db: billing,
  tableName: TABLE,
  requestCounts,
  s3: new S3Client({ region: 'eu-west-1' }),
  bucket: 'billing-bucket',
  events: new EventBridgeClient({ region: 'eu-west-1' }),
  eventBus: 'default',
  now: () => new Date('2026-03-02T02:15:00Z'),
});

const tenant = (tenantId: string, tier: string, status = 'active') =>
  admin.send(
    new PutCommand({
      TableName: TABLE,
      Item: { pk: `${tenantId}#tenant`, sk: 'profile', tenantId, tier, status, name: tenantId },
    }),
  );
const usageDay = (tenantId: string, day: string, figures: Record<string, number>) =>
  admin.send(
    new PutCommand({ TableName: TABLE, Item: { pk: `${tenantId}#usage`, sk: `day#${day}`, ...figures } }),
  );

const putObjects = () => s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
const putEvents = () => events.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries ?? []);
const details = () => putEvents().map((e) => JSON.parse(String(e.Detail)) as UsageEventDetail);

beforeAll(async () => {
  dynamo = await startDynalite();
  await ensureTable(dynamo.client(), TABLE);
  admin = DynamoDBDocumentClient.from(dynamo.client(), TRANSLATE_CONFIG);
  // The billing role's confinement to its usage attributes is data.test.ts's; here every call is counted.
  const counting = dynamo.client();
  counting.middlewareStack.add(
    (next, context) => async (args) => {
      const input = (args as { input: { IndexName?: string } }).input;
      sent.push(
        `${String((context as { commandName?: string }).commandName)}${input.IndexName ? '(index)' : ''}`,
      );
      return next(args);
    },
    { step: 'initialize', name: 'countBilling' },
  );
  billing = DynamoDBDocumentClient.from(counting, TRANSLATE_CONFIG);

  await tenant('alpha', 'basic');
  await tenant('bravo', 'premium');
  await tenant('charlie', 'standard', 'suspended');
  await tenant('delta', 'basic', 'offboarded');
  // alpha: items changed on the day; bravo: changed the day before (stored carries forward); charlie: nothing.
  await usageDay('alpha', DAY, { itemsCreated: 4, itemsDeleted: 1, storedItems: 3 });
  await usageDay('bravo', '2026-02-27', { itemsCreated: 7, itemsDeleted: 0, storedItems: 7 });
  // Items that are not tenant profiles have no `tier`: they are not in the index.
  await admin.send(new PutCommand({ TableName: TABLE, Item: { pk: 'alpha#item', sk: 'x', name: 'tier' } }));
});

afterAll(async () => {
  await dynamo.stop();
});

beforeEach(() => {
  sent = [];
  s3.reset();
  events.reset();
  s3.on(PutObjectCommand).resolves({});
  events.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map((_, i) => ({ EventId: `e${i}` })),
  }));
  counted = new Map();
  addCount(counted, DAY, 'alpha', 'basic', 40);
  addCount(counted, DAY, 'bravo', 'standard', 5);
  addCount(counted, DAY, 'bravo', 'premium', 20);
});

describe('the daily billing export', () => {
  it('lists tenants from the sparse tenant index, without a Scan', async () => {
    const tenants = await listTenants(billing, TABLE);
    expect(tenants.map((t) => `${t.tenantId}:${t.tier}:${t.status}`)).toEqual([
      'alpha:basic:active',
      'bravo:premium:active',
      'charlie:standard:suspended',
      'delta:basic:offboarded',
    ]);
    expect(sent).toEqual(['QueryCommand(index)', 'QueryCommand(index)', 'QueryCommand(index)']);
  });

  it('writes one CSV per day under usage/date=YYYY-MM-DD/ and one event per tenant-day', async () => {
    const result = await exportDay(deps(), DAY);
    expect(result).toMatchObject({ key: `usage/date=${DAY}/usage.csv`, rows: 3, published: 3, unchanged: 0 });
    const [object, ...more] = putObjects();
    expect(more).toEqual([]);
    expect(object).toMatchObject({ Bucket: 'billing-bucket', Key: `usage/date=${DAY}/usage.csv` });
    // delta is offboarded with no usage that day: not billed.
    expect(object?.Body).toBe(
      [
        'tenant_id,date,requests,items_created,items_deleted,stored_items',
        `alpha,${DAY},40,4,1,3`,
        `bravo,${DAY},25,0,0,7`,
        `charlie,${DAY},0,0,0,0`,
        '',
      ].join('\r\n'),
    );
    expect(putEvents().every((e) => e.Source === USAGE_EVENT_SOURCE)).toBe(true);
    expect(putEvents().every((e) => e.DetailType === USAGE_EVENT_DETAIL_TYPE)).toBe(true);
    expect(putEvents().every((e) => e.EventBusName === 'default')).toBe(true);
    expect(details().find((d) => d.tenantId === 'bravo')).toEqual({
      schemaVersion: 1,
      usageId: `bravo/${DAY}`,
      revision: 1,
      tenantId: 'bravo',
      date: DAY,
      requests: 25,
      requestsByPlan: { standard: 5, premium: 20 },
      itemsCreated: 0,
      itemsDeleted: 0,
      storedItems: 7,
      export: { bucket: 'billing-bucket', key: `usage/date=${DAY}/usage.csv` },
    });
    expect(
      details()
        .map((d) => d.usageId)
        .sort(),
    ).toEqual([`alpha/${DAY}`, `bravo/${DAY}`, `charlie/${DAY}`]);
    // The requests are kept in the usage day (what GET /usage shows), with the published figures' mark.
    const [alpha] = await new UsageStore(admin, TABLE, 'alpha').report(DAY, DAY);
    expect(alpha).toEqual({ date: DAY, requests: 40, itemsCreated: 4, itemsDeleted: 1, storedItems: 3 });
    const stored = await admin.send(
      new GetCommand({ TableName: TABLE, Key: { pk: 'alpha#usage', sk: `day#${DAY}` } }),
    );
    expect(stored.Item).toMatchObject({ billedRevision: 1, requestsByPlan: { basic: 40 } });
    expect(sent.filter((c) => c.startsWith('Scan'))).toEqual([]);
  });

  it('re-runs idempotently: the same object, no event; changed figures are a new revision', async () => {
    await exportDay(deps(), DAY);
    const first = putObjects()[0]?.Body;
    s3.resetHistory();
    events.resetHistory();
    const again = await exportDay(deps(), DAY);
    expect(again).toMatchObject({ rows: 3, published: 0, unchanged: 3 });
    expect(putObjects().map((o) => [o.Key, o.Body])).toEqual([[`usage/date=${DAY}/usage.csv`, first]]);
    expect(putEvents()).toEqual([]);

    // Late usage data: API Gateway reports more requests for alpha than at the first export.
    events.resetHistory();
    addCount(counted, DAY, 'alpha', 'basic', 2);
    const corrected = await exportDay(deps(), DAY);
    expect(corrected).toMatchObject({ published: 1, unchanged: 2 });
    expect(details()).toMatchObject([{ usageId: `alpha/${DAY}`, revision: 2, requests: 42 }]);
    expect(sent.filter((c) => c.startsWith('Scan'))).toEqual([]);
  });

  it('never lowers a count it recorded (a key that left a plan may no longer be reported in it)', async () => {
    counted = new Map();
    addCount(counted, DAY, 'bravo', 'premium', 20); // the standard-plan part is gone from the report
    await exportDay(deps(), DAY);
    const [bravo] = await new UsageStore(admin, TABLE, 'bravo').report(DAY, DAY);
    expect(bravo?.requests).toBe(25);
  });

  it('puts again only the events that failed, and fails the run so the schedule retries', async () => {
    await usageDay('echo', DAY, { itemsCreated: 1, itemsDeleted: 0, storedItems: 1 });
    await tenant('echo', 'basic');
    events.on(PutEventsCommand).callsFake((input: { Entries: { Detail: string }[] }) => ({
      FailedEntryCount: 1,
      Entries: input.Entries.map((e, i) =>
        JSON.parse(e.Detail).tenantId === 'echo'
          ? { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }
          : { EventId: `e${i}` },
      ),
    }));
    await expect(exportDay(deps(), DAY)).rejects.toThrow(/echo\/2026-03-01: InternalFailure/);
    events.reset();
    events.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
      FailedEntryCount: 0,
      Entries: input.Entries.map((_, i) => ({ EventId: `e${i}` })),
    }));
    await exportDay(deps(), DAY);
    expect(details().map((d) => d.usageId)).toEqual([`echo/${DAY}`]);
  });

  it('collects request counts into the usage days with one Query and at most one write per tenant-day', async () => {
    counted = new Map();
    addCount(counted, '2026-03-02', 'alpha', 'basic', 3);
    addCount(counted, '2026-03-02', 'charlie', 'standard', 9);
    const out = await collectRequests(deps(), '2026-03-01', '2026-03-02');
    expect(out).toEqual({ days: ['2026-03-01', '2026-03-02'], updated: 2 });
    expect(sent.sort()).toEqual(['QueryCommand', 'QueryCommand', 'UpdateItemCommand', 'UpdateItemCommand']);
    sent = [];
    // Nothing changed since: reads only.
    expect(await collectRequests(deps(), '2026-03-01', '2026-03-02')).toMatchObject({ updated: 0 });
    expect(sent).toEqual(['QueryCommand', 'QueryCommand']);
    const [, today] = await new UsageStore(admin, TABLE, 'charlie').report('2026-03-01', '2026-03-02');
    expect(today).toMatchObject({ requests: 9, storedItems: 0 });
  });
});

describe('the billing function', () => {
  it('exports yesterday by default and refuses a malformed or future date, naming the field', async () => {
    await expect(runBilling(deps(), {})).resolves.toMatchObject({ date: DAY });
    await expect(runBilling(deps(), { action: 'export', date: '2026-02-30' })).rejects.toThrow(
      'date: expected a UTC day as YYYY-MM-DD, got "2026-02-30"',
    );
    await expect(runBilling(deps(), { action: 'export', date: '2026-03-03' })).rejects.toThrow(
      'date: 2026-03-03 is in the future (today is 2026-03-02 UTC)',
    );
    await expect(runBilling(deps(), { action: 'bill' })).rejects.toThrow(
      'action: expected "collect" or "export", got "bill"',
    );
  });
});

describe('request counts from API Gateway usage plans', () => {
  it('maps each plan key to its tenant by name and each day of the range to its date', async () => {
    const apigw = mockClient(APIGatewayClient);
    apigw.on(GetUsagePlanKeysCommand, { usagePlanId: 'p-basic' }).resolves({
      items: [
        { id: 'k1', name: 'alpha' },
        { id: 'k2', name: 'bravo' },
      ],
    });
    apigw
      .on(GetUsagePlanKeysCommand, { usagePlanId: 'p-premium' })
      .resolves({ items: [{ id: 'k2', name: 'bravo' }] });
    apigw
      .on(GetUsagePlanKeysCommand, { usagePlanId: 'p-standard' })
      .resolves({ items: [{ id: 'k3', name: 'charlie', value: 'v3' }] });
    apigw
      .on(GetUsageCommand, { usagePlanId: 'p-basic', position: undefined })
      .resolves({
        startDate: '2026-03-01',
        items: {
          k1: [
            [10, 90],
            [0, 100],
          ],
        },
        position: 'next',
      })
      .on(GetUsageCommand, { usagePlanId: 'p-basic', position: 'next' })
      .resolves({
        startDate: '2026-03-01',
        items: {
          k2: [
            [1, 99],
            [2, 98],
          ],
          // A deleted key (offboarded tenant) is no longer among the plan's keys: not attributed.
          gone: [[7, 93]],
        },
      })
      .on(GetUsageCommand, { usagePlanId: 'p-premium' })
      .resolves({
        startDate: '2026-03-01',
        items: {
          k2: [
            [0, 1000],
            [5, 995],
          ],
        },
      })
      .on(GetUsageCommand, { usagePlanId: 'p-standard' })
      .resolves({
        startDate: '2026-03-01',
        items: {
          v3: [
            [0, 50],
            [4, 46],
          ],
        },
      });
    const counts = await new ApiGatewayRequestCounts({
      client: new APIGatewayClient({ region: 'eu-west-1' }),
      planIds: async () => ({ basic: 'p-basic', standard: 'p-standard', premium: 'p-premium' }),
    }).requests('2026-03-01', '2026-03-02');
    const plain = Object.fromEntries([...counts].map(([day, tenants]) => [day, Object.fromEntries(tenants)]));
    expect(plain).toEqual({
      '2026-03-01': { alpha: { basic: 10 }, bravo: { basic: 1 } },
      '2026-03-02': { bravo: { basic: 2, premium: 5 }, charlie: { standard: 4 } },
    });
    apigw.restore();
  });
});
