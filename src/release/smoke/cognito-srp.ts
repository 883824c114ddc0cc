import { createHash, createHmac, getDiffieHellman, randomBytes } from 'node:crypto';
import {
  type AuthenticationResultType,
  type CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';

/**
 * Cognito's SRP sign-in (USER_SRP_AUTH), the only flow the console's app client allows: the password never
 * leaves this machine. Facts from aws-amplify/amplify-js (packages/auth/src/providers/cognito/utils/srp:
 * constants.ts, getPaddedHex.ts, AuthenticationHelper.ts, getHkdfKey.ts, getSignatureString.ts,
 * getNowString.ts), written here from those facts:
 * - N is the 3072-bit MODP group of RFC 3526 (Node's `modp15`), g = 2, k = H(pad(N) | pad(g));
 * - hex values are "padded": even length, and `00` in front when the first nibble is 8-f;
 * - u = H(pad(A) | pad(B)); x = H(pad(salt) | H(<pool name> <USER_ID_FOR_SRP> ":" <password>)), where the
 *   pool name is the part of the user pool id after `_`; S = (B - k·g^x)^(a + u·x) mod N;
 * - the key is HKDF-SHA256 (16 bytes) of pad(S) with salt pad(u) and info "Caldera Derived Key" 0x01;
 * - the claim is base64 HMAC-SHA256(key, pool name | USER_ID_FOR_SRP | SECRET_BLOCK bytes | timestamp),
 *   the timestamp as `EEE MMM d HH:mm:ss UTC yyyy` in UTC (day of month not padded).
 */
export const SRP_N = BigInt(`0x${getDiffieHellman('modp15').getPrime('hex')}`);
export const SRP_G = 2n;

export function padHex(n: bigint): string {
  let h = n.toString(16);
  if (h.length % 2 === 1) h = `0${h}`;
  return /^[89a-f]/.test(h) ? `00${h}` : h;
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest();
export const hashHex = (hex: string): string => sha256(Buffer.from(hex, 'hex')).toString('hex');
const toBigInt = (hex: string) => BigInt(`0x${hex}`);

export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = ((base % modulus) + modulus) % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}

export const SRP_K = toBigInt(hashHex(padHex(SRP_N) + padHex(SRP_G)));

export function hkdf16(ikm: Buffer, salt: Buffer): Buffer {
  const prk = createHmac('sha256', salt).update(ikm).digest();
  return createHmac('sha256', prk)
    .update(Buffer.concat([Buffer.from('Caldera Derived Key', 'utf8'), Buffer.from([1])]))
    .digest()
    .subarray(0, 16);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function cognitoTimestamp(d: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const time = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()} ${time} UTC ${d.getUTCFullYear()}`;
}

/** x of the SRP exchange (the password verifier's exponent), as Cognito computes it. */
export function srpX(poolName: string, userIdForSrp: string, password: string, saltHex: string): bigint {
  const inner = sha256(`${poolName}${userIdForSrp}:${password}`).toString('hex');
  return toBigInt(hashHex(padHex(toBigInt(saltHex)) + inner));
}

export interface PasswordClaimInput {
  readonly userPoolId: string;
  readonly userIdForSrp: string;
  readonly password: string;
  readonly a: bigint;
  readonly A: bigint;
  readonly saltHex: string;
  readonly srpBHex: string;
  readonly secretBlock: string;
  readonly timestamp: string;
}

/** PASSWORD_CLAIM_SIGNATURE of the PASSWORD_VERIFIER challenge. */
export function passwordClaimSignature(i: PasswordClaimInput): string {
  const B = toBigInt(i.srpBHex);
  if (B % SRP_N === 0n) throw new Error('SRP_B is 0 mod N: refusing the challenge');
  const u = toBigInt(hashHex(padHex(i.A) + padHex(B)));
  if (u === 0n) throw new Error('u is 0: refusing the challenge');
  const poolName = i.userPoolId.split('_')[1] ?? '';
  const x = srpX(poolName, i.userIdForSrp, i.password, i.saltHex);
  const S = modPow(B - SRP_K * modPow(SRP_G, x, SRP_N), i.a + u * x, SRP_N);
  const key = hkdf16(Buffer.from(padHex(S), 'hex'), Buffer.from(padHex(u), 'hex'));
  return createHmac('sha256', key)
    .update(
      Buffer.concat([
        Buffer.from(poolName + i.userIdForSrp, 'utf8'),
        Buffer.from(i.secretBlock, 'base64'),
        Buffer.from(i.timestamp, 'utf8'),
      ]),
    )
    .digest('base64');
}

/** RFC 4648 base32, as authenticator apps and Cognito's AssociateSoftwareToken write TOTP secrets. */
function base32(secret: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.toUpperCase().replace(/[=\s]/g, '')) {
    const v = alphabet.indexOf(c);
    if (v < 0) throw new Error('the TOTP secret is not base32');
    bits += v.toString(2).padStart(5, '0');
  }
  const bytes = bits.match(/.{8}/g) ?? [];
  return Buffer.from(bytes.map((b) => Number.parseInt(b, 2)));
}

/** RFC 6238 TOTP (HMAC-SHA1, 30-second steps), what Cognito's SOFTWARE_TOKEN_MFA expects. */
export function totp(secretBase32: string, atMs: number, digits = 6): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(atMs / 1000 / 30)));
  const mac = createHmac('sha1', base32(secretBase32)).update(counter).digest();
  const offset = (mac[mac.length - 1] as number) & 0xf;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return String(code).padStart(digits, '0');
}

export interface SmokeUser {
  readonly username: string;
  readonly password: string;
  /** Base32 TOTP secret, when the pool requires MFA. */
  readonly totpSecret?: string;
}

/**
 * Signs a user in through the console's app client (USER_SRP_AUTH, then SOFTWARE_TOKEN_MFA when asked) and
 * returns the ID token, what the console sends to the API.
 */
export async function srpSignIn(
  cognito: CognitoIdentityProviderClient,
  target: { readonly userPoolId: string; readonly clientId: string },
  user: SmokeUser,
  now: () => Date = () => new Date(),
): Promise<string> {
  const a = toBigInt(randomBytes(128).toString('hex'));
  const A = modPow(SRP_G, a, SRP_N);
  const start = await cognito.send(
    new InitiateAuthCommand({
      AuthFlow: 'USER_SRP_AUTH',
      ClientId: target.clientId,
      AuthParameters: { USERNAME: user.username, SRP_A: A.toString(16) },
    }),
  );
  const p = start.ChallengeParameters ?? {};
  if (
    start.ChallengeName !== 'PASSWORD_VERIFIER' ||
    !p.USER_ID_FOR_SRP ||
    !p.SALT ||
    !p.SRP_B ||
    !p.SECRET_BLOCK
  ) {
    throw new Error(`expected the PASSWORD_VERIFIER challenge, got ${start.ChallengeName ?? 'none'}`);
  }
  const timestamp = cognitoTimestamp(now());
  let step = await cognito.send(
    new RespondToAuthChallengeCommand({
      ClientId: target.clientId,
      ChallengeName: 'PASSWORD_VERIFIER',
      ...(start.Session ? { Session: start.Session } : {}),
      ChallengeResponses: {
        USERNAME: p.USER_ID_FOR_SRP,
        PASSWORD_CLAIM_SECRET_BLOCK: p.SECRET_BLOCK,
        TIMESTAMP: timestamp,
        PASSWORD_CLAIM_SIGNATURE: passwordClaimSignature({
          userPoolId: target.userPoolId,
          userIdForSrp: p.USER_ID_FOR_SRP,
          password: user.password,
          a,
          A,
          saltHex: p.SALT,
          srpBHex: p.SRP_B,
          secretBlock: p.SECRET_BLOCK,
          timestamp,
        }),
      },
    }),
  );
  if (step.ChallengeName === 'SOFTWARE_TOKEN_MFA') {
    if (!user.totpSecret)
      throw new Error('the user pool asks for a TOTP code: add totpSecret to the smoke user secret');
    step = await cognito.send(
      new RespondToAuthChallengeCommand({
        ClientId: target.clientId,
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        ...(step.Session ? { Session: step.Session } : {}),
        ChallengeResponses: {
          USERNAME: p.USER_ID_FOR_SRP,
          SOFTWARE_TOKEN_MFA_CODE: totp(user.totpSecret, now().getTime()),
        },
      }),
    );
  }
  const result: AuthenticationResultType | undefined = step.AuthenticationResult;
  if (!result?.IdToken) {
    const hint: Record<string, string> = {
      NEW_PASSWORD_REQUIRED: 'set a permanent password (aws cognito-idp admin-set-user-password --permanent)',
      MFA_SETUP: 'sign in once in the console to associate a TOTP app, and store its secret as totpSecret',
    };
    const name = step.ChallengeName ?? 'no challenge';
    throw new Error(`sign-in stopped at ${name}${hint[name] ? `: ${hint[name]}` : ''}`);
  }
  return result.IdToken;
}
