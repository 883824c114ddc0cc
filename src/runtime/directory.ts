import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { CLAIMS, type TenantRole, type Tier } from './contract';

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

const isNotFound = (err: unknown) => err instanceof Error && err.name === 'UserNotFoundException';

/**
 * Where users sign in. The API keeps its own user record per tenant, which decides membership and caps the
 * role on every request (`api/membership.ts`); the directory holds the credentials and the claims that end
 * up in tokens, which catch up at the next sign-in (role changes and removals also sign the user out).
 * In AWS: `CognitoDirectory`. Locally: `FakeDirectory` in src/dev.
 */
export interface UserDirectory {
  /** Creates the user and sends the invitation; returns the user's `sub`. */
  createUser(input: {
    tenantId: string;
    email: string;
    role: TenantRole;
    tier: Tier;
  }): Promise<{ userId: string }>;
  /** Sets the role claim and signs the user out; a user the directory does not have is left alone. */
  setRole(userId: string, role: TenantRole): Promise<void>;
  /** Deletes the user and revokes their refresh tokens. */
  deleteUser(userId: string): Promise<void>;
}

export class CognitoDirectory implements UserDirectory {
  constructor(
    private readonly client: CognitoIdentityProviderClient,
    private readonly userPoolId: string,
  ) {}

  async createUser(input: {
    tenantId: string;
    email: string;
    role: TenantRole;
    tier: Tier;
  }): Promise<{ userId: string }> {
    try {
      const out = await this.client.send(
        new AdminCreateUserCommand({
          UserPoolId: this.userPoolId,
          Username: input.email,
          DesiredDeliveryMediums: ['EMAIL'],
          UserAttributes: [
            { Name: 'email', Value: input.email },
            { Name: 'email_verified', Value: 'true' },
            { Name: CLAIMS.tenantId, Value: input.tenantId },
            { Name: CLAIMS.role, Value: input.role },
            { Name: CLAIMS.tier, Value: input.tier },
          ],
        }),
      );
      const sub = out.User?.Attributes?.find((a) => a.Name === 'sub')?.Value;
      if (!sub) throw new Error('AdminCreateUser returned no sub');
      return { userId: sub };
    } catch (err) {
      if (err instanceof Error && err.name === 'UsernameExistsException')
        throw new DirectoryUserExists(await this.tenantOf(input.email));
      throw err;
    }
  }

  /** The tenant of the user with this e-mail (admin APIs accept an alias as the username); undefined if gone. */
  private async tenantOf(email: string): Promise<string | undefined> {
    try {
      const out = await this.client.send(
        new AdminGetUserCommand({ UserPoolId: this.userPoolId, Username: email }),
      );
      return out.UserAttributes?.find((a) => a.Name === CLAIMS.tenantId)?.Value;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async setRole(userId: string, role: TenantRole): Promise<void> {
    // With e-mail as the username attribute, Cognito's admin APIs accept the sub as the username.
    try {
      await this.client.send(
        new AdminUpdateUserAttributesCommand({
          UserPoolId: this.userPoolId,
          Username: userId,
          UserAttributes: [{ Name: CLAIMS.role, Value: role }],
        }),
      );
      await this.client.send(
        new AdminUserGlobalSignOutCommand({ UserPoolId: this.userPoolId, Username: userId }),
      );
    } catch (err) {
      // An invitation that reached nobody (see `inviteUser`) has no directory user: same outcome as a change.
      if (!isNotFound(err)) throw err;
    }
  }

  async deleteUser(userId: string): Promise<void> {
    try {
      await this.client.send(
        new AdminUserGlobalSignOutCommand({ UserPoolId: this.userPoolId, Username: userId }),
      );
      await this.client.send(new AdminDeleteUserCommand({ UserPoolId: this.userPoolId, Username: userId }));
    } catch (err) {
      // Already gone is what we wanted (offboarding may run again after a partial pass).
      if (!isNotFound(err)) throw err;
    }
  }
}
