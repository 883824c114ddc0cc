import * as z from 'zod';
import { TENANT_ID_PATTERN, TENANT_ROLES, TIERS } from './contract';
import { ERROR_STATUS } from './errors';

/**
 * Request and response schemas. They validate requests at runtime and are the source of the OpenAPI
 * document (`openapi.ts`), so the published contract cannot drift from what the code accepts.
 * Request objects are strict: an unknown property (say, `tenantId` smuggled into an item) is rejected,
 * not silently ignored.
 */
export const apiSchemas = z.registry<{ id: string; description?: string }>();

const isoTime = z.iso.datetime();
const day = z.iso.date();

export const TenantId = z
  .string()
  .regex(TENANT_ID_PATTERN, 'lowercase letters, digits and dashes, 3-40 characters')
  .register(apiSchemas, { id: 'TenantId', description: 'Tenant id (slug)' });

export const ItemIdParam = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'an item id (ULID)');
export const UserIdParam = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'a user id');
export const IdempotencyKey = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{8,128}$/, '8-128 characters of [A-Za-z0-9_.:-]');

const attributeKey = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/);
const attributeValue = z.union([z.string().max(1000), z.number().finite(), z.boolean()]);

export const ItemInput = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    description: z.string().max(2000).optional(),
    attributes: z
      .record(attributeKey, attributeValue)
      .refine((r) => Object.keys(r).length <= 50, 'at most 50 attributes')
      .optional(),
  })
  .register(apiSchemas, { id: 'ItemInput', description: 'Body of item create and replace' });

export const Item = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().optional(),
    attributes: z.record(z.string(), attributeValue),
    version: z.number().int().min(1),
    createdAt: isoTime,
    updatedAt: isoTime,
    createdBy: z.string(),
  })
  .register(apiSchemas, { id: 'Item' });

export const ItemList = z
  .object({ items: z.array(Item), nextCursor: z.string().optional() })
  .register(apiSchemas, { id: 'ItemList' });

export const ListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(2048).optional(),
});

export const UserInvite = z
  .strictObject({ email: z.email().max(254), role: z.enum(TENANT_ROLES) })
  .register(apiSchemas, { id: 'UserInvite' });

export const UserRoleChange = z
  .strictObject({ role: z.enum(TENANT_ROLES) })
  .register(apiSchemas, { id: 'UserRoleChange' });

export const User = z
  .object({
    userId: z.string(),
    email: z.string(),
    role: z.enum(TENANT_ROLES),
    version: z.number().int(),
    createdAt: isoTime,
    updatedAt: isoTime,
  })
  .register(apiSchemas, { id: 'User' });

export const UserList = z
  .object({ users: z.array(User), nextCursor: z.string().optional() })
  .register(apiSchemas, { id: 'UserList' });

export const TenantStatus = z.enum(['active', 'suspended', 'offboarding', 'offboarded']);

export const TenantOnboard = z
  .strictObject({
    tenantId: TenantId.optional(),
    name: z.string().trim().min(1).max(100),
    tier: z.enum(TIERS),
    adminEmail: z.email().max(254),
  })
  .register(apiSchemas, { id: 'TenantOnboard' });

export const TenantTierChange = z
  .strictObject({ tier: z.enum(TIERS) })
  .register(apiSchemas, { id: 'TenantTierChange' });

export const Tenant = z
  .object({
    tenantId: z.string(),
    name: z.string(),
    tier: z.enum(TIERS),
    status: TenantStatus,
    adminEmail: z.string(),
    adminUserId: z.string().optional(),
    version: z.number().int(),
    createdAt: isoTime,
    updatedAt: isoTime,
  })
  .register(apiSchemas, { id: 'Tenant' });

export const OffboardProgress = z
  .object({
    tenantId: z.string(),
    status: TenantStatus,
    deletedThisCall: z.number().int(),
    complete: z.boolean(),
  })
  .register(apiSchemas, { id: 'OffboardProgress' });

export const UsageQuery = z
  .strictObject({ from: day.optional(), to: day.optional(), format: z.enum(['json', 'csv']).default('json') })
  .refine((q) => !q.from || !q.to || q.from <= q.to, 'from must not be after to');

export const UsageDay = z
  .object({
    date: day,
    requests: z.number().int(),
    itemsCreated: z.number().int(),
    itemsDeleted: z.number().int(),
    storedItems: z.number().int(),
  })
  .register(apiSchemas, { id: 'UsageDay' });

export const UsageReport = z
  .object({ tenantId: z.string(), from: day, to: day, days: z.array(UsageDay) })
  .register(apiSchemas, { id: 'UsageReport' });

export const Health = z.object({ status: z.literal('ok') }).register(apiSchemas, { id: 'Health' });

/** Dependencies of the deep health check, in the order a tenant request uses them. */
export const HEALTH_DEPENDENCIES = ['authorizer', 'sts', 'dynamodb', 'isolation'] as const;
export type HealthDependency = (typeof HEALTH_DEPENDENCIES)[number];

export const DeepHealth = z
  .object({
    status: z.enum(['ok', 'failed']),
    /** The first dependency that failed. */
    failed: z.enum(HEALTH_DEPENDENCIES).optional(),
    checks: z.array(
      z.object({
        name: z.enum(HEALTH_DEPENDENCIES),
        status: z.enum(['passed', 'failed', 'not-run']),
        /** Error name of a failure (details are in the API's log). */
        detail: z.string().optional(),
        ms: z.number().int().optional(),
      }),
    ),
  })
  .register(apiSchemas, { id: 'DeepHealth' });
export type DeepHealth = z.infer<typeof DeepHealth>;

export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.enum(
        Object.keys(ERROR_STATUS) as [keyof typeof ERROR_STATUS, ...(keyof typeof ERROR_STATUS)[]],
      ),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .register(apiSchemas, { id: 'Error' });

export type ItemInput = z.infer<typeof ItemInput>;
export type Item = z.infer<typeof Item>;
export type User = z.infer<typeof User>;
export type Tenant = z.infer<typeof Tenant>;
export type TenantStatus = z.infer<typeof TenantStatus>;
export type UsageDay = z.infer<typeof UsageDay>;
