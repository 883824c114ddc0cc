import { json } from '../http/response';
import { buildOpenApi } from '../openapi';
import type { Handler } from './handler';
import { deepHealth } from './health-handlers';
import { createItem, deleteItem, getItem, listItems, replaceItem } from './items-handlers';
import {
  changeTenantTier,
  getTenant,
  getTenantUsage,
  getUsage,
  offboardTenant,
  onboardTenant,
  resumeTenant,
  suspendTenant,
} from './tenants-handlers';
import { changeUserRole, getUser, inviteUser, listUsers, removeUser } from './users-handlers';

let openapi: unknown;

/** Handler per route `operationId` (routes.ts); a test checks every route has one. */
export const HANDLERS: Record<string, Handler> = {
  health: async () => json(200, { status: 'ok' }),
  deepHealth,
  openapi: async () => {
    openapi ??= buildOpenApi();
    return json(200, openapi, { 'cache-control': 'public, max-age=300' });
  },
  onboardTenant,
  getTenant,
  suspendTenant,
  resumeTenant,
  changeTenantTier,
  offboardTenant,
  getTenantUsage,
  listUsers,
  inviteUser,
  getUser,
  changeUserRole,
  removeUser,
  listItems,
  createItem,
  getItem,
  replaceItem,
  deleteItem,
  getUsage,
};
