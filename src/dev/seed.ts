import type { Tier } from '../runtime/contract';
import type { MintOptions } from './issuer';

export interface SeedTenant {
  tenantId: string;
  name: string;
  tier: Tier;
  adminEmail: string;
}

export interface SeededTenant extends SeedTenant {
  adminUserId: string;
  items: string[];
}

export interface SeedTarget {
  url: string;
  platformTenantId: string;
  mintToken(options: MintOptions): Promise<string>;
}

export const DEFAULT_SEED: readonly SeedTenant[] = [
  { tenantId: 'acme', name: 'Acme Corp', tier: 'premium', adminEmail: 'admin@acme.example' },
  { tenantId: 'globex', name: 'Globex', tier: 'standard', adminEmail: 'admin@globex.example' },
  { tenantId: 'initech', name: 'Initech', tier: 'basic', adminEmail: 'admin@initech.example' },
];

async function call(target: SeedTarget, token: string, method: string, path: string, body: unknown) {
  const res = await fetch(`${target.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/**
 * Seeds a running dev server through its own API (so seeding exercises the same paths as clients):
 * tenants onboarded by an operator, then items created by each tenant's admin. Tenants that already exist
 * (a `--data-dir` restart) are skipped.
 */
export async function seed(
  target: SeedTarget,
  tenants: readonly SeedTenant[] = DEFAULT_SEED,
  itemsPerTenant = 5,
): Promise<SeededTenant[]> {
  const operator = await target.mintToken({ tenantId: target.platformTenantId, role: 'operator' });
  const out: SeededTenant[] = [];
  for (const tenant of tenants) {
    const created = await call(target, operator, 'POST', '/tenants', tenant);
    if (created.status === 409) continue;
    if (created.status !== 201)
      throw new Error(`seeding ${tenant.tenantId}: ${created.status} ${JSON.stringify(created.body)}`);
    const adminUserId = String(created.body.adminUserId);
    const admin = await target.mintToken({
      tenantId: tenant.tenantId,
      role: 'admin',
      tier: tenant.tier,
      userId: adminUserId,
    });
    const items: string[] = [];
    for (let i = 1; i <= itemsPerTenant; i++) {
      const item = await call(target, admin, 'POST', '/items', {
        name: `${tenant.name} item ${i}`,
        attributes: { index: i, seeded: true },
      });
      if (item.status !== 201) throw new Error(`seeding item: ${item.status} ${JSON.stringify(item.body)}`);
      items.push(String(item.body.id));
    }
    out.push({ ...tenant, adminUserId, items });
  }
  return out;
}
