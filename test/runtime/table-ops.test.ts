import { beforeAll, describe, expect, it } from 'vitest';
import { measureTableOps, meetsTarget, type RouteOps } from '../../bench/table-ops';
import { ROUTES } from '../../src/runtime/api/routes';
import { HEALTH_DEEP_PATH } from '../../src/runtime/contract';

/**
 * Regression guard for the table operations each route costs (issue 14), measured by bench/table-ops.ts on
 * the shipped handlers. Every route in the issue's list meets its target (read one item = 1 read; list = 1
 * query; create <= 2 writes including idempotency; update = 1 conditional write; delete = 1), and no route
 * does more than these counts. A change that adds a DynamoDB call fails here; one that removes calls should
 * lower the ceiling in the same commit. Counts: SDK calls, then items read / queries / items written / scans.
 */
const CEILING: Record<
  string,
  { calls: number; reads: number; queries: number; writes: number; scans: number }
> = {
  // The tenant record (a conditional put that claims the id) and the first admin's user record.
  'POST /tenants': { calls: 2, reads: 0, queries: 0, writes: 2, scans: 0 },
  'GET /health': { calls: 0, reads: 0, queries: 0, writes: 0, scans: 0 },
  'GET /openapi.json': { calls: 0, reads: 0, queries: 0, writes: 0, scans: 0 },
  // One transaction: the key's record (with the response) and the item.
  'POST /items (with Idempotency-Key)': { calls: 1, reads: 0, queries: 0, writes: 2, scans: 0 },
  // The same transaction, cancelled: the stored record comes back with the cancellation.
  'POST /items (Idempotency-Key replay)': { calls: 1, reads: 0, queries: 0, writes: 2, scans: 0 },
  'POST /items (no Idempotency-Key)': { calls: 1, reads: 0, queries: 0, writes: 1, scans: 0 },
  'GET /items/{itemId}': { calls: 1, reads: 1, queries: 0, writes: 0, scans: 0 },
  'GET /items': { calls: 1, reads: 0, queries: 1, writes: 0, scans: 0 },
  'PUT /items/{itemId}': { calls: 1, reads: 0, queries: 0, writes: 1, scans: 0 },
  'DELETE /items/{itemId}': { calls: 1, reads: 0, queries: 0, writes: 1, scans: 0 },
  'POST /users': { calls: 1, reads: 0, queries: 0, writes: 1, scans: 0 },
  'GET /users': { calls: 1, reads: 0, queries: 1, writes: 0, scans: 0 },
  'GET /users/{userId}': { calls: 1, reads: 1, queries: 0, writes: 0, scans: 0 },
  'PATCH /users/{userId}': { calls: 1, reads: 0, queries: 0, writes: 1, scans: 0 },
  'DELETE /users/{userId}': { calls: 1, reads: 0, queries: 0, writes: 1, scans: 0 },
  'GET /usage': { calls: 1, reads: 0, queries: 1, writes: 0, scans: 0 },
  'GET /tenants/{tenantId}': { calls: 1, reads: 1, queries: 0, writes: 0, scans: 0 },
  'PUT /tenants/{tenantId}/tier': { calls: 1, reads: 0, queries: 0, writes: 1, scans: 0 },
  'POST /tenants/{tenantId}/suspend': { calls: 1, reads: 0, queries: 0, writes: 1, scans: 0 },
  'POST /tenants/{tenantId}/resume': { calls: 1, reads: 0, queries: 0, writes: 1, scans: 0 },
  'GET /tenants/{tenantId}/usage': { calls: 1, reads: 0, queries: 1, writes: 0, scans: 0 },
  // Offboarding deletes in bounded pages; the first call on a small tenant (not in the issue's list).
  'DELETE /tenants/{tenantId} (first call)': { calls: 12, reads: 1, queries: 6, writes: 5, scans: 0 },
};
/** Routes the measurement does not call, and why. */
const NOT_MEASURED = new Set([`GET ${HEALTH_DEEP_PATH}`]); // needs the health client's credentials

const key = (r: RouteOps) => `${r.route}${r.variant ? ` (${r.variant})` : ''}`;

describe('table operations per request', () => {
  let measured: RouteOps[];
  beforeAll(async () => {
    measured = await measureTableOps();
  });

  it('measures every route of the API', () => {
    const routes = new Set(measured.map((r) => r.route));
    const missing = ROUTES.map((r) => `${r.method} ${r.path}`).filter(
      (r) => !routes.has(r) && !NOT_MEASURED.has(r),
    );
    expect(missing).toEqual([]);
    expect(measured.map(key).sort()).toEqual(Object.keys(CEILING).sort());
  });

  it('counts the calls the handlers send', () => {
    const commands = (k: string) => measured.find((r) => key(r) === k)?.commands;
    expect(commands('GET /items/{itemId}')).toMatch(/\bGetItem\b/);
    expect(commands('GET /items')).toMatch(/\bQuery\b/);
    expect(commands('POST /items (no Idempotency-Key)')).toMatch(/\bPutItem\b/);
  });

  it('no route does more table operations than its ceiling', () => {
    const over = measured.flatMap((r) => {
      const ceiling = CEILING[key(r)];
      if (!ceiling) return [`${key(r)}: no ceiling`];
      return (['calls', 'reads', 'queries', 'writes', 'scans'] as const)
        .filter((k) => r[k] > ceiling[k])
        .map((k) => `${key(r)}: ${r[k]} ${k} > ${ceiling[k]} (${r.commands})`);
    });
    expect(over).toEqual([]);
  });

  it("meets issue 14's target on every route in its list", () => {
    const targeted = measured.filter((r) => r.target);
    // Everything but the health routes and offboarding has a target.
    expect(targeted.length).toBe(measured.length - 3);
    const missed = targeted
      .filter((r) => !meetsTarget(r))
      .map((r) => `${key(r)}: ${r.reads} reads, ${r.queries} queries, ${r.writes} writes (${r.commands})`);
    expect(missed).toEqual([]);
  });

  it('never scans the table to serve a request', () => {
    expect(measured.filter((r) => r.scans > 0).map(key)).toEqual([]);
  });
});
