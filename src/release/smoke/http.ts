import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface SmokeRequest {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** PEM of the CA the server's certificate must chain to (the EKS API's own CA); default the system's. */
  readonly ca?: string;
}

export interface SmokeResponse {
  readonly status: number;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** One HTTP(S) exchange; throws when nothing answers in time. The network boundary of the smoke test. */
export type SmokeHttp = (request: SmokeRequest, timeoutMs: number) => Promise<SmokeResponse>;

/** node:http(s), because fetch() cannot trust a per-request CA (the cluster's). */
export const nodeHttp: SmokeHttp = (req, timeoutMs) =>
  new Promise((resolve, reject) => {
    const url = new URL(req.url);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const r = send(
      url,
      {
        method: req.method,
        headers: {
          ...(req.body !== undefined ? { 'content-length': String(Buffer.byteLength(req.body)) } : {}),
          ...req.headers,
        },
        ...(req.ca ? { ca: req.ca } : {}),
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = String(v);
          resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    r.on('timeout', () =>
      r.destroy(new Error(`${req.method} ${url.origin}${url.pathname}: no answer in ${timeoutMs} ms`)),
    );
    r.on('error', reject);
    r.end(req.body);
  });

/** A JSON body, or an empty object when the body is not JSON. */
export function jsonOf(body: string): Record<string, unknown> {
  try {
    const v = JSON.parse(body) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** `403 forbidden`, `500`: the status and the API's error code, for a report line. */
export function statusLine(res: SmokeResponse): string {
  const body = jsonOf(res.body);
  const error = body.error as { code?: unknown } | string | undefined;
  const code = typeof error === 'string' ? error : typeof error?.code === 'string' ? error.code : '';
  return `${res.status}${code ? ` ${code}` : ''}`;
}
