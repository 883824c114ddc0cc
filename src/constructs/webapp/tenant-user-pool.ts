import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { acknowledge } from '../../checks/acknowledgements';

/** Custom attributes (without the `custom:` prefix) that carry the tenant context into ID tokens. */
export const TENANT_ATTRIBUTES = ['tenant_id', 'role', 'tier'] as const;

/** Multi-factor sign-in of the tenant user pool (the second factor is TOTP). */
export enum WebAppMfa {
  OFF = 'off',
  OPTIONAL = 'optional',
  REQUIRED = 'required',
}

export interface TenantUserPoolProps {
  /** Physical user pool name (from `Naming.name('userPool', …)`). */
  readonly userPoolName: string;
  /** Hosted UI domain prefix (from `Naming.name('cognitoDomainPrefix', …)`). */
  readonly domainPrefix: string;
  /** MFA policy; second factor is TOTP (SMS would need an SNS role and costs per message). */
  readonly mfa: WebAppMfa;
  /** Groups created in the pool, one per role. */
  readonly groups: string[];
  /** OAuth callback URLs of the console (authorization code + PKCE); none = no OAuth (no console). */
  readonly callbackUrls: string[];
  /** Where the hosted UI returns after sign-out. */
  readonly logoutUrls: string[];
}

/**
 * The user pool of the multi-tenant application.
 * - Users sign in with e-mail; nobody signs up by themselves: tenant admins invite (AdminCreateUser).
 * - `custom:tenant_id` (immutable), `custom:role` and `custom:tier` are readable by the console's app client
 *   but not writable: `writeAttributes` lists only standard profile attributes, so a user cannot move
 *   themselves to another tenant or role with UpdateUserAttributes. Only the API (admin APIs) sets them.
 * - Plus feature plan with threat protection enforced; strong password policy; deletion protection; retained.
 */
export class TenantUserPool extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  readonly domain: cognito.UserPoolDomain;

  constructor(scope: Construct, id: string, props: TenantUserPoolProps) {
    super(scope, id);
    const mfa = {
      [WebAppMfa.OFF]: cognito.Mfa.OFF,
      [WebAppMfa.OPTIONAL]: cognito.Mfa.OPTIONAL,
      [WebAppMfa.REQUIRED]: cognito.Mfa.REQUIRED,
    }[props.mfa];
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      userPoolName: props.userPoolName,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      customAttributes: {
        tenant_id: new cognito.StringAttribute({ minLen: 3, maxLen: 40, mutable: false }),
        role: new cognito.StringAttribute({ minLen: 1, maxLen: 20, mutable: true }),
        tier: new cognito.StringAttribute({ minLen: 1, maxLen: 20, mutable: true }),
      },
      mfa,
      ...(props.mfa === 'off' ? {} : { mfaSecondFactor: { otp: true, sms: false } }),
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
        passwordHistorySize: 12,
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    for (const group of props.groups) {
      new cognito.CfnUserPoolGroup(this, `Group-${group}`, {
        userPoolId: this.userPool.userPoolId,
        groupName: group,
        description: `Users with the ${group} role`,
      });
    }

    const readable = new cognito.ClientAttributes()
      .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
      .withCustomAttributes(...TENANT_ATTRIBUTES);
    const writable = new cognito.ClientAttributes().withStandardAttributes({ fullname: true });
    this.client = this.userPool.addClient('Console', {
      userPoolClientName: 'console',
      generateSecret: false,
      authFlows: { userSrp: true },
      // Without a console there is no page to return to: no OAuth (managed login), SRP sign-in only.
      ...(props.callbackUrls.length > 0
        ? {
            oAuth: {
              flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
              scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
              callbackUrls: [...props.callbackUrls],
              logoutUrls: [...props.logoutUrls],
            },
          }
        : { disableOAuth: true }),
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      readAttributes: readable,
      writeAttributes: writable,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });

    this.domain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: props.domainPrefix },
    });

    if (props.mfa !== 'required') {
      acknowledge(this.userPool, [
        {
          id: 'AwsSolutions-COG2',
          reason: `MFA is "${props.mfa}" by this environment's configuration (settings.webapp.mfa); production defaults to required.`,
        },
      ]);
    }
  }

  /** `https://<prefix>.auth.<region>.amazoncognito.com` */
  get domainUrl(): string {
    return this.domain.baseUrl();
  }
}
