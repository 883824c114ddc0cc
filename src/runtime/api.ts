import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { type ApiDeps, createApiHandler } from './api/app';
import { membershipCacheSecondsFromEnv } from './api/membership';
import { DEFAULT_TIER_QUOTAS, ENV, TIERS, type Tier } from './contract';
import { SessionTenantClients } from './data/session-clients';
import { TRANSLATE_CONFIG } from './data/tenant-clients';
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

/** `TIER_QUOTAS` (JSON from the tier configuration), falling back per tier to the configuration defaults. */
export function tierQuotas(raw: string | undefined): Record<Tier, number> {
  const parsed = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  const out = { ...DEFAULT_TIER_QUOTAS };
  for (const tier of TIERS) {
    const v = parsed[tier];
    if (typeof v === 'number' && Number.isInteger(v) && v > 0) out[tier] = v;
  }
  return out;
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
 * AWS wiring: data clients on the credentials the authorizer vended per request, the function's own role
 * for request counting only, Cognito directory, cursor key from Secrets Manager, API keys in the tier usage
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
    meter: DynamoDBDocumentClient.from(
      obs.tracer.captureAWSv3Client(new DynamoDBClient({})),
      TRANSLATE_CONFIG,
    ),
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
    quotas: tierQuotas(env[ENV.tierQuotas]),
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
