import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { type ApiDeps, createApiHandler } from './api/app';
import { membershipCacheSecondsFromEnv } from './api/membership';
import { ENV, TIERS, type Tier } from './contract';
import { SessionTenantClients } from './data/session-clients';
import { CognitoDirectory } from './directory';
import { observability } from './observability';
import { secretString } from './secrets';
import { ApiGatewayUsagePlanRegistry } from './usage-plans/api-gateway-registry';
import { usageKeyResolver } from './usage-plans/usage-key';

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} must be set`);
  return value;
}

/** The usage plan ids parameter's JSON (tier → usage plan id); every tier must have one. */
export function usagePlanIds(raw: string | undefined): Record<Tier, string> {
  const parsed = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  const out = {} as Record<Tier, string>;
  for (const tier of TIERS) {
    const id = parsed[tier];
    if (typeof id !== 'string' || id.length === 0) throw new Error(`usage plan ids: no plan for ${tier}`);
    out[tier] = id;
  }
  return out;
}

/**
 * AWS wiring: data clients on the credentials the authorizer vended per request (the function's own role
 * has no table access), Cognito directory, cursor key from Secrets Manager, API keys in the tier usage
 * plans (API Gateway).
 */
export function depsFromEnv(env: NodeJS.ProcessEnv = process.env): ApiDeps {
  const obs = observability('fastish-api');
  const secretArn = required(env, ENV.cursorKeySecretArn);
  const usageKeySecretArn = required(env, ENV.usageKeySecretArn);
  const planIdsParameter = required(env, ENV.usagePlanIdsParameter);
  let planIds: Promise<Record<Tier, string>> | undefined;
  const loadPlanIds = async () => {
    const out = await new SSMClient({}).send(new GetParameterCommand({ Name: planIdsParameter }));
    return usagePlanIds(out.Parameter?.Value);
  };
  return {
    tableName: required(env, ENV.tableName),
    clients: new SessionTenantClients({ decorate: (client) => obs.tracer.captureAWSv3Client(client) }),
    directory: new CognitoDirectory(
      obs.tracer.captureAWSv3Client(new CognitoIdentityProviderClient({})),
      required(env, ENV.userPoolId),
    ),
    cursorKey: async () => {
      const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: secretArn }));
      if (!out.SecretString) throw new Error('cursor key secret has no string value');
      // Generated secrets are random strings; hash-free use is fine because HMAC accepts any key bytes.
      return Buffer.from(out.SecretString, 'utf8');
    },
    usagePlans: new ApiGatewayUsagePlanRegistry({
      client: obs.tracer.captureAWSv3Client(new APIGatewayClient({})),
      planIds: () => {
        planIds ??= loadPlanIds().catch((err) => {
          planIds = undefined;
          throw err;
        });
        return planIds;
      },
      usageKey: usageKeyResolver({
        secret: async () => Buffer.from(await secretString(usageKeySecretArn), 'utf8'),
      }),
    }),
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
