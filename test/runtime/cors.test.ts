import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { depsFromEnv } from '../../src/runtime/api';
import { withCors } from '../../src/runtime/api/app';
import { corsOriginAllowed } from '../../src/runtime/api/cors';

const console = 'https://main.d1234.amplifyapp.com';
const ok = { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{}' };

describe('CORS on API responses', () => {
  it('allows exactly the console origin, varying on Origin', () => {
    const out = withCors(ok, console, console);
    expect(out.headers?.['access-control-allow-origin']).toBe(console);
    expect(out.headers?.vary).toBe('Origin');
    expect(out.headers?.['content-type']).toBe('application/json');
    expect(out.body).toBe('{}');
  });

  it('adds nothing for another origin, no origin, or when no console origin is configured', () => {
    expect(withCors(ok, 'https://evil.example', console).headers).not.toHaveProperty(
      'access-control-allow-origin',
    );
    expect(withCors(ok, undefined, console).headers).not.toHaveProperty('access-control-allow-origin');
    expect(withCors(ok, console, undefined).headers).not.toHaveProperty('access-control-allow-origin');
  });

  it('allows the console previews (pr-<number>) when the stack lists their pattern, echoing the origin', () => {
    const allowed = `${console} https://pr-*.d1234.amplifyapp.com`;
    expect(corsOriginAllowed('https://pr-42.d1234.amplifyapp.com', allowed)).toBe(true);
    expect(corsOriginAllowed(console, allowed)).toBe(true);
    const out = withCors(ok, 'https://pr-42.d1234.amplifyapp.com', allowed);
    expect(out.headers?.['access-control-allow-origin']).toBe('https://pr-42.d1234.amplifyapp.com');
    for (const other of [
      'https://pr-x.d1234.amplifyapp.com',
      'https://pr-.d1234.amplifyapp.com',
      'https://pr-42.d9999.amplifyapp.com',
      'https://pr-42.d1234.amplifyapp.com.evil.example',
      'https://pr-42.d1234Xamplifyapp.com',
      'https://evil.example/https://pr-42.d1234.amplifyapp.com',
      'http://pr-42.d1234.amplifyapp.com',
    ]) {
      expect(corsOriginAllowed(other, allowed), other).toBe(false);
      expect(withCors(ok, other, allowed).headers, other).not.toHaveProperty('access-control-allow-origin');
    }
    // Without the pattern, previews are not admitted.
    expect(corsOriginAllowed('https://pr-42.d1234.amplifyapp.com', console)).toBe(false);
  });

  it('reads the origin the stack sets from CORS_ALLOW_ORIGIN', () => {
    const deps = depsFromEnv({
      TABLE_NAME: 't',
      TENANT_ROLE_ARN: 'arn:aws:iam::111111111111:role/tenant',
      USER_POOL_ID: 'eu-west-1_abc',
      CURSOR_KEY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:cursor',
      USAGE_KEY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:usage',
      USAGE_PLAN_IDS_PARAMETER: '/fastish/dev/webapp/api/usage-plan-ids',
      CORS_ALLOW_ORIGIN: console,
    });
    expect(deps.corsAllowOrigin).toBe(console);
  });

  it('is applied by the handler to error responses too', async () => {
    const { createApiHandler } = await import('../../src/runtime/api/app');
    const handler = createApiHandler({
      ...depsFromEnv({
        TABLE_NAME: 't',
        TENANT_ROLE_ARN: 'arn:aws:iam::111111111111:role/tenant',
        USER_POOL_ID: 'eu-west-1_abc',
        CURSOR_KEY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:cursor',
        USAGE_KEY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:usage',
        USAGE_PLAN_IDS_PARAMETER: '/fastish/dev/webapp/api/usage-plan-ids',
        CORS_ALLOW_ORIGIN: console,
      }),
      cursorKey: async () => Buffer.alloc(32, 1),
    });
    const event = {
      httpMethod: 'GET',
      path: '/no-such-route',
      headers: { Origin: console },
      requestContext: { requestId: 'r1' },
    } as unknown as APIGatewayProxyEvent;
    const res = await handler(event);
    expect(res.statusCode).toBe(404);
    expect(res.headers?.['access-control-allow-origin']).toBe(console);
  });
});
