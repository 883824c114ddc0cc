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
 * Brings the tenant's API key to `state` (create / enable / disable / move to the tier's usage plan).
 * Called BEFORE the tenant record changes, so a failure leaves the record as it was and the operator can
 * simply repeat the call; the API's own tenant status check stays the second layer either way.
 */
async function syncKey(input: HandlerInput, tenantId: string, state: UsageKeyState): Promise<void> {
  try {
    await input.deps.usagePlans.ensureKey(tenantId, state);
  } catch (err) {
    input.deps.obs?.logger.error('usage plan update failed', { tenantId, error: err as Error });
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
  // Check first, so an onboarding request for a taken id never touches the existing tenant's API key.
  if (await tenants.get()) throw new ApiError('already_exists', 'Tenant id is taken');
  await syncKey(input, tenantId, { tier: body.tier, enabled: true });
  const tenant = await tenants.create({ name: body.name, tier: body.tier, adminEmail }, input.now);
  let userId: string;
  try {
    ({ userId } = await input.deps.directory.createUser({
      tenantId,
      email: adminEmail,
      role: 'admin',
      tier: body.tier,
    }));
  } catch (err) {
    // The tenant exists without an admin; the operator can offboard it and retry with another e-mail.
    if (err instanceof DirectoryUserExists)
      throw new ApiError('already_exists', 'A user with this e-mail exists');
    throw new ApiError('directory_unavailable', 'The user directory failed; the tenant has no admin yet');
  }
  await new UserStore(db, input.deps.tableName, tenantId).create(userId, adminEmail, 'admin', input.now);
  await tenants.setAdmin(userId);
  return json(201, { ...tenant, adminUserId: userId }, { location: `/tenants/${tenantId}` });
};

export const getTenant: Handler = async (input) => {
  const tenant = await target(input).tenants.get();
  if (!tenant) throw new ApiError('not_found', 'Tenant not found');
  return json(200, tenant);
};

/** The target tenant, 404 if unknown, 409 unless its status is one of `from`. */
async function targetWithStatus(input: HandlerInput, from: readonly string[], action: string) {
  const t = target(input);
  const tenant = await t.tenants.get();
  if (!tenant) throw new ApiError('not_found', 'Tenant not found');
  if (!from.includes(tenant.status))
    throw new ApiError('conflict', `Tenant is ${tenant.status}; cannot ${action}`);
  return { ...t, tenant };
}

export const suspendTenant: Handler = async (input) => {
  const { tenantId, tenants, tenant } = await targetWithStatus(input, ['active'], 'become suspended');
  // The disabled key makes API Gateway refuse the tenant's requests before they reach a function.
  await syncKey(input, tenantId, { tier: tenant.tier, enabled: false });
  return json(200, await tenants.transition(['active'], 'suspended', input.now));
};

export const resumeTenant: Handler = async (input) => {
  const { tenantId, tenants, tenant } = await targetWithStatus(input, ['suspended'], 'become active');
  await syncKey(input, tenantId, { tier: tenant.tier, enabled: true });
  return json(200, await tenants.transition(['suspended'], 'active', input.now));
};

export const changeTenantTier: Handler = async (input) => {
  const { tier } = parseBody(input.event, TenantTierChange);
  const { tenantId, tenants, tenant } = await targetWithStatus(input, ['active', 'suspended'], 'change tier');
  await syncKey(input, tenantId, { tier, enabled: tenant.status === 'active' });
  return json(200, await tenants.setTier(tier, input.now));
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
export async function usageResponse(input: HandlerInput, tenantId: string, db: HandlerInput['db']) {
  const q = parseQuery(input.event, UsageQuery);
  const to = q.to ?? utcDay(input.now);
  const from = q.from ?? addDays(to, -29);
  if (addDays(from, 366) <= to) throw new ApiError('invalid_query', 'At most 366 days per report');
  const days = await new UsageStore(db, input.deps.tableName, tenantId).report(from, to);
  if (q.format === 'csv') return text(200, usageCsv(tenantId, days), 'text/csv; charset=utf-8');
  return json(200, { tenantId, from, to, days });
}

export const getTenantUsage: Handler = async (input) => {
  const { tenantId, db, tenants } = target(input);
  if (!(await tenants.get())) throw new ApiError('not_found', 'Tenant not found');
  return usageResponse(input, tenantId, db);
};

export const getUsage: Handler = (input) => usageResponse(input, input.caller.tenantId, input.db);
