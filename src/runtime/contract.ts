/**
 * The contract between the webapp runtime (Lambda code) and the infrastructure that deploys it.
 * Plain constants and types only — the stack may import this module, and the runtime must never import
 * aws-cdk-lib, so this is the one place both sides read table attribute names, environment variable names,
 * roles, tiers and the DynamoDB actions tenant-scoped credentials need.
 */

/** Attribute names of the single table. The stack creates the table with exactly these. */
export const TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; DynamoDB TTL deletes expired idempotency records. */
  timeToLive: 'expiresAt',
} as const;

/**
 * The sparse global secondary index holding one entry per tenant: only tenant profiles carry a top-level
 * `tier` (data/keys.ts), so billing lists the tenants with one Query per tier, never a Scan.
 */
export const TENANT_INDEX = {
  name: 'tenants-by-tier',
  partitionKey: 'tier',
  sortKey: 'tenantId',
  /** Projected besides the keys. */
  include: ['status'],
} as const;

/** Tenant roles carried in the `custom:role` claim. `operator` exists only in the platform tenant. */
export const ROLES = ['operator', 'admin', 'member', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** Roles a tenant admin may give to users of their tenant (never `operator`). */
export const TENANT_ROLES = ['admin', 'member', 'viewer'] as const;
export type TenantRole = (typeof TENANT_ROLES)[number];

/** Tier names; equal to the configuration's `TIER_NAMES` (a test keeps them equal). */
export const TIERS = ['basic', 'standard', 'premium'] as const;
export type Tier = (typeof TIERS)[number];

/** Claims of the Cognito ID token the authorizer reads. The user pool defines them as custom attributes
 * that app clients may read but not write. */
export const CLAIMS = {
  tenantId: 'custom:tenant_id',
  role: 'custom:role',
  tier: 'custom:tier',
  userId: 'sub',
  email: 'email',
} as const;

/** Tenant ids: lowercase slug. No `#`, so `${tenant}#*` can never match another tenant's keys. */
export const TENANT_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])$/;

/**
 * The deep health check's synthetic tenant. It is reserved: onboarding refuses it and the authorizer refuses
 * ID tokens that claim it, so the only way to act as it is the health client's access token (below). Its
 * data credentials are the tenant role's like any tenant's: the session tag confines them to
 * `fastish-health#<entity>` partitions, so the health principal can never read a real tenant's items.
 */
export const HEALTH_TENANT_ID = 'fastish-health';

/**
 * The health client: a Cognito app client with only the client-credentials grant and one custom scope,
 * `<resource server>/<scope>`. Its access tokens (`token_use: access`, `sub` = `client_id`) are the only
 * tokens the authorizer maps to the synthetic tenant, and their policy allows only `GET <HEALTH_DEEP_PATH>`.
 */
export const HEALTH_CLIENT = {
  resourceServer: 'fastish-health',
  scopeName: 'deep',
  scope: 'fastish-health/deep',
} as const;

/** The authenticated health route: authorizer → STS AssumeRole + TagSession → DynamoDB, per dependency. */
export const HEALTH_DEEP_PATH = '/health/deep';

/** Who the caller is, from a verified token's claims. */
export interface TenantContext {
  tenantId: string;
  userId: string;
  role: Role;
  tier: Tier;
}

/**
 * Context the authorizer returns to API Gateway, which passes it to the API as `requestContext.authorizer`:
 * the tenant context plus the token's `exp` (epoch seconds). API Gateway reuses a cached Allow for its whole
 * TTL whatever the token's `exp`, so the API refuses the request itself once `exp` has passed.
 */
export interface AuthorizerContext extends TenantContext {
  exp: number;
}

/**
 * Every DynamoDB action a tenant session may call (the tenant data role, assumed by the authorizer with
 * session tag `tenant=<id>`); which of them on which of its partitions is `TENANT_SESSION_GRANTS`
 * (partitions.ts). No Scan, no PartiQL, no batch writes (they cannot carry conditions).
 */
export const TENANT_DATA_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:ConditionCheckItem',
] as const;

/** Session tag key the authorizer's token vending machine sets, and the policy variable that reads it. */
export const TENANT_SESSION_TAG = 'tenant';

/** Environment variables read by the handlers (the stack sets them). */
export const ENV = {
  /** Table name (API, stream consumer). */
  tableName: 'TABLE_NAME',
  /** ARN of the tenant data role the authorizer assumes per verified tenant (authorizer). Absent locally. */
  tenantRoleArn: 'TENANT_ROLE_ARN',
  /** ARN of the operator data role the authorizer assumes for verified operators (authorizer). Absent locally. */
  operatorRoleArn: 'OPERATOR_ROLE_ARN',
  /** JWT issuer, e.g. `https://cognito-idp.<region>.amazonaws.com/<userPoolId>` (authorizer). */
  jwtIssuer: 'JWT_ISSUER',
  /** Cognito app client id, the ID token's `aud` (authorizer). */
  jwtAudience: 'JWT_AUDIENCE',
  /** JWKS URI; default `${JWT_ISSUER}/.well-known/jwks.json` (authorizer). */
  jwksUri: 'JWT_JWKS_URI',
  /** App client id of the health client (client credentials), whose access tokens reach the deep health check (authorizer). */
  healthClientId: 'HEALTH_CLIENT_ID',
  /** Seconds a verified token stays cached in the authorizer (authorizer; default 300, 0 = none, max 3600). */
  authCacheSeconds: 'AUTH_CACHE_SECONDS',
  /** Tenant id whose `operator` users run the platform (authorizer, API; default `platform`). */
  platformTenantId: 'PLATFORM_TENANT_ID',
  /** ARN of the Secrets Manager secret holding the cursor HMAC key (API, cloud). */
  cursorKeySecretArn: 'CURSOR_KEY_SECRET_ARN',
  /** Cursor HMAC key itself, base64 (API, local development only). */
  cursorKey: 'CURSOR_KEY',
  /** The console origin, the only origin CORS allows (API, cloud; the stack sets it). */
  corsAllowOrigin: 'CORS_ALLOW_ORIGIN',
  /** Cognito user pool id, for the user directory adapter (API, cloud). */
  userPoolId: 'USER_POOL_ID',
  /** Seconds an idempotency record lives (API; default 86400). */
  idempotencyTtlSeconds: 'IDEMPOTENCY_TTL_SECONDS',
  /** Seconds the API caches a tenant's status (API; default 30; 0 = read every request). */
  tenantCacheSeconds: 'TENANT_CACHE_SECONDS',
  /**
   * Seconds the API reuses a user's membership (their user record: present, and its role) before reading it
   * again (API; default 10, at most 60; 0 = read every request). Bounds how long a removed or demoted user
   * keeps their old access.
   */
  membershipCacheSeconds: 'MEMBERSHIP_CACHE_SECONDS',
  /** ARN of the Secrets Manager secret holding the usage-key HMAC key (authorizer, API; cloud). */
  usageKeySecretArn: 'USAGE_KEY_SECRET_ARN',
  /** ARN of the secret whose value is the platform tenant's API key (authorizer; cloud). */
  platformUsageKeySecretArn: 'PLATFORM_USAGE_KEY_SECRET_ARN',
  /**
   * Name of the SSM parameter holding JSON `{"basic":"<usagePlanId>",...}`, the usage plan of each tier
   * (API; cloud). A parameter, not the JSON itself: the plans depend on the stage, the stage on the methods,
   * the methods on the API function, so the function's environment cannot reference the plans.
   */
  usagePlanIdsParameter: 'USAGE_PLAN_IDS_PARAMETER',
  /** Name of the bucket the billing export writes `usage/date=YYYY-MM-DD/usage.csv` to (billing export). */
  billingBucket: 'BILLING_BUCKET',
  /** Name of the event bus the billing export puts one event per tenant-day on (billing export). */
  billingEventBus: 'BILLING_EVENT_BUS',
} as const;

/** Throttle and daily quota of one tier's usage plan (per tenant: every tenant has its own API key). */
export interface TierLimits {
  /** Steady-state requests per second (token bucket refill rate). */
  rateLimit: number;
  /** Bucket size: requests that may arrive at once. */
  burstLimit: number;
  /** Requests per UTC day. */
  quotaPerDay: number;
}

/** Usage plan limits per tier when none are configured (the configuration's defaults; a test keeps them equal). */
export const DEFAULT_TIER_LIMITS: Record<Tier, TierLimits> = {
  basic: { rateLimit: 10, burstLimit: 20, quotaPerDay: 10_000 },
  standard: { rateLimit: 50, burstLimit: 100, quotaPerDay: 100_000 },
  premium: { rateLimit: 200, burstLimit: 400, quotaPerDay: 1_000_000 },
};

/** The usage plan the platform tenant's (operators') API key belongs to. */
export const PLATFORM_USAGE_TIER: Tier = 'premium';

/**
 * Bodies API Gateway should return for its own responses (Gateway Responses UNAUTHORIZED, ACCESS_DENIED,
 * DEFAULT_4XX, DEFAULT_5XX, THROTTLED), so clients see one error shape whether API Gateway or the API answers.
 */
export const GATEWAY_RESPONSES = {
  UNAUTHORIZED: {
    status: 401,
    body: { error: { code: 'unauthorized', message: 'Missing or invalid token' } },
  },
  ACCESS_DENIED: { status: 403, body: { error: { code: 'forbidden', message: 'Access denied' } } },
  THROTTLED: { status: 429, body: { error: { code: 'throttled', message: 'Too many requests' } } },
  QUOTA_EXCEEDED: {
    status: 429,
    body: { error: { code: 'quota_exceeded', message: 'Daily request quota reached' } },
  },
  /**
   * The authorizer allowed the token but the tenant's API key is missing or disabled: the tenant is
   * suspended, offboarded, or was never onboarded (API keys exist only for onboarded, active tenants).
   */
  INVALID_API_KEY: {
    status: 403,
    body: { error: { code: 'tenant_suspended', message: 'Tenant is not active' } },
  },
  REQUEST_TOO_LARGE: {
    status: 413,
    body: { error: { code: 'payload_too_large', message: 'Request too large' } },
  },
  DEFAULT_5XX: { status: 500, body: { error: { code: 'internal', message: 'Internal error' } } },
} as const;
