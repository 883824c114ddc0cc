import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { CLAIMS, type TenantRole, type Tier } from './contract';

/** Thrown when the directory already has a user with the e-mail (Cognito usernames are pool-wide). */
export class DirectoryUserExists extends Error {
  constructor() {
    super('user exists');
    this.name = 'DirectoryUserExists';
  }
}

/**
 * Where users sign in. The API keeps its own user record per tenant (for listing and role management);
 * the directory holds the credentials and the claims that end up in tokens. Role changes reach tokens at
 * the next sign-in or refresh — ID tokens live one hour, which bounds how stale a role can be.
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
      if (err instanceof Error && err.name === 'UsernameExistsException') throw new DirectoryUserExists();
      throw err;
    }
  }

  async setRole(userId: string, role: TenantRole): Promise<void> {
    // With e-mail as the username attribute, Cognito's admin APIs accept the sub as the username.
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
  }

  async deleteUser(userId: string): Promise<void> {
    try {
      await this.client.send(
        new AdminUserGlobalSignOutCommand({ UserPoolId: this.userPoolId, Username: userId }),
      );
      await this.client.send(new AdminDeleteUserCommand({ UserPoolId: this.userPoolId, Username: userId }));
    } catch (err) {
      // Already gone is what we wanted (offboarding may run again after a partial pass).
      if (!(err instanceof Error && err.name === 'UserNotFoundException')) throw err;
    }
  }
}
