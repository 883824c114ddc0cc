import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { type ApiDeps, createApiHandler } from './api/app';
import { membershipCacheSecondsFromEnv } from './api/membership';
import { ENV } from './contract';
import { SessionTenantClients } from './data/session-clients';
import type { UserDirectory } from './directory';
// Type-only: the Cognito and API Gateway adapters load on first use (lazyDirectory, lazyUsagePlans).
import type { CognitoDirectory } from './directory-cognito';
import { requiredEnv, usagePlanIds } from './function-env';
import { type Observability, observability } from './observability';
import { secretString } from './secrets';
import type { ApiGatewayUsagePlanRegistry } from './usage-plans/api-gateway-registry';
import type { UsagePlanRegistry } from './usage-plans/registry';
import { usageKeyResolver } from './usage-plans/usage-key';

/** `load()` once, on the first call that needs it; a failed load is retried by the next call. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().catch((err: unknown) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };
}

/**
 * The Cognito directory, its SDK client loaded by the first route that changes users (most requests never
 * do, and the client is a large part of the bundle's start-up).
 */
function lazyDirectory(obs: Observability, userPoolId: string): UserDirectory {
  const directory = once<CognitoDirectory>(async () => {
    const [{ CognitoIdentityProviderClient }, { CognitoDirectory }] = await Promise.all([
      import('@aws-sdk/client-cognito-identity-provider'),
      import('./directory-cognito'),
    ]);
    return new CognitoDirectory(
      obs.tracer.captureAWSv3Client(new CognitoIdentityProviderClient({})),
      userPoolId,
    );
  });
  return {
    createUser: async (input) => (await directory()).createUser(input),
    setRole: async (userId, role) => (await directory()).setRole(userId, role),
    deleteUser: async (userId) => (await directory()).deleteUser(userId),
  };
}

/** The API keys in API Gateway, its SDK client (and SSM's) loaded by the first operator route needing them. */
function lazyUsagePlans(
  obs: Observability,
  planIdsParameter: string,
  usageKeySecretArn: string,
): UsagePlanRegistry {
  const planIds = once(async () => {
    const { GetParameterCommand, SSMClient } = await import('@aws-sdk/client-ssm');
    const out = await new SSMClient({}).send(new GetParameterCommand({ Name: planIdsParameter }));
    return usagePlanIds(out.Parameter?.Value);
  });
  const registry = once<ApiGatewayUsagePlanRegistry>(async () => {
    const [{ APIGatewayClient }, { ApiGatewayUsagePlanRegistry }] = await Promise.all([
      import('@aws-sdk/client-api-gateway'),
      import('./usage-plans/api-gateway-registry'),
    ]);
    return new ApiGatewayUsagePlanRegistry({
      client: obs.tracer.captureAWSv3Client(new APIGatewayClient({})),
      planIds,
      usageKey: usageKeyResolver({
        secret: async () => Buffer.from(await secretString(usageKeySecretArn), 'utf8'),
      }),
    });
  });
  return {
    ensureKey: async (tenantId, state) => (await registry()).ensureKey(tenantId, state),
    deleteKey: async (tenantId) => (await registry()).deleteKey(tenantId),
  };
}

/**
 * AWS wiring: data clients on the credentials the authorizer vended per request (the function's own role
 * has no table access), Cognito directory, cursor key from Secrets Manager, API keys in the tier usage
 * plans (API Gateway).
 */
export function depsFromEnv(env: NodeJS.ProcessEnv = process.env): ApiDeps {
  const obs = observability('fastish-api');
  const secretArn = requiredEnv(env, ENV.cursorKeySecretArn);
  const usageKeySecretArn = requiredEnv(env, ENV.usageKeySecretArn);
  const planIdsParameter = requiredEnv(env, ENV.usagePlanIdsParameter);
  return {
    tableName: requiredEnv(env, ENV.tableName),
    clients: new SessionTenantClients({ decorate: (client) => obs.tracer.captureAWSv3Client(client) }),
    directory: lazyDirectory(obs, requiredEnv(env, ENV.userPoolId)),
    cursorKey: async () => {
      const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: secretArn }));
      if (!out.SecretString) throw new Error('cursor key secret has no string value');
      // Generated secrets are random strings; hash-free use is fine because HMAC accepts any key bytes.
      return Buffer.from(out.SecretString, 'utf8');
    },
    usagePlans: lazyUsagePlans(obs, planIdsParameter, usageKeySecretArn),
    idempotencyTtlSeconds: Number(env[ENV.idempotencyTtlSeconds] ?? 86_400) || 86_400,
    tenantCacheSeconds: Number(env[ENV.tenantCacheSeconds] ?? 30),
    membershipCacheSeconds: membershipCacheSecondsFromEnv(env[ENV.membershipCacheSeconds]),
    platformTenantId: env[ENV.platformTenantId] ?? 'platform',
    corsAllowOrigin: env[ENV.corsAllowOrigin],
    obs,
  };
}

let instance: ReturnType<typeof createApiHandler> | undefined;

/** Lambda entry point (API Gateway REST, Lambda proxy integration, payload v1). */
export const handler = (event: APIGatewayProxyEvent, context: Context) => {
  instance ??= createApiHandler(depsFromEnv());
  return instance(event, context);
};
