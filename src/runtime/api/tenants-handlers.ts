import { randomBytes } from 'node:crypto';
import { HEALTH_TENANT_ID } from '../contract';
import { ENTITIES } from '../data/keys';
import { offboardStep } from '../data/offboarding';
import { TenantStore } from '../data/tenants';
import { addDays, UsageStore, usageCsv, utcDay } from '../data/usage';
import { UserStore } from '../data/users';
import { DirectoryUserExists } from '../directory';
import { ApiError } from '../errors';
import { parseBody, parseQuery } from '../http/request';
import { json, text } from '../http/response';
import { TenantOnboard, TenantTierChange, UsageQuery } from '../schemas';
import type { UsageKeyState } from '../usage-plans/registry';
import type { Handler, HandlerInput } from './handler';

/** Pages one offboarding call deletes (25 records each), well inside API Gateway's 29 s. */
const OFFBOARD_PAGES_PER_CALL = 20;

/**
 * Operator routes act on the tenant named in the path — the one place a tenant id comes from the path,
 * and only for callers whose token says `operator` in the platform tenant. Their data client is the
 * operator session the authorizer vended for that verified operator (the operator data role: tenant
 * records, offboarding, usage reports; never usage writes).
 */
function target(input: HandlerInput) {
  const tenantId = input.params.tenantId as string;
  return { tenantId, db: input.db, tenants: new TenantStore(input.db, input.deps.tableName, tenantId) };
}

/**
 * Brings the tenant's API key to `state` (create / enable / disable / move to the tier's usage plan), after
 * the one conditional write that changed the tenant record. When the key cannot follow, `undo` puts the
 * record back, so a failure leaves both as they were and the operator can simply repeat the call; the
 * API's own tenant status check stays the second layer either way.
 */
async function syncKey(
  input: HandlerInput,
  tenantId: string,
  state: UsageKeyState,
  undo: () => Promise<unknown>,
): Promise<void> {
  try {
    await input.deps.usagePlans.ensureKey(tenantId, state);
  } catch (err) {
    input.deps.obs?.logger.error('usage plan update failed', { tenantId, error: err as Error });
    await undo().catch((undoErr: unknown) =>
      input.deps.obs?.logger.error('undoing the tenant change failed', { tenantId, error: undoErr as Error }),
    );
    throw new ApiError(
      'usage_plans_unavailable',
      'Updating the tenant API key failed; nothing changed, retry',
    );
  }
}

function newTenantId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(10);
  let id = 't-';
  for (const b of bytes) id += alphabet[b % alphabet.length];
  return id;
}

/**
 * Two table writes: the tenant record (a conditional put that claims the id, so a taken id is a 409 before
 * its API key is touched) and the first admin's user record. The admin's id is in the response and in the
 * user partition, not in the tenant record. When the key or the directory fails in between, the record is
 * abandoned (and the key deleted), so the same onboarding can be repeated.
 */
export const onboardTenant: Handler = async (input) => {
  const body = parseBody(input.event, TenantOnboard);
  const tenantId = body.tenantId ?? newTenantId();
  if (tenantId === input.deps.platformTenantId || tenantId === HEALTH_TENANT_ID) {
    throw new ApiError('validation_failed', 'This tenant id is reserved', [
      { path: 'tenantId', message: 'reserved' },
    ]);
  }
  const db = input.db;
  const tenants = new TenantStore(db, input.deps.tableName, tenantId);
  const adminEmail = body.adminEmail.toLowerCase();
  const tenant = await tenants.create({ name: body.name, tier: body.tier, adminEmail }, input.now);
  const abandon = () => tenants.abandon(input.now);
  await syncKey(input, tenantId, { tier: body.tier, enabled: true }, abandon);
  const undo = async () => {
    await input.deps.usagePlans.deleteKey(tenantId);
    await abandon();
  };
  let userId: string;
  try {
    ({ userId } = await input.deps.directory.createUser({
      tenantId,
      email: adminEmail,
      role: 'admin',
      tier: body.tier,
    }));
  } catch (err) {
    await undo().catch((undoErr: unknown) =>
      input.deps.obs?.logger.error('undoing the onboarding failed', { tenantId, error: undoErr as Error }),
    );
    if (err instanceof DirectoryUserExists)
      throw new ApiError('already_exists', 'A user with this e-mail exists');
    throw new ApiError('directory_unavailable', 'The user directory failed; nothing changed, retry');
  }
  await new UserStore(db, input.deps.tableName, tenantId).create(userId, adminEmail, 'admin', input.now);
  return json(201, { ...tenant, adminUserId: userId }, { location: `/tenants/${tenantId}` });
};

export const getTenant: Handler = async (input) => {
  const tenant = await target(input).tenants.get();
  if (!tenant) throw new ApiError('not_found', 'Tenant not found');
  return json(200, tenant);
};

/** Suspend, resume, tier: one conditional write (404 / 409 from the store), then the key follows. */
export const suspendTenant: Handler = async (input) => {
  const { tenantId, tenants } = target(input);
  const tenant = await tenants.transition(['active'], 'suspended', input.now);
  // The disabled key makes API Gateway refuse the tenant's requests before they reach a function.
  await syncKey(input, tenantId, { tier: tenant.tier, enabled: false }, () =>
    tenants.transition(['suspended'], 'active', input.now),
  );
  return json(200, tenant);
};

export const resumeTenant: Handler = async (input) => {
  const { tenantId, tenants } = target(input);
  const tenant = await tenants.transition(['suspended'], 'active', input.now);
  await syncKey(input, tenantId, { tier: tenant.tier, enabled: true }, () =>
    tenants.transition(['active'], 'suspended', input.now),
  );
  return json(200, tenant);
};

export const changeTenantTier: Handler = async (input) => {
  const { tier } = parseBody(input.event, TenantTierChange);
  const { tenantId, tenants } = target(input);
  const { before, after } = await tenants.setTier(tier, input.now);
  await syncKey(input, tenantId, { tier, enabled: after.status === 'active' }, () =>
    tenants.setTier(before.tier, input.now),
  );
  return json(200, after);
};

export const offboardTenant: Handler = async (input) => {
  const { tenantId, db, tenants } = target(input);
  const current = await tenants.get();
  if (!current) throw new ApiError('not_found', 'Tenant not found');
  if (current.status === 'offboarded')
    return json(200, { tenantId, status: 'offboarded', deletedThisCall: 0, complete: true });
  if (current.status !== 'offboarding')
    await tenants.transition(['active', 'suspended'], 'offboarding', input.now);
  // Every call until complete: deleting an absent key is a no-op, and a failed delete is retried.
  try {
    await input.deps.usagePlans.deleteKey(tenantId);
  } catch (err) {
    input.deps.obs?.logger.error('API key delete failed', { tenantId, error: err as Error });
    throw new ApiError(
      'usage_plans_unavailable',
      'Deleting the tenant API key failed; call again to continue',
    );
  }
  const step = await offboardStep(
    db,
    input.deps.tableName,
    tenantId,
    OFFBOARD_PAGES_PER_CALL,
    async (entity, sk) => {
      if (entity === ENTITIES.user) await input.deps.directory.deleteUser(sk);
    },
  );
  if (!step.complete) {
    return json(202, { tenantId, status: 'offboarding', deletedThisCall: step.deleted, complete: false });
  }
  await tenants.transition(['offboarding'], 'offboarded', input.now);
  return json(200, { tenantId, status: 'offboarded', deletedThisCall: step.deleted, complete: true });
};

/** Usage report for one tenant, default the last 30 days, at most 366 days. */
export async function usageResponse(
  input: HandlerInput,
  tenantId: string,
  db: HandlerInput['db'],
  /** Called when the report is empty, before answering: throws when the tenant does not exist. */
  ifEmpty?: () => Promise<void>,
) {
  const q = parseQuery(input.event, UsageQuery);
  const to = q.to ?? utcDay(input.now);
  const from = q.from ?? addDays(to, -29);
  if (addDays(from, 366) <= to) throw new ApiError('invalid_query', 'At most 366 days per report');
  const days = await new UsageStore(db, input.deps.tableName, tenantId).report(from, to);
  const empty = days.every((d) => !d.requests && !d.itemsCreated && !d.itemsDeleted && !d.storedItems);
  if (empty && ifEmpty) await ifEmpty();
  if (q.format === 'csv') return text(200, usageCsv(tenantId, days), 'text/csv; charset=utf-8');
  return json(200, { tenantId, from, to, days });
}

/**
 * One Query: usage exists only for tenants that were onboarded (their records are never deleted), so the
 * tenant record is read only when the report is empty, to tell an unknown tenant (404) from an idle one.
 */
export const getTenantUsage: Handler = async (input) => {
  const { tenantId, db, tenants } = target(input);
  return usageResponse(input, tenantId, db, async () => {
    if (!(await tenants.get())) throw new ApiError('not_found', 'Tenant not found');
  });
};

export const getUsage: Handler = (input) => usageResponse(input, input.caller.tenantId, input.db);
