import { randomUUID } from 'node:crypto';
import type { TenantRole, Tier } from '../runtime/contract';
import { DirectoryUserExists, type NewDirectoryUser, type UserDirectory } from '../runtime/directory';

export interface DirectoryUser {
  userId: string;
  email: string;
  tenantId: string;
  role: TenantRole;
  tier: Tier;
}

/** In-memory stand-in for Cognito: e-mails are unique across the pool, as Cognito usernames are. */
export class FakeDirectory implements UserDirectory {
  readonly users = new Map<string, DirectoryUser>();

  async createUser(input: NewDirectoryUser): Promise<{ userId: string }> {
    for (const u of this.users.values())
      if (u.email === input.email) throw new DirectoryUserExists(u.tenantId);
    const userId = randomUUID();
    this.users.set(userId, { userId, ...input });
    return { userId };
  }

  async setRole(userId: string, role: TenantRole): Promise<void> {
    // As CognitoDirectory: a user the directory does not have is left alone.
    const user = this.users.get(userId);
    if (user) user.role = role;
  }

  async deleteUser(userId: string): Promise<void> {
    this.users.delete(userId);
  }
}
