import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTable, startDynalite } from '../../src/dev/dynalite';
import { FakeDirectory } from '../../src/dev/fake-directory';
import { type DevServer, startDevServer } from '../../src/dev/server';
import { networkProbes } from '../../src/release/deploy/probes';
import { type DeepCheckTarget, deepHealthCheck } from '../../src/release/health';
import { createApiHandler } from '../../src/runtime/api/app';
import { HEALTH_CLIENT, HEALTH_TENANT_ID } from '../../src/runtime/contract';
import { TRANSLATE_CONFIG } from '../../src/runtime/data/tenant-clients';
import { call, onboard } from './harness';
import { type DataRolePolicies, iamEvaluatedSts, synthesizedDataRoles } from './tenant-role-sts';

/**
 * The deep health check against the dev server: the health client's client-credentials token, the shipped
 * authorizer (whose token vending machine asks an STS stand-in that evaluates the synthesized data roles'
 * trust policies with an IAM evaluator) and API handler, and DynamoDB (dynalite).
 */

let server: DevServer;
const real = synthesizedDataRoles();
let policies: DataRolePolicies = real;
let operator: string;

const target = (overrides: Partial<DeepCheckTarget> = {}): DeepCheckTarget => ({
  apiUrl: `${server.url}/`,
  tokenUrl: server.healthClient.tokenUrl,
  clientId: server.healthClient.clientId,
  clientSecret: server.healthClient.clientSecret,
  ...overrides,
});

async function healthToken(): Promise<string> {
  const { clientId, clientSecret, tokenUrl } = server.healthClient;
  const res = await fetch(tokenUrl, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: `grant_type=client_credentials&scope=${HEALTH_CLIENT.scope}`,
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

beforeAll(async () => {
  server = await startDevServer({ logLevel: 'SILENT', assumeRole: iamEvaluatedSts(() => policies) });
  operator = await server.mintToken({ tenantId: 'platform', role: 'operator' });
  await onboard(server, operator, 'acme');
});
afterAll(() => server.stop());

describe('GET /health/deep', () => {
  it('passes through the authorizer, STS (AssumeRole + TagSession) and DynamoDB', async () => {
    const res = await call(server, 'GET', '/health/deep', { token: await healthToken() });
    expect(res.status, res.text).toBe(200);
    expect(res.json.status).toBe('ok');
    expect((res.json.checks as { name: string; status: string }[]).map((c) => [c.name, c.status])).toEqual([
      ['authorizer', 'passed'],
      ['sts', 'passed'],
      ['dynamodb', 'passed'],
      ['isolation', 'passed'],
    ]);
    expect(await deepHealthCheck(target(), networkProbes.http, 5000)).toEqual({
      passed: true,
      detail: 'authorizer, sts, dynamodb, isolation passed',
    });
  });

  it("fails at sts when the tenant role's trust lacks sts:TagSession", async () => {
    const trust = real.tenant.trust;
    policies = {
      ...real,
      tenant: {
        ...real.tenant,
        trust: {
          ...trust,
          Statement: trust.Statement.filter(
            (s: { Action: string | string[] }) =>
              !([] as string[]).concat(s.Action).includes('sts:TagSession'),
          ),
        },
      },
    };
    try {
      const res = await call(server, 'GET', '/health/deep', { token: await healthToken() });
      expect(res.status).toBe(503);
      expect(res.json.failed).toBe('sts');
      expect(res.json.checks).toEqual([
        { name: 'authorizer', status: 'passed' },
        { name: 'sts', status: 'failed', detail: 'AccessDenied', ms: expect.any(Number) },
        { name: 'dynamodb', status: 'not-run' },
        { name: 'isolation', status: 'not-run' },
      ]);
      expect(await deepHealthCheck(target(), networkProbes.http, 5000)).toEqual({
        passed: false,
        failed: 'sts',
        detail: 'sts failed: AccessDenied',
      });
    } finally {
      policies = real;
    }
  });

  it('the health token reaches nothing else, and nobody else reaches the deep check', async () => {
    const health = await healthToken();
    // The authorizer's policy for the health client covers GET /health/deep only: API Gateway refuses the rest.
    for (const [method, path] of [
      ['GET', '/items'],
      ['GET', '/usage'],
      ['GET', `/tenants/${HEALTH_TENANT_ID}`],
      ['POST', '/tenants'],
    ] as const) {
      const res = await call(server, method, path, {
        token: health,
        body: method === 'POST' ? {} : undefined,
      });
      expect([path, res.status, res.json.error?.code]).toEqual([path, 403, 'forbidden']);
    }
    // A tenant admin and an operator are refused by the API; an ID token claiming the synthetic tenant is
    // denied by the authorizer.
    const admin = await server.mintToken({ tenantId: 'acme', role: 'admin' });
    for (const token of [admin, operator]) {
      const res = await call(server, 'GET', '/health/deep', { token });
      expect([res.status, res.json.error?.code]).toEqual([403, 'forbidden']);
    }
    const forged = await server.mintToken({ tenantId: HEALTH_TENANT_ID, role: 'viewer' });
    expect((await call(server, 'GET', '/health/deep', { token: forged })).status).toBe(403);
    // A user's access token (other client, no health scope, sub ≠ client_id) is not a health token.
    const userAccess = await server.issuer.sign({
      iss: server.issuer.issuer,
      sub: 'some-user',
      client_id: server.healthClient.clientId,
      token_use: 'access',
      scope: HEALTH_CLIENT.scope,
      iat: Math.floor(Date.now() / 1000),
      exp: Math.floor(Date.now() / 1000) + 300,
    });
    expect((await call(server, 'GET', '/health/deep', { token: userAccess })).status).toBe(401);
    // The synthetic tenant cannot be onboarded, so no real tenant ever shares its keys.
    const taken = await call(server, 'POST', '/tenants', {
      token: operator,
      body: { tenantId: HEALTH_TENANT_ID, name: 'x', tier: 'basic', adminEmail: 'a@x.test' },
    });
    expect([taken.status, taken.json.error?.code]).toEqual([422, 'validation_failed']);
  });

  it('names the token endpoint when the client secret is wrong', async () => {
    expect(await deepHealthCheck(target({ clientSecret: 'wrong' }), networkProbes.http, 5000)).toEqual({
      passed: false,
      failed: 'token',
      detail: 'token endpoint returned 400 invalid_client',
    });
  });

  it('fails at dynamodb when DynamoDB is down (last: it stops the engine)', async () => {
    const token = await healthToken();
    await server.dynamo.stop();
    const res = await call(server, 'GET', '/health/deep', { token });
    expect(res.status).toBe(503);
    expect(res.json.failed).toBe('dynamodb');
    expect(
      (res.json.checks as { status: string; detail?: string }[]).map((c) => c.detail ?? c.status),
    ).toEqual(['passed', 'passed', 'ECONNREFUSED', 'not-run']);
  });
});

describe('the isolation step', () => {
  it("fails when the synthetic tenant's credentials can read another tenant's key", async () => {
    const dynamo = await startDynalite();
    try {
      await ensureTable(dynamo.client(), 'table');
      // Credentials without the leading-key confinement: what a broadened tenant role would hand out.
      const unconfined = DynamoDBDocumentClient.from(dynamo.client(), TRANSLATE_CONFIG);
      const api = createApiHandler({
        tableName: 'table',
        clients: { forSession: async () => unconfined },
        directory: new FakeDirectory(),
        usagePlans: {} as never,
        cursorKey: async () => Buffer.alloc(32),
        idempotencyTtlSeconds: 60,
        tenantCacheSeconds: 0,
        platformTenantId: 'platform',
      });
      const exp = Math.floor(Date.now() / 1000) + 300;
      // Any session: the client factory hands out the unconfined client whatever the credentials.
      const session = { dataAccessKeyId: 'AKID', dataSecretAccessKey: 'secret', dataSessionToken: 'token' };
      const caller = {
        tenantId: HEALTH_TENANT_ID,
        userId: 'health',
        role: 'viewer',
        tier: 'basic',
        exp,
        ...session,
      };
      const res = await api({
        httpMethod: 'GET',
        path: '/health/deep',
        headers: {},
        requestContext: { authorizer: caller, requestId: 'r' },
      } as unknown as APIGatewayProxyEvent);
      expect(res.statusCode).toBe(503);
      expect(JSON.parse(res.body)).toMatchObject({
        failed: 'isolation',
        checks: [
          { status: 'passed' },
          { status: 'passed' },
          { status: 'passed' },
          { detail: 'IsolationBreached' },
        ],
      });
    } finally {
      await dynamo.stop();
    }
  });
});
