import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { CLAIMS, type TenantRole } from './contract';
import { DirectoryUserExists, type NewDirectoryUser, type UserDirectory } from './directory';

const isNotFound = (err: unknown) => err instanceof Error && err.name === 'UserNotFoundException';

/**
 * The user directory in AWS: the Cognito user pool. Apart from directory.ts, so the API loads the Cognito
 * client only when a route changes users (api.ts).
 */
export class CognitoDirectory implements UserDirectory {
  constructor(
    private readonly client: CognitoIdentityProviderClient,
    private readonly userPoolId: string,
  ) {}

  async createUser(input: NewDirectoryUser): Promise<{ userId: string }> {
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
