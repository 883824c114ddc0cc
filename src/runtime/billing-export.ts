import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  type BillingDeps,
  type CollectResult,
  collectRequests,
  type ExportResult,
  exportDay,
  parseDay,
} from './billing/export';
import { ApiGatewayRequestCounts } from './billing/request-counts';
import { ENV } from './contract';
import { TRANSLATE_CONFIG } from './data/tenant-clients';
import { addDays, utcDay } from './data/usage';
import { requiredEnv, usagePlanIds } from './function-env';
import { observability } from './observability';

/**
 * What a schedule (or an operator re-running a day) sends:
 * - `{"action":"collect"}`: yesterday's and today's request counts into the usage items (every 15 minutes);
 * - `{"action":"export"}`: yesterday's export (daily); `{"action":"export","date":"YYYY-MM-DD"}` re-runs a day.
 */
export interface BillingEvent {
  action?: unknown;
  date?: unknown;
}

export function depsFromEnv(env: NodeJS.ProcessEnv = process.env): BillingDeps {
  const obs = observability('fastish-billing-export');
  const parameter = requiredEnv(env, ENV.usagePlanIdsParameter);
  return {
    db: DynamoDBDocumentClient.from(obs.tracer.captureAWSv3Client(new DynamoDBClient({})), TRANSLATE_CONFIG),
    tableName: requiredEnv(env, ENV.tableName),
    requestCounts: new ApiGatewayRequestCounts({
      client: obs.tracer.captureAWSv3Client(new APIGatewayClient({})),
      planIds: async () => {
        const out = await new SSMClient({}).send(new GetParameterCommand({ Name: parameter }));
        return usagePlanIds(out.Parameter?.Value);
      },
    }),
    s3: obs.tracer.captureAWSv3Client(new S3Client({})),
    bucket: requiredEnv(env, ENV.billingBucket),
    events: obs.tracer.captureAWSv3Client(new EventBridgeClient({})),
    eventBus: requiredEnv(env, ENV.billingEventBus),
    obs,
  };
}

/** Runs one scheduled action; bad input is an error naming the field and what is accepted. */
export async function runBilling(
  deps: BillingDeps,
  event: BillingEvent,
): Promise<CollectResult | ExportResult> {
  const today = utcDay((deps.now ?? (() => new Date()))());
  const action = event.action ?? 'export';
  if (action === 'collect') return collectRequests(deps, addDays(today, -1), today);
  if (action === 'export') {
    const date = event.date === undefined ? addDays(today, -1) : parseDay(event.date, today);
    return exportDay(deps, date);
  }
  throw new Error(`action: expected "collect" or "export", got ${JSON.stringify(action)}`);
}

let deps: BillingDeps | undefined;

/** Lambda entry point: invoked by the EventBridge schedules (see constructs/webapp/billing-export.ts). */
export const handler = (event: BillingEvent) => {
  deps ??= depsFromEnv();
  return runBilling(deps, event ?? {});
};
