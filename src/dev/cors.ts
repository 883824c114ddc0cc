import type { IncomingMessage, ServerResponse } from 'node:http';

/** Request headers the console sends besides the CORS-safelisted ones (the webapp stack allows the same). */
export const CONSOLE_ALLOW_HEADERS = ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-Match'];
const ALLOW_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * CORS for the local console, as the deployed API answers it: preflights (API Gateway's CORS mock, same
 * allowed headers and methods, max-age one hour) and `Access-Control-Allow-Origin` on responses, only for
 * the configured console origins. Returns true when it answered the request (a preflight).
 */
export function applyCors(req: IncomingMessage, res: ServerResponse, origins: ReadonlySet<string>): boolean {
  const origin = req.headers.origin;
  if (typeof origin !== 'string' || !origins.has(origin)) return false;
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('vary', 'Origin');
  res.setHeader('access-control-expose-headers', 'ETag, Location');
  if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
    res.writeHead(204, {
      'access-control-allow-methods': ALLOW_METHODS.join(','),
      'access-control-allow-headers': CONSOLE_ALLOW_HEADERS.join(','),
      'access-control-max-age': '3600',
    });
    res.end();
    return true;
  }
  return false;
}
