import type { z } from 'zod';
import type { Role } from '../contract';
import { HEALTH_DEEP_PATH } from '../contract';
import {
  DeepHealth,
  Health,
  Item,
  ItemIdParam,
  ItemInput,
  ItemList,
  ListQuery,
  OffboardProgress,
  Tenant,
  TenantId,
  TenantOnboard,
  TenantTierChange,
  UsageQuery,
  UsageReport,
  User,
  UserIdParam,
  UserInvite,
  UserList,
  UserRoleChange,
} from '../schemas';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** Other media types than JSON, e.g. CSV exports. */
  alternatives?: Record<string, { type: 'string' }>;
  headers?: Record<string, string>;
}

/**
 * One API route, as data: the router dispatches on it, and openapi.ts documents it. Handlers are keyed by
 * `operationId` in handlers.ts, so adding a route without a handler fails a test.
 */
export interface RouteSpec {
  method: Method;
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  /**
   * 'public' skips the authorizer (API Gateway too); 'health' admits only the health client (the synthetic
   * tenant); otherwise the roles allowed.
   */
  access: 'public' | 'health' | readonly Role[];
  /** Tenant routes check the caller's tenant is active and count the request toward the daily quota. */
  tenantScoped: boolean;
  params?: Record<string, z.ZodType>;
  query?: z.ZodType;
  body?: z.ZodType;
  headers?: { name: string; required: boolean; description: string }[];
  responses: Record<number, ResponseSpec>;
}

const READERS = ['admin', 'member', 'viewer'] as const;
const WRITERS = ['admin', 'member'] as const;
const ADMINS = ['admin'] as const;
const OPERATORS = ['operator'] as const;

const ETAG = { ETag: 'Current version, quoted: use it in If-Match' };
const IDEMPOTENCY_KEY = {
  name: 'Idempotency-Key',
  required: false,
  description: 'Makes the create safe to retry: the same key and body return the first response',
};
const IF_MATCH_REQUIRED = {
  name: 'If-Match',
  required: true,
  description: 'ETag of the version being replaced',
};
const IF_MATCH_OPTIONAL = { name: 'If-Match', required: false, description: 'Delete only this version' };

export const ROUTES: readonly RouteSpec[] = [
  {
    method: 'GET',
    path: '/health',
    operationId: 'health',
    summary: 'Liveness check',
    tag: 'platform',
    access: 'public',
    tenantScoped: false,
    responses: { 200: { description: 'The API is up', schema: Health } },
  },
  {
    method: 'GET',
    path: HEALTH_DEEP_PATH,
    operationId: 'deepHealth',
    summary: 'Deep health check: authorizer, STS tenant credentials, DynamoDB (the health client only)',
    tag: 'platform',
    access: 'health',
    tenantScoped: false,
    responses: {
      200: { description: 'Every dependency answered', schema: DeepHealth },
      503: { description: 'A dependency failed: `failed` names it', schema: DeepHealth },
    },
  },
  {
    method: 'GET',
    path: '/openapi.json',
    operationId: 'openapi',
    summary: 'This OpenAPI document',
    tag: 'platform',
    access: 'public',
    tenantScoped: false,
    responses: { 200: { description: 'OpenAPI 3.1 document' } },
  },
  {
    method: 'POST',
    path: '/tenants',
    operationId: 'onboardTenant',
    summary: 'Onboard a tenant with its tier and first admin (operators)',
    tag: 'tenants',
    access: OPERATORS,
    tenantScoped: false,
    body: TenantOnboard,
    responses: { 201: { description: 'Tenant created; the admin is invited', schema: Tenant } },
  },
  {
    method: 'GET',
    path: '/tenants/{tenantId}',
    operationId: 'getTenant',
    summary: 'Read a tenant (operators)',
    tag: 'tenants',
    access: OPERATORS,
    tenantScoped: false,
    params: { tenantId: TenantId },
    responses: { 200: { description: 'The tenant', schema: Tenant } },
  },
  {
    method: 'POST',
    path: '/tenants/{tenantId}/suspend',
    operationId: 'suspendTenant',
    summary: 'Suspend a tenant: its users get 403 until resumed (operators)',
    tag: 'tenants',
    access: OPERATORS,
    tenantScoped: false,
    params: { tenantId: TenantId },
    responses: { 200: { description: 'Suspended', schema: Tenant } },
  },
  {
    method: 'PUT',
    path: '/tenants/{tenantId}/tier',
    operationId: 'changeTenantTier',
    summary: "Change a tenant's tier: its API key moves to the tier's usage plan (operators)",
    tag: 'tenants',
    access: OPERATORS,
    tenantScoped: false,
    params: { tenantId: TenantId },
    body: TenantTierChange,
    responses: { 200: { description: 'The tenant with its new tier', schema: Tenant } },
  },
  {
    method: 'POST',
    path: '/tenants/{tenantId}/resume',
    operationId: 'resumeTenant',
    summary: 'Resume a suspended tenant (operators)',
    tag: 'tenants',
    access: OPERATORS,
    tenantScoped: false,
    params: { tenantId: TenantId },
    responses: { 200: { description: 'Active again', schema: Tenant } },
  },
  {
    method: 'DELETE',
    path: '/tenants/{tenantId}',
    operationId: 'offboardTenant',
    summary: 'Offboard a tenant: deletes its data in pages; repeat until complete (operators)',
    tag: 'tenants',
    access: OPERATORS,
    tenantScoped: false,
    params: { tenantId: TenantId },
    responses: {
      200: { description: 'Offboarding complete', schema: OffboardProgress },
      202: { description: 'Progress made; call again to continue', schema: OffboardProgress },
    },
  },
  {
    method: 'GET',
    path: '/tenants/{tenantId}/usage',
    operationId: 'getTenantUsage',
    summary: 'Usage of a tenant per day, JSON or CSV, for billing (operators)',
    tag: 'usage',
    access: OPERATORS,
    tenantScoped: false,
    params: { tenantId: TenantId },
    query: UsageQuery,
    responses: {
      200: {
        description: 'Usage per day',
        schema: UsageReport,
        alternatives: { 'text/csv': { type: 'string' } },
      },
    },
  },
  {
    method: 'GET',
    path: '/users',
    operationId: 'listUsers',
    summary: "List the tenant's users (admins)",
    tag: 'users',
    access: ADMINS,
    tenantScoped: true,
    query: ListQuery,
    responses: { 200: { description: 'A page of users', schema: UserList } },
  },
  {
    method: 'POST',
    path: '/users',
    operationId: 'inviteUser',
    summary: 'Invite a user with a role (admins)',
    tag: 'users',
    access: ADMINS,
    tenantScoped: true,
    body: UserInvite,
    responses: { 201: { description: 'Invited', schema: User } },
  },
  {
    method: 'GET',
    path: '/users/{userId}',
    operationId: 'getUser',
    summary: 'Read a user (admins)',
    tag: 'users',
    access: ADMINS,
    tenantScoped: true,
    params: { userId: UserIdParam },
    responses: { 200: { description: 'The user', schema: User } },
  },
  {
    method: 'PATCH',
    path: '/users/{userId}',
    operationId: 'changeUserRole',
    summary: "Change a user's role (admins; not their own)",
    tag: 'users',
    access: ADMINS,
    tenantScoped: true,
    params: { userId: UserIdParam },
    body: UserRoleChange,
    responses: { 200: { description: 'Updated', schema: User } },
  },
  {
    method: 'DELETE',
    path: '/users/{userId}',
    operationId: 'removeUser',
    summary: 'Remove a user (admins; not themselves)',
    tag: 'users',
    access: ADMINS,
    tenantScoped: true,
    params: { userId: UserIdParam },
    responses: { 204: { description: 'Removed' } },
  },
  {
    method: 'GET',
    path: '/items',
    operationId: 'listItems',
    summary: 'List items, oldest first, with an opaque cursor',
    tag: 'items',
    access: READERS,
    tenantScoped: true,
    query: ListQuery,
    responses: { 200: { description: 'A page of items', schema: ItemList } },
  },
  {
    method: 'POST',
    path: '/items',
    operationId: 'createItem',
    summary: 'Create an item',
    tag: 'items',
    access: WRITERS,
    tenantScoped: true,
    body: ItemInput,
    headers: [IDEMPOTENCY_KEY],
    responses: {
      201: { description: 'Created (or the replayed first response)', schema: Item, headers: ETAG },
    },
  },
  {
    method: 'GET',
    path: '/items/{itemId}',
    operationId: 'getItem',
    summary: 'Read an item',
    tag: 'items',
    access: READERS,
    tenantScoped: true,
    params: { itemId: ItemIdParam },
    responses: { 200: { description: 'The item', schema: Item, headers: ETAG } },
  },
  {
    method: 'PUT',
    path: '/items/{itemId}',
    operationId: 'replaceItem',
    summary: 'Replace an item if it is still at the version in If-Match',
    tag: 'items',
    access: WRITERS,
    tenantScoped: true,
    params: { itemId: ItemIdParam },
    body: ItemInput,
    headers: [IF_MATCH_REQUIRED],
    responses: { 200: { description: 'Replaced', schema: Item, headers: ETAG } },
  },
  {
    method: 'DELETE',
    path: '/items/{itemId}',
    operationId: 'deleteItem',
    summary: 'Delete an item',
    tag: 'items',
    access: WRITERS,
    tenantScoped: true,
    params: { itemId: ItemIdParam },
    headers: [IF_MATCH_OPTIONAL],
    responses: { 204: { description: 'Deleted' } },
  },
  {
    method: 'GET',
    path: '/usage',
    operationId: 'getUsage',
    summary: "The caller's tenant usage per day, JSON or CSV (admins)",
    tag: 'usage',
    access: ADMINS,
    tenantScoped: true,
    query: UsageQuery,
    responses: {
      200: {
        description: 'Usage per day',
        schema: UsageReport,
        alternatives: { 'text/csv': { type: 'string' } },
      },
    },
  },
];

export interface RouteMatch {
  route: RouteSpec;
  params: Record<string, string>;
}

/** Matches a path against the route table; `allowed` lists methods when only the method is wrong. */
export function matchRoute(method: string, path: string): RouteMatch | { allowed: Method[] } | undefined {
  const segments = path.split('/').filter((s) => s.length > 0);
  const allowed: Method[] = [];
  for (const route of ROUTES) {
    const pattern = route.path.split('/').filter((s) => s.length > 0);
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < pattern.length && ok; i++) {
      const p = pattern[i] as string;
      const s = segments[i] as string;
      if (p.startsWith('{')) {
        try {
          params[p.slice(1, -1)] = decodeURIComponent(s);
        } catch {
          params[p.slice(1, -1)] = s; // invalid escapes fail parameter validation later
        }
      } else ok = p === s;
    }
    if (!ok) continue;
    if (route.method === method) return { route, params };
    allowed.push(route.method);
  }
  return allowed.length > 0 ? { allowed } : undefined;
}
