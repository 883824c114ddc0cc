import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { type AuthorizerContext, HEALTH_TENANT_ID } from '../contract';
import { CursorSigner } from '../cursor';
import { sessionFromContext } from '../data/tenant-clients';
import { TenantStore } from '../data/tenants';
import { ApiError } from '../errors';
import { header, parseParam } from '../http/request';
import { errorResponse } from '../http/response';
import { observability } from '../observability';
import type { Tenant } from '../schemas';
import { callerFromEvent } from './context';
import { corsOriginAllowed } from './cors';
import type { ApiDeps, HandlerInput } from './handler';
import { HANDLERS } from './handlers';
import { effectiveRole, Memberships } from './membership';
import { matchRoute } from './routes';

export type { ApiDeps, Handler, HandlerInput } from './handler';

/** Builds the API handler around its dependencies; api.ts wires AWS ones, src/dev wires local ones. */
export function createApiHandler(deps: ApiDeps) {
  const obs = deps.obs ?? observability('fastish-api');
  const clock = deps.now ?? (() => new Date());
  // The pending read is cached, so concurrent requests of a tenant (a cold instance under load) share one.
  const tenantCache = new Map<string, { tenant: Promise<Tenant | undefined>; until: number }>();
  const memberships = new Memberships(deps.tableName, deps.membershipCacheSeconds ?? 10, () =>
    clock().getTime(),
  );
  let signer: Promise<CursorSigner> | undefined;

  function loadTenant(tenantId: string, db: DynamoDBDocumentClient, now: Date): Promise<Tenant | undefined> {
    const hit = tenantCache.get(tenantId);
    if (hit && hit.until > now.getTime()) return hit.tenant;
    const tenant = new TenantStore(db, deps.tableName, tenantId).get();
    if (deps.tenantCacheSeconds > 0) {
      const entry = { tenant, until: now.getTime() + deps.tenantCacheSeconds * 1000 };
      tenantCache.set(tenantId, entry);
      tenant.catch(() => {
        if (tenantCache.get(tenantId) === entry) tenantCache.delete(tenantId);
      });
    }
    return tenant;
  }

  /** A client on the request's data session; the authorizer always sends one with an Allow. */
  async function sessionClient(event: APIGatewayProxyEvent): Promise<DynamoDBDocumentClient> {
    const session = sessionFromContext(event.requestContext?.authorizer);
    if (!session) throw new Error('the authorizer context carries no data credentials');
    return deps.clients.forSession(session);
  }

  async function dispatch(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
    const match = matchRoute(event.httpMethod, event.path);
    if (!match) throw new ApiError('route_not_found', 'No such route');
    if ('allowed' in match) {
      const res = errorResponse(new ApiError('method_not_allowed', 'Method not allowed'));
      return { ...res, headers: { ...res.headers, allow: match.allowed.join(', ') } };
    }
    const { route } = match;
    const params: Record<string, string> = {};
    for (const [name, schema] of Object.entries(route.params ?? {})) {
      params[name] = parseParam(match.params[name], schema, name) as string;
    }
    const now = clock();
    signer ??= deps.cursorKey().then((key) => new CursorSigner(key));
    const cursor = await signer;
    const base = { event, route, params, deps, cursor, memberships, now };
    if (route.access === 'public') {
      return HANDLERS[route.operationId]({ ...base } as HandlerInput);
    }
    const token = callerOrThrow(event, now);
    const { exp: _exp, ...caller } = token;
    // The synthetic health tenant reaches health routes only, and only it does (its gateway policy already
    // allows nothing else; this holds even if that policy were wrong).
    const health = caller.tenantId === HEALTH_TENANT_ID;
    if (health !== (route.access === 'health')) throw new ApiError('forbidden', 'Your role cannot do this');
    if (route.access !== 'health' && !route.access.includes(caller.role))
      throw new ApiError('forbidden', 'Your role cannot do this');
    if (!route.tenantScoped) {
      // Operator routes act with the operator session; the deep health check reports a missing session itself.
      const db = route.access === 'health' ? undefined : await sessionClient(event);
      return HANDLERS[route.operationId]({ ...base, caller, db } as HandlerInput);
    }
    const db = await sessionClient(event);
    const [stored, tenant] = await Promise.all([
      memberships.role(db, caller.tenantId, caller.userId),
      loadTenant(caller.tenantId, db, now),
    ]);
    // A removed user's token is revoked (401, as for an invalid token); they learn nothing about the tenant.
    if (!stored) throw new ApiError('unauthorized', 'This session is no longer valid; sign in again');
    const role = effectiveRole(caller.role, stored);
    if (!role || !(route.access as readonly string[]).includes(role))
      throw new ApiError('forbidden', 'Your role cannot do this');
    if (!tenant) throw new ApiError('forbidden', 'Unknown tenant');
    if (tenant.status !== 'active') throw new ApiError('tenant_suspended', `Tenant is ${tenant.status}`);
    return HANDLERS[route.operationId]({ ...base, caller: { ...caller, role }, tenant, db });
  }

  return async (event: APIGatewayProxyEvent, context?: Context): Promise<APIGatewayProxyResult> => {
    if (context) obs.logger.addContext(context);
    const started = Date.now();
    let result: APIGatewayProxyResult;
    try {
      result = await dispatch(event);
    } catch (err) {
      if (err instanceof ApiError) {
        result = errorResponse(err);
      } else {
        // The client gets a generic error and the request id; the details go to the log only.
        obs.logger.error('unhandled error', {
          error: err as Error,
          path: event.path,
          method: event.httpMethod,
        });
        result = errorResponse(
          new ApiError('internal', `Internal error (request ${event.requestContext?.requestId ?? '-'})`),
        );
      }
    }
    obs.metrics.addMetric(
      result.statusCode >= 500 ? 'Fault' : result.statusCode >= 400 ? 'ClientError' : 'Success',
      MetricUnit.Count,
      1,
    );
    obs.metrics.addMetric('Latency', MetricUnit.Milliseconds, Date.now() - started);
    obs.metrics.publishStoredMetrics();
    return withCors(result, header(event, 'origin'), deps.corsAllowOrigin);
  };
}

/** Adds CORS response headers when the request comes from an allowed origin (see `corsOriginAllowed`). */
export function withCors(
  result: APIGatewayProxyResult,
  origin: string | undefined,
  allowed: string | undefined,
): APIGatewayProxyResult {
  if (!origin || !corsOriginAllowed(origin, allowed)) return result;
  return {
    ...result,
    headers: {
      ...result.headers,
      'access-control-allow-origin': origin,
      'access-control-expose-headers': 'ETag, Location',
      vary: 'Origin',
    },
  };
}

/**
 * The authorizer's context, refused once the token's `exp` has passed: API Gateway serves a cached Allow
 * for its whole TTL, past the token's expiry, so this is where expiry holds on every request.
 */
function callerOrThrow(event: APIGatewayProxyEvent, now: Date): AuthorizerContext {
  const caller = callerFromEvent(event);
  if (!caller) throw new ApiError('unauthorized', 'No verified identity');
  if (now.getTime() >= caller.exp * 1000) throw new ApiError('unauthorized', 'The token has expired');
  return caller;
}
