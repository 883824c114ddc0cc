import { JwtVerifier } from 'aws-jwt-verify';
import { validateCognitoJwtFields } from 'aws-jwt-verify/cognito-verifier';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { ENV } from '../contract';
import { LoopbackAwareFetcher } from './loopback-fetcher';

export interface VerifierConfig {
  /** Exact `iss`; for Cognito `https://cognito-idp.<region>.amazonaws.com/<userPoolId>`. */
  issuer: string;
  /** The app client id: the ID token's `aud`. */
  audience: string;
  /** Default `${issuer}/.well-known/jwks.json`, which is where Cognito publishes its keys. */
  jwksUri?: string;
}

export interface TokenVerifier {
  verify(token: string): Promise<JwtPayload>;
}

export function verifierConfigFromEnv(env: NodeJS.ProcessEnv = process.env): VerifierConfig {
  const issuer = env[ENV.jwtIssuer];
  const audience = env[ENV.jwtAudience];
  if (!issuer || !audience) throw new Error(`${ENV.jwtIssuer} and ${ENV.jwtAudience} must be set`);
  const jwksUri = env[ENV.jwksUri];
  return { issuer, audience, ...(jwksUri ? { jwksUri } : {}) };
}

/**
 * The one verifier used in AWS and locally; only its configuration differs.
 *
 * Why ID tokens (`token_use: id`): Cognito puts custom attributes (`custom:tenant_id`, `custom:role`,
 * `custom:tier`) in ID tokens only; getting them into access tokens needs a pre-token-generation trigger
 * on a paid feature plan. The ID token's `aud` is the app client id, which is checked here, so a token from
 * another app client of the pool is refused, and an access token (no `aud`, `token_use: access`) is too.
 *
 * Checks: signature against the issuer's JWKS (RS256 etc.; `alg: none` and HMAC algorithms are not
 * supported algorithms and fail), `iss`, `aud`, `exp`, `nbf`, and Cognito's `token_use`.
 */
export function createTokenVerifier(config: VerifierConfig, jwksCache = newJwksCache()): TokenVerifier {
  const verifier = JwtVerifier.create(
    {
      issuer: config.issuer,
      audience: config.audience,
      jwksUri: config.jwksUri ?? `${config.issuer}/.well-known/jwks.json`,
      customJwtCheck: ({ payload }) => {
        validateCognitoJwtFields(payload, { tokenUse: 'id', clientId: config.audience });
        // aws-jwt-verify checks exp only when present; a token without an expiry is never acceptable.
        if (typeof payload.exp !== 'number') throw new Error('token has no exp');
      },
    },
    { jwksCache },
  );
  return { verify: (token) => verifier.verify(token) };
}

/** One JWKS cache per issuer is enough: the ID-token and health verifiers share it (one fetch per cold start). */
export function newJwksCache(): SimpleJwksCache {
  return new SimpleJwksCache({ fetcher: new LoopbackAwareFetcher() });
}

export interface HealthVerifierConfig {
  /** The user pool's issuer: the same `iss` and JWKS as user tokens. */
  issuer: string;
  /** The health app client's id (the access token's `client_id`). */
  clientId: string;
  /** The custom scope the token must carry (`HEALTH_CLIENT.scope`). */
  scope: string;
  jwksUri?: string;
}

/**
 * Verifier of the health client's access tokens (OAuth client credentials). The same signature, `iss`, `exp`
 * and JWKS checks as ID tokens, then: `token_use: access`, `client_id` = the health client, the health scope,
 * and `sub` = `client_id`, which only client-credentials tokens have (a user's access token has the user's
 * `sub`), so no user session of any app client passes.
 */
export function createHealthTokenVerifier(
  config: HealthVerifierConfig,
  jwksCache = newJwksCache(),
): TokenVerifier {
  const verifier = JwtVerifier.create(
    {
      issuer: config.issuer,
      audience: null,
      scope: config.scope,
      jwksUri: config.jwksUri ?? `${config.issuer}/.well-known/jwks.json`,
      customJwtCheck: ({ payload }) => {
        validateCognitoJwtFields(payload, { tokenUse: 'access', clientId: config.clientId });
        if (payload.sub !== config.clientId) throw new Error('not a client-credentials token');
        if (typeof payload.exp !== 'number') throw new Error('token has no exp');
      },
    },
    { jwksCache },
  );
  return { verify: (token) => verifier.verify(token) };
}
