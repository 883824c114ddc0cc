import { randomUUID } from 'node:crypto';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { TenantRole } from '../contract';
import { UserStore } from '../data/users';
import { DirectoryUserExists } from '../directory';
import { ApiError } from '../errors';
import { parseBody, parseQuery } from '../http/request';
import { json, noContent } from '../http/response';
import { ListQuery, UserInvite, UserRoleChange } from '../schemas';
import type { Handler, HandlerInput } from './handler';

const USER_SK = /^[0-9a-f-]{36}$/;

function store(input: HandlerInput): UserStore {
  return new UserStore(input.db, input.deps.tableName, input.caller.tenantId);
}

/** Directory errors other than "exists" are the directory's fault, not the client's. */
function directoryError(err: unknown): ApiError {
  if (err instanceof DirectoryUserExists)
    return new ApiError('already_exists', 'A user with this e-mail exists');
  return new ApiError('directory_unavailable', 'The user directory failed; retry');
}

async function directoryCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw directoryError(err);
  }
}

export const listUsers: Handler = async (input) => {
  const q = parseQuery(input.event, ListQuery);
  const after = q.cursor ? input.cursor.verify(q.cursor, input.caller.tenantId, 'users').sk : undefined;
  if (after !== undefined && !USER_SK.test(after))
    throw new ApiError('invalid_cursor', 'The cursor is invalid');
  const page = await store(input).list(q.limit, after);
  const nextCursor = page.lastSk
    ? input.cursor.sign(input.caller.tenantId, 'users', { sk: page.lastSk })
    : undefined;
  return json(200, { users: page.users, ...(nextCursor ? { nextCursor } : {}) });
};

export const getUser: Handler = async (input) => {
  const user = await store(input).get(input.params.userId as string);
  if (!user) throw new ApiError('not_found', 'User not found');
  return json(200, user);
};

/**
 * Creates the directory user, or, when the e-mail already belongs to a user of ANOTHER tenant, a fresh id
 * for an invitation that reaches nobody: the admin gets the same 201 and the same record as for any new
 * address, so inviting cannot tell whether an address is registered elsewhere. Nothing is merged (the other
 * tenant's user stays as it was and its tokens name its own tenant) and nothing is lost: the record stays in
 * this tenant's list like an invitation not yet accepted, and operators see the `InviteAddressInUse` metric
 * and warning. An address already in the caller's own tenant is a 409: the admin can list those anyway.
 */
async function createDirectoryUser(input: HandlerInput, email: string, role: TenantRole) {
  const tenantId = input.caller.tenantId;
  try {
    return await input.deps.directory.createUser({ tenantId, email, role, tier: input.tenant.tier });
  } catch (err) {
    if (!(err instanceof DirectoryUserExists) || err.tenantId === tenantId) throw directoryError(err);
    input.deps.obs?.logger.warn('invited address belongs to another tenant', { tenantId });
    input.deps.obs?.metrics.addMetric('InviteAddressInUse', MetricUnit.Count, 1);
    return { userId: randomUUID() };
  }
}

export const inviteUser: Handler = async (input) => {
  const body = parseBody(input.event, UserInvite);
  const email = body.email.toLowerCase();
  const { userId } = await createDirectoryUser(input, email, body.role);
  try {
    const user = await store(input).create(userId, email, body.role, input.now);
    return json(201, user, { location: `/users/${userId}` });
  } catch (err) {
    // Keep the directory and the table in step: no sign-in for a user the tenant cannot see.
    await input.deps.directory.deleteUser(userId).catch(() => undefined);
    throw err;
  }
};

export const changeUserRole: Handler = async (input) => {
  const body = parseBody(input.event, UserRoleChange);
  const userId = input.params.userId as string;
  if (userId === input.caller.userId) throw new ApiError('conflict', 'Admins cannot change their own role');
  const user = await store(input).setRole(userId, body.role, input.now);
  input.memberships.forget(input.caller.tenantId, userId);
  await directoryCall(() => input.deps.directory.setRole(userId, body.role));
  return json(200, user);
};

export const removeUser: Handler = async (input) => {
  const userId = input.params.userId as string;
  if (userId === input.caller.userId) throw new ApiError('conflict', 'Admins cannot remove themselves');
  const users = store(input);
  // One conditional delete in the caller's tenant partition proves the user is the tenant's before the
  // directory is touched: a user id from another tenant is a 404 here and never reaches Cognito.
  const removed = await users.delete(userId);
  input.memberships.forget(input.caller.tenantId, userId);
  try {
    await input.deps.directory.deleteUser(userId);
  } catch (err) {
    // The directory still has the user: put the record back, so the tenant sees them and the admin can retry.
    await users.restore(removed);
    throw directoryError(err);
  }
  return noContent();
};
