import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { HEALTH_TENANT_ID } from '../contract';
import { sessionFromContext } from '../data/tenant-clients';
import { TenantStore } from '../data/tenants';
import { json } from '../http/response';
import { SESSION_CONTEXT } from '../partitions';
import type { DeepHealth, HealthDependency } from '../schemas';
import type { Handler } from './handler';

class IsolationBreached extends Error {
  override name = 'IsolationBreached';
}

/** An error named after what the authorizer reported instead of credentials (e.g. STS's `AccessDenied`). */
class NoSession extends Error {
  constructor(override readonly name: string) {
    super('the authorizer vended no data credentials');
  }
}

/**
 * `GET /health/deep`, for the health client only: the path of a tenant request, as the synthetic tenant.
 * 1. authorizer: reaching the handler means it verified the health client's token (API Gateway let the
 *    request through with the synthetic tenant's context);
 * 2. sts: the tenant credentials the authorizer vended for this request (AssumeRole + TagSession on the
 *    tenant role, always fresh for the synthetic tenant); when STS refused, the authorizer's error name;
 * 3. dynamodb: a consistent read of the synthetic tenant's own profile key (absent is fine: the read worked);
 * 4. isolation: the same credentials reading another tenant's key (the platform tenant's profile) must be
 *    refused by IAM; if it is not, tenant isolation is broken, and the check says so without returning data.
 * The first failure stops the check: 503, `failed` naming the dependency, the error's name as detail.
 */
export const deepHealth: Handler = async ({ deps, event }) => {
  let db: DynamoDBDocumentClient | undefined;
  const steps: [HealthDependency, () => Promise<unknown>][] = [
    [
      'sts',
      async () => {
        const auth = event.requestContext?.authorizer as Record<string, unknown> | null | undefined;
        const session = sessionFromContext(auth);
        const error = String(auth?.[SESSION_CONTEXT.error] ?? '');
        if (!session) throw new NoSession(/^[A-Za-z]{1,64}$/.test(error) ? error : 'NoCredentials');
        db = await deps.clients.forSession(session);
      },
    ],
    ['dynamodb', () => new TenantStore(db as DynamoDBDocumentClient, deps.tableName, HEALTH_TENANT_ID).get()],
    [
      'isolation',
      async () => {
        try {
          await new TenantStore(db as DynamoDBDocumentClient, deps.tableName, deps.platformTenantId).get();
        } catch (err) {
          if ((err as Error).name === 'AccessDeniedException') return;
          throw err;
        }
        throw new IsolationBreached("the synthetic tenant's credentials read another tenant's key");
      },
    ],
  ];
  const checks: DeepHealth['checks'] = [{ name: 'authorizer', status: 'passed' }];
  let failed: HealthDependency | undefined;
  for (const [name, step] of steps) {
    if (failed) {
      checks.push({ name, status: 'not-run' });
      continue;
    }
    const started = Date.now();
    try {
      await step();
      checks.push({ name, status: 'passed', ms: Date.now() - started });
    } catch (err) {
      failed = name;
      // AWS errors are named (AccessDenied, ResourceNotFoundException); network errors carry a code.
      const e = err as Error & { code?: unknown };
      const detail = e.name && e.name !== 'Error' ? e.name : typeof e.code === 'string' ? e.code : 'Error';
      deps.obs?.logger.error('deep health check failed', { dependency: name, error: err as Error });
      checks.push({ name, status: 'failed', detail, ms: Date.now() - started });
    }
  }
  const body: DeepHealth = failed ? { status: 'failed', failed, checks } : { status: 'ok', checks };
  return json(failed ? 503 : 200, body);
};
