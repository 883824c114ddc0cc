import type { TenantRole, Tier } from './contract';

/**
 * Thrown when the directory already has a user with the e-mail (Cognito usernames are pool-wide), with that
 * user's tenant when the directory could tell. Callers must not show a tenant admin whether the address is
 * taken in another tenant (see `inviteUser`).
 */
export class DirectoryUserExists extends Error {
  constructor(readonly tenantId?: string) {
    super('user exists');
    this.name = 'DirectoryUserExists';
  }
}

/** A user to create in a tenant: the directory's own id for it comes back. */
export interface NewDirectoryUser {
  tenantId: string;
  email: string;
  role: TenantRole;
  tier: Tier;
}

/**
 * Where users sign in. The API keeps its own user record per tenant, which decides membership and caps the
 * role on every request (`api/membership.ts`); the directory holds the credentials and the claims that end
 * up in tokens, which catch up at the next sign-in (role changes and removals also sign the user out).
 * In AWS: `CognitoDirectory` (directory-cognito.ts, loaded when first used). Locally: `FakeDirectory` in
 * src/dev.
 */
export interface UserDirectory {
  /** Creates the user and sends the invitation; returns the user's `sub`. */
  createUser(input: NewDirectoryUser): Promise<{ userId: string }>;
  /** Sets the role claim and signs the user out; a user the directory does not have is left alone. */
  setRole(userId: string, role: TenantRole): Promise<void>;
  /** Deletes the user and revokes their refresh tokens. */
  deleteUser(userId: string): Promise<void>;
}
