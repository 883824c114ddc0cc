import { createHash, createHmac } from 'node:crypto';
import { STSClient } from '@aws-sdk/client-sts';

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

const rfc3986 = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
const sha256Hex = (data: string) => createHash('sha256').update(data).digest('hex');
/** `20130524T000000Z` */
export const amzDate = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

export interface PresignInput {
  readonly host: string;
  readonly path: string;
  readonly region: string;
  readonly service: string;
  readonly credentials: Credentials;
  readonly date: Date;
  readonly expiresSeconds: number;
  readonly query?: Readonly<Record<string, string>>;
  /** Headers signed besides `host` (the client must send them with the same values). */
  readonly headers?: Readonly<Record<string, string>>;
  /** @default the SHA-256 of an empty body */
  readonly payloadHash?: string;
}

/** A Signature Version 4 query-string (presigned) GET URL. */
export function presignUrl(i: PresignInput): string {
  const time = amzDate(i.date);
  const scope = `${time.slice(0, 8)}/${i.region}/${i.service}/aws4_request`;
  const headers: Record<string, string> = { host: i.host };
  for (const [k, v] of Object.entries(i.headers ?? {})) headers[k.toLowerCase()] = v.trim();
  const signedHeaders = Object.keys(headers).sort().join(';');
  const query: Record<string, string> = {
    ...i.query,
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${i.credentials.accessKeyId}/${scope}`,
    'X-Amz-Date': time,
    'X-Amz-Expires': String(i.expiresSeconds),
    'X-Amz-SignedHeaders': signedHeaders,
    ...(i.credentials.sessionToken ? { 'X-Amz-Security-Token': i.credentials.sessionToken } : {}),
  };
  const canonicalQuery = Object.keys(query)
    .sort()
    .map((k) => `${rfc3986(k)}=${rfc3986(query[k] as string)}`)
    .join('&');
  const canonicalRequest = [
    'GET',
    i.path,
    canonicalQuery,
    ...Object.keys(headers)
      .sort()
      .map((k) => `${k}:${headers[k]}`),
    '',
    signedHeaders,
    i.payloadHash ?? sha256Hex(''),
  ].join('\n');
  const toSign = ['AWS4-HMAC-SHA256', time, scope, sha256Hex(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${i.credentials.secretAccessKey}`, time.slice(0, 8));
  for (const part of [i.region, i.service, 'aws4_request']) key = hmac(key, part);
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  return `https://${i.host}${i.path}?${canonicalQuery}&X-Amz-Signature=${signature}`;
}

/**
 * The bearer token EKS accepts (what `aws eks get-token` prints): `k8s-aws-v1.` + unpadded base64url of a
 * presigned STS GetCallerIdentity URL that signs the `x-k8s-aws-id: <cluster>` header. Facts from
 * kubernetes-sigs/aws-iam-authenticator pkg/token/token.go: the prefix, RawURLEncoding, the signed cluster
 * header, X-Amz-Expires 60 (ignored by STS, required in 0..900 by the verifier, which accepts the URL for 15
 * minutes after X-Amz-Date), path `/`, a regional STS host.
 */
export function eksTokenFor(
  clusterName: string,
  region: string,
  credentials: Credentials,
  date: Date,
): string {
  const url = presignUrl({
    host: `sts.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`,
    path: '/',
    region,
    service: 'sts',
    credentials,
    date,
    expiresSeconds: 60,
    query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
    headers: { 'x-k8s-aws-id': clusterName },
  });
  return `k8s-aws-v1.${Buffer.from(url, 'utf8').toString('base64url')}`;
}

/** A token with the operator's credentials (the SDK's default chain), as `aws eks get-token` would. */
export async function eksToken(clusterName: string, region: string): Promise<string> {
  const sts = new STSClient({ region });
  try {
    const credentials = await sts.config.credentials();
    return eksTokenFor(clusterName, region, credentials, new Date());
  } finally {
    sts.destroy();
  }
}
