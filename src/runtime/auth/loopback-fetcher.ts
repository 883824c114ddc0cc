import { request } from 'node:http';
import type { Fetcher } from 'aws-jwt-verify/https';
import { SimpleFetcher } from 'aws-jwt-verify/https';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * JWKS fetcher: HTTPS through aws-jwt-verify's own fetcher, plus plain HTTP for loopback addresses only.
 * The local token issuer (src/dev) serves its JWKS over HTTP on 127.0.0.1, so local development fetches
 * keys the same way the Lambda does, while a non-loopback `http:` URI is still refused.
 */
export class LoopbackAwareFetcher implements Fetcher {
  private readonly https = new SimpleFetcher({ defaultRequestOptions: { responseTimeout: 3000 } });

  fetch(uri: string, requestOptions?: Record<string, unknown>, data?: ArrayBuffer): Promise<ArrayBuffer> {
    const url = new URL(uri);
    if (url.protocol === 'https:') return this.https.fetch(uri, requestOptions, data);
    if (url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname)) {
      return Promise.reject(new Error(`JWKS URI must be https (or http on loopback): ${uri}`));
    }
    return new Promise((resolve, reject) => {
      const req = request(url, { method: 'GET', timeout: 3000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (res.statusCode !== 200) return reject(new Error(`JWKS fetch status ${res.statusCode}`));
          const buf = Buffer.concat(chunks);
          resolve(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('JWKS fetch timed out')));
      req.on('error', reject);
      req.end();
    });
  }
}
