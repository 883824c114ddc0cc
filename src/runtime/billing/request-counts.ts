import {
  type APIGatewayClient,
  GetUsageCommand,
  type GetUsageCommandOutput,
  GetUsagePlanKeysCommand,
} from '@aws-sdk/client-api-gateway';
import type { Tier } from '../contract';
import type { PlanRequests } from '../data/usage';

/** Requests per day → tenant → usage plan (tier), for the days in [from, to]. */
export type DailyRequests = Map<string, Map<string, PlanRequests>>;

/**
 * Where request counts come from: the usage plans, which count every request API Gateway admits with a
 * tenant's API key (after the authorizer's Allow, throttle and quota checks). In AWS: `GetUsage`; locally:
 * the dev gateway's fake registry.
 */
export interface RequestCounts {
  requests(from: string, to: string): Promise<DailyRequests>;
}

const addDays = (day: string, n: number) => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};

/** Adds `n` requests of `tenantId` on `day` in `plan` to `out`. */
export function addCount(out: DailyRequests, day: string, tenantId: string, plan: string, n: number): void {
  if (n <= 0) return;
  const tenants = out.get(day) ?? new Map<string, PlanRequests>();
  const plans = tenants.get(tenantId) ?? {};
  tenants.set(tenantId, { ...plans, [plan]: (plans[plan] ?? 0) + n });
  out.set(day, tenants);
}

export interface ApiGatewayRequestCountsOptions {
  client: APIGatewayClient;
  /** Usage plan id per tier (the stack publishes them in an SSM parameter). */
  planIds: () => Promise<Record<Tier, string>>;
}

/**
 * `GetUsage` per tier plan: per API key, one `[used, remaining]` pair per day of the range. Keys are
 * named by tenant id (`ApiGatewayUsagePlanRegistry`), and `GetUsagePlanKeys` of this stack's own plans
 * maps key ids to names. A deleted key (offboarded tenant) is no longer in its plan: its usage after the
 * last collection is not attributed (see docs/operations.md, "Usage and billing").
 */
export class ApiGatewayRequestCounts implements RequestCounts {
  constructor(private readonly options: ApiGatewayRequestCountsOptions) {}

  async requests(from: string, to: string): Promise<DailyRequests> {
    const { client } = this.options;
    const out: DailyRequests = new Map();
    for (const [tier, usagePlanId] of Object.entries(await this.options.planIds())) {
      const names = new Map<string, string>();
      let position: string | undefined;
      do {
        const page = await client.send(new GetUsagePlanKeysCommand({ usagePlanId, limit: 500, position }));
        for (const key of page.items ?? []) {
          if (!key.name) continue;
          // GetUsage indexes by key id (its reference calls the index "an API key value"): accept either.
          if (key.id) names.set(key.id, key.name);
          if (key.value) names.set(key.value, key.name);
        }
        position = page.position;
      } while (position);
      position = undefined;
      do {
        const page: GetUsageCommandOutput = await client.send(
          new GetUsageCommand({ usagePlanId, startDate: from, endDate: to, limit: 500, position }),
        );
        // items: key id → one [used, remaining] pair per day from startDate.
        for (const [keyId, days] of Object.entries(page.items ?? {})) {
          const tenantId = names.get(keyId);
          if (!tenantId) continue;
          days.forEach((pair: number[], i: number) => {
            addCount(out, addDays(page.startDate ?? from, i), tenantId, tier, Number(pair?.[0] ?? 0));
          });
        }
        position = page.position;
      } while (position);
    }
    return out;
  }
}
