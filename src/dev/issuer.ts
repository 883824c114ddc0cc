import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';
import { CLAIMS, type Role, type Tier } from '../runtime/contract';

export interface MintOptions {
  tenantId: string;
  role: Role;
  tier?: Tier;
  /** Cognito `sub`; default a fresh UUID. */
  userId?: string;
  email?: string;
  /** Lifetime; default 3600 s (Cognito's default ID token lifetime). Negative makes an expired token. */
  expiresInSeconds?: number;
  /** Claims to add or override (tests use this to forge bad tokens). */
  claims?: Record<string, unknown>;
}

/**
 * Local stand-in for the Cognito user pool's token endpoint: an RS256 key pair made at start, its public
 * key served as a JWKS, and ID tokens shaped like Cognito's (iss, aud = client id, token_use = id, sub,
 * custom attributes). The authorizer verifies them with the same verifier it uses in AWS.
 */
export class LocalIssuer {
  private constructor(
    readonly issuer: string,
    readonly audience: string,
    readonly kid: string,
    private readonly privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'],
    readonly jwks: { keys: JWK[] },
  ) {}

  static async create(issuer: string, audience = 'local-client'): Promise<LocalIssuer> {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    const kid = `local-${randomUUID().slice(0, 8)}`;
    const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
    return new LocalIssuer(issuer, audience, kid, privateKey, { keys: [jwk] });
  }

  /** Signs any payload with the issuer's key (header alg RS256 and this kid). */
  sign(payload: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', kid: this.kid, typ: 'JWT', ...header })
      .sign(this.privateKey);
  }

  /** A client-credentials access token, shaped like Cognito's (`sub` = `client_id`, `token_use: access`). */
  mintClientCredentials(clientId: string, scope: string, expiresInSeconds = 3600): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return this.sign({
      iss: this.issuer,
      sub: clientId,
      client_id: clientId,
      token_use: 'access',
      scope,
      auth_time: now,
      iat: now,
      exp: now + expiresInSeconds,
      version: 2,
      jti: randomUUID(),
    });
  }

  mint(options: MintOptions): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const lifetime = options.expiresInSeconds ?? 3600;
    const userId = options.userId ?? randomUUID();
    return this.sign({
      iss: this.issuer,
      aud: this.audience,
      token_use: 'id',
      sub: userId,
      'cognito:username': userId,
      [CLAIMS.email]: options.email ?? `${userId.slice(0, 8)}@${options.tenantId}.example`,
      [CLAIMS.tenantId]: options.tenantId,
      [CLAIMS.role]: options.role,
      [CLAIMS.tier]: options.tier ?? 'basic',
      auth_time: now,
      iat: lifetime < 0 ? now + lifetime - 60 : now,
      exp: now + lifetime,
      jti: randomUUID(),
      ...options.claims,
    });
  }
}
