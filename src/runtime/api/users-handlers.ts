import { UserStore } from '../data/users';
import { DirectoryUserExists } from '../directory';
import { ApiError } from '../errors';
import { parseBody, parseQuery } from '../http/request';
import { json, noContent } from '../http/response';
import { ListQuery, UserInvite, UserRoleChange } from '../schemas';
import type { Handler, HandlerInput } from './app';

const USER_SK = /^[0-9a-f-]{36}$/;

function store(input: HandlerInput): UserStore {
  return new UserStore(input.db, input.deps.tableName, input.caller.tenantId);
}

/** Directory errors other than "exists" are the directory's fault, not the client's. */
async function directoryCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof DirectoryUserExists)
      throw new ApiError('already_exists', 'A user with this e-mail exists');
    throw new ApiError('directory_unavailable', 'The user directory failed; retry');
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

export const inviteUser: Handler = async (input) => {
  const body = parseBody(input.event, UserInvite);
  const email = body.email.toLowerCase();
  const { userId } = await directoryCall(() =>
    input.deps.directory.createUser({
      tenantId: input.caller.tenantId,
      email,
      role: body.role,
      tier: input.tenant.tier,
    }),
  );
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
  await directoryCall(() => input.deps.directory.setRole(userId, body.role));
  return json(200, user);
};

export const removeUser: Handler = async (input) => {
  const userId = input.params.userId as string;
  if (userId === input.caller.userId) throw new ApiError('conflict', 'Admins cannot remove themselves');
  const users = store(input);
  // The record must exist in the caller's tenant before the directory is touched: a user id from another
  // tenant is a 404 here and never reaches Cognito.
  if (!(await users.get(userId))) throw new ApiError('not_found', 'User not found');
  await directoryCall(() => input.deps.directory.deleteUser(userId));
  await users.delete(userId);
  return noContent();
};
