import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { TenantContext } from '../contract';
import type { CursorSigner } from '../cursor';
import type { TenantClients } from '../data/tenant-clients';
import type { UserDirectory } from '../directory';
import type { Observability } from '../observability';
import type { Tenant } from '../schemas';
import type { UsagePlanRegistry } from '../usage-plans/registry';
import type { Memberships } from './membership';
import type { RouteSpec } from './routes';

/*
 * The API's dependencies and the handler contract, apart from the router (app.ts) so the handler modules
 * and the handler table (handlers.ts) depend on these types only, never on the module that imports them.
 */

export interface ApiDeps {
  tableName: string;
  /**
   * DynamoDB clients on the data credentials the authorizer vended for the request's verified token (the
   * tenant session, or the operator session): the API never names the tenant its credentials reach.
   */
  clients: TenantClients;
  directory: UserDirectory;
  /**
   * Per-tenant API keys in the tier usage plans (API Gateway in AWS, a fake locally). The plans throttle,
   * enforce the daily quota and count each tenant's requests; the API itself writes no usage.
   */
  usagePlans: UsagePlanRegistry;
  /** HMAC key for cursors; resolved once (Secrets Manager in AWS). */
  cursorKey: () => Promise<Buffer>;
  idempotencyTtlSeconds: number;
  /** How long a tenant's status is reused before reading it again (0: every request). */
  tenantCacheSeconds: number;
  /**
   * How long a user's membership (their record and its role) is reused before reading it again (0: every
   * request): the longest a removed or demoted user keeps the old access on another API instance.
   * @default 10
   */
  membershipCacheSeconds?: number;
  platformTenantId: string;
  /**
   * The console origins (`CORS_ALLOW_ORIGIN`, see `corsOriginAllowed`). Responses to requests from one of
   * them carry `Access-Control-Allow-Origin` (API Gateway's CORS answers only preflights and its own error
   * responses; proxy responses are the function's job).
   * @default no CORS headers
   */
  corsAllowOrigin?: string;
  now?: () => Date;
  obs?: Observability;
}

export interface HandlerInput {
  event: APIGatewayProxyEvent;
  route: RouteSpec;
  params: Record<string, string>;
  /**
   * Present on every route except public ones. On tenant routes, `role` is the effective one: the lower of
   * the token's and the user record's.
   */
  caller: TenantContext;
  /** The caller's tenant record, on tenant-scoped routes. */
  tenant: Tenant;
  /**
   * A client on the request's data credentials, on every authenticated route but the deep health check:
   * the caller's tenant session (tenant routes) or the operator session (operator routes).
   */
  db: DynamoDBDocumentClient;
  deps: ApiDeps;
  cursor: CursorSigner;
  /** Membership cache of this instance; the user routes make it forget what they change. */
  memberships: Memberships;
  now: Date;
}

export type Handler = (input: HandlerInput) => Promise<APIGatewayProxyResult>;
