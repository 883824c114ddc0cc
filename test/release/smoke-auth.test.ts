import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { cognitoSignIn, eksTokenFor, presignUrl } from '../../src/release/smoke';
import { cognitoTimestamp, SRP_N, srpSignIn, totp } from '../../src/release/smoke/cognito-srp';
import { verifyEksToken } from './smoke-fakes';

const POOL = 'eu-west-1_AbCdEf123';
const CLIENT = 'console-client';
const SMOKE_USER = { username: 'smoke@acme.test', password: 'Correct-Horse-9!battery' };
const TOTP_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'; // base32 of "12345678901234567890" (RFC 6238's key)

/**
 * The server side of Cognito's SRP, written independently of the client (node's hkdfSync, its own padding
 * and hashing): it accepts the PASSWORD_VERIFIER answer only if the client derived the same key.
 */
class FakeUserPool {
  readonly calls: Record<string, unknown>[] = [];
  private readonly g = 2n;
  private readonly salt = randomBytes(16).toString('hex');
  private b = 0n;
  private B = 0n;
  private A = 0n;
  private secretBlock = '';
  constructor(
    private readonly user: {
      username: string;
      password: string;
      userIdForSrp: string;
      totpSecret?: string;
      newPassword?: boolean;
    },
  ) {}
  private pad(n: bigint) {
    let h = n.toString(16);
    if (h.length % 2) h = `0${h}`;
    return '89abcdef'.includes(h[0] as string) ? `00${h}` : h;
  }
  private H = (hex: string) => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');
  private pow(b: bigint, e: bigint) {
    let r = 1n;
    for (let x = b % SRP_N, y = e; y > 0n; y >>= 1n, x = (x * x) % SRP_N) if (y & 1n) r = (r * x) % SRP_N;
    return r;
  }
  private get poolName() {
    return POOL.split('_')[1] as string;
  }
  private get verifier() {
    const inner = createHash('sha256')
      .update(`${this.poolName}${this.user.userIdForSrp}:${this.user.password}`)
      .digest('hex');
    return this.pow(this.g, BigInt(`0x${this.H(this.pad(BigInt(`0x${this.salt}`)) + inner)}`));
  }
  initiate(input: { AuthFlow: string; ClientId: string; AuthParameters: Record<string, string> }) {
    this.calls.push(input);
    this.A = BigInt(`0x${input.AuthParameters.SRP_A}`);
    this.b = BigInt(`0x${randomBytes(32).toString('hex')}`);
    const k = BigInt(`0x${this.H(this.pad(SRP_N) + this.pad(this.g))}`);
    this.B = (k * this.verifier + this.pow(this.g, this.b)) % SRP_N;
    this.secretBlock = randomBytes(48).toString('base64');
    return {
      ChallengeName: 'PASSWORD_VERIFIER',
      Session: 'session-1',
      ChallengeParameters: {
        USER_ID_FOR_SRP: this.user.userIdForSrp,
        SALT: this.salt,
        SRP_B: this.B.toString(16),
        SECRET_BLOCK: this.secretBlock,
        USERNAME: this.user.userIdForSrp,
      },
    };
  }
  respond(input: { ChallengeName: string; Session?: string; ChallengeResponses: Record<string, string> }) {
    this.calls.push(input);
    const r = input.ChallengeResponses;
    const denied = Object.assign(new Error('Incorrect username or password.'), {
      name: 'NotAuthorizedException',
    });
    if (input.ChallengeName === 'SOFTWARE_TOKEN_MFA') {
      if (r.SOFTWARE_TOKEN_MFA_CODE !== totp(this.user.totpSecret ?? '', Date.now())) throw denied;
      return { AuthenticationResult: { IdToken: `id-token-${this.user.userIdForSrp}` } };
    }
    const u = BigInt(`0x${this.H(this.pad(this.A) + this.pad(this.B))}`);
    const S = this.pow((this.A * this.pow(this.verifier, u)) % SRP_N, this.b);
    const key = Buffer.from(
      hkdfSync(
        'sha256',
        Buffer.from(this.pad(S), 'hex'),
        Buffer.from(this.pad(u), 'hex'),
        Buffer.from('Caldera Derived Key') /* RFC 5869 appends the 0x01 block counter */,
        16,
      ),
    );
    const expected = createHmac('sha256', key)
      .update(this.poolName + this.user.userIdForSrp)
      .update(Buffer.from(r.PASSWORD_CLAIM_SECRET_BLOCK ?? '', 'base64'))
      .update(r.TIMESTAMP ?? '')
      .digest('base64');
    const timestampOk = /^[A-Z][a-z]{2} [A-Z][a-z]{2} [1-9]\d? \d{2}:\d{2}:\d{2} UTC \d{4}$/.test(
      r.TIMESTAMP ?? '',
    );
    if (
      r.PASSWORD_CLAIM_SIGNATURE !== expected ||
      !timestampOk ||
      r.PASSWORD_CLAIM_SECRET_BLOCK !== this.secretBlock
    )
      throw denied;
    if (this.user.newPassword) return { ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: 'session-2' };
    if (this.user.totpSecret) return { ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: 'session-2' };
    return { AuthenticationResult: { IdToken: `id-token-${this.user.userIdForSrp}` } };
  }
}

const cognito = mockClient(CognitoIdentityProviderClient);
const secrets = mockClient(SecretsManagerClient);
function pool(user: ConstructorParameters<typeof FakeUserPool>[0]) {
  const p = new FakeUserPool(user);
  cognito.reset();
  cognito.on(InitiateAuthCommand).callsFake((input) => p.initiate(input));
  cognito.on(RespondToAuthChallengeCommand).callsFake((input) => p.respond(input));
  return p;
}
const USER_ID = '4a1f0c2e-0000-4000-8000-00000000abcd';

describe('the smoke user signs in with Cognito SRP (the console client allows no other flow)', () => {
  beforeEach(() => {
    secrets.reset();
  });

  it('answers PASSWORD_VERIFIER with the claim a Cognito-side SRP verifier accepts', async () => {
    const p = pool({ ...SMOKE_USER, userIdForSrp: USER_ID });
    const token = await srpSignIn(
      new CognitoIdentityProviderClient({ region: 'eu-west-1' }),
      { userPoolId: POOL, clientId: CLIENT },
      SMOKE_USER,
    );
    expect(token).toBe(`id-token-${USER_ID}`);
    expect(p.calls[0]).toMatchObject({
      AuthFlow: 'USER_SRP_AUTH',
      ClientId: CLIENT,
      AuthParameters: { USERNAME: SMOKE_USER.username },
    });
    expect(p.calls[1]).toMatchObject({
      ChallengeName: 'PASSWORD_VERIFIER',
      Session: 'session-1',
      ChallengeResponses: { USERNAME: USER_ID },
    });
  });

  it('a wrong password is refused by the verifier', async () => {
    pool({ ...SMOKE_USER, userIdForSrp: USER_ID });
    const client = new CognitoIdentityProviderClient({ region: 'eu-west-1' });
    await expect(
      srpSignIn(client, { userPoolId: POOL, clientId: CLIENT }, { ...SMOKE_USER, password: 'wrong' }),
    ).rejects.toThrow('Incorrect username or password.');
  });

  it('answers SOFTWARE_TOKEN_MFA with the TOTP of the stored secret; without one, says what to add', async () => {
    const p = pool({ ...SMOKE_USER, userIdForSrp: USER_ID, totpSecret: TOTP_SECRET });
    const client = new CognitoIdentityProviderClient({ region: 'eu-west-1' });
    const target = { userPoolId: POOL, clientId: CLIENT };
    expect(await srpSignIn(client, target, { ...SMOKE_USER, totpSecret: TOTP_SECRET })).toBe(
      `id-token-${USER_ID}`,
    );
    expect(p.calls[2]).toMatchObject({ ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: 'session-2' });
    pool({ ...SMOKE_USER, userIdForSrp: USER_ID, totpSecret: TOTP_SECRET });
    await expect(srpSignIn(client, target, SMOKE_USER)).rejects.toThrow(
      'add totpSecret to the smoke user secret',
    );
    pool({ ...SMOKE_USER, userIdForSrp: USER_ID, newPassword: true });
    await expect(srpSignIn(client, target, SMOKE_USER)).rejects.toThrow(
      /NEW_PASSWORD_REQUIRED: set a permanent password/,
    );
  });

  it('reads the smoke user from its secret; a missing secret says how to create it', async () => {
    pool({ ...SMOKE_USER, userIdForSrp: USER_ID });
    secrets
      .on(GetSecretValueCommand, { SecretId: 'acme-dev-webapp-smoke-user' })
      .resolves({ SecretString: JSON.stringify(SMOKE_USER) });
    const target = {
      region: 'eu-west-1',
      userPoolId: POOL,
      clientId: CLIENT,
      secretName: 'acme-dev-webapp-smoke-user',
    };
    expect(await cognitoSignIn(target)).toEqual({
      idToken: `id-token-${USER_ID}`,
      user: SMOKE_USER.username,
    });
    secrets
      .on(GetSecretValueCommand)
      .rejects(Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' }));
    await expect(cognitoSignIn({ ...target, secretName: 'other' })).rejects.toThrow(
      'no secret other: create it as docs/operations.md ("Smoke test") describes',
    );
  });

  it('uses the RFC 3526 3072-bit group Cognito uses and its timestamp format', () => {
    // amplify-js packages/auth/src/providers/cognito/utils/srp/constants.ts INIT_N: head and tail.
    const hex = SRP_N.toString(16).toUpperCase();
    expect(hex.length * 4).toBe(3072);
    expect(hex.startsWith('FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1')).toBe(true);
    expect(hex.endsWith('43DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF')).toBe(true);
    expect(cognitoTimestamp(new Date('2024-03-05T09:04:05Z'))).toBe('Tue Mar 5 09:04:05 UTC 2024');
  });

  it('computes RFC 6238 TOTP codes (SHA-1 test vectors, 6 digits)', () => {
    expect(totp(TOTP_SECRET, 59_000)).toBe('287082');
    expect(totp(TOTP_SECRET, 1_111_111_109_000)).toBe('081804');
    expect(totp(TOTP_SECRET, 20_000_000_000_000)).toBe('353130');
  });
});

describe('the EKS bearer token (what aws eks get-token prints)', () => {
  it('signs with Signature Version 4 as AWS documents it (the presigned-URL example)', () => {
    const url = presignUrl({
      host: 'examplebucket.s3.amazonaws.com',
      path: '/test.txt',
      region: 'us-east-1',
      service: 's3',
      credentials: {
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      },
      date: new Date('2013-05-24T00:00:00Z'),
      expiresSeconds: 86_400,
      payloadHash: 'UNSIGNED-PAYLOAD',
    });
    expect(url).toMatch(/&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404$/);
  });

  it('is a presigned GetCallerIdentity the EKS authenticator accepts, bound to the cluster name', () => {
    const creds = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'tok' };
    const date = new Date('2026-03-01T12:00:00Z');
    const token = eksTokenFor('acme-dev-eks', 'eu-west-1', creds, date);
    expect(verifyEksToken(token, 'acme-dev-eks', 'AKIDEXAMPLE')).toEqual({ ok: true });
    const url = new URL(Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString());
    expect(url.host).toBe('sts.eu-west-1.amazonaws.com');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('60');
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe('tok');
    // Another cluster's name is another signature: a token is good for its cluster only.
    expect(eksTokenFor('acme-prod-eks', 'eu-west-1', creds, date)).not.toBe(token);
  });
});
