import type { BoundaryCase } from '../security/deployment-cases';

/**
 * The tenant-data privilege boundaries of the webapp, as data: who may (`allow`) and may not (`deny`) do
 * what to the table, its stream and the data roles. tenant-boundaries.test.ts evaluates every row with the
 * rehearsal's IAM evaluator over the synthesized webapp stack; `tenantBoundaryCases` gives them in the
 * shape docs/security.md renders (test/security/render.ts).
 *
 * The tenant session is tenant `alpha`'s (session tag `tenant=alpha`); `bravo` is another tenant.
 */

/** Principals of the rows. */
export const BOUNDARY_PRINCIPALS = {
  tenant: 'tenant session (tenant data role, tag tenant=alpha)',
  operator: 'operator session (operator data role)',
  api: 'API function role (runs every handler)',
  authorizer: 'authorizer function role (verifies the token, vends the data sessions)',
  metering: 'usage-stream function role (metering consumer)',
  billing: 'billing function role (request counts, daily export)',
} as const;

export type BoundaryPrincipal = keyof typeof BOUNDARY_PRINCIPALS;

/** What a row acts on: the table, its stream, or one of the data roles (for `sts:*`). */
export type BoundaryTarget = 'table' | 'stream' | 'tenant data role' | 'operator data role';

export interface TenantBoundary {
  readonly id: string;
  readonly expect: 'deny' | 'allow';
  readonly principal: BoundaryPrincipal;
  readonly action: string;
  readonly target: BoundaryTarget;
  /** Partition keys the request names (`dynamodb:LeadingKeys`). */
  readonly keys?: readonly string[];
  /** Top-level attributes the request names (`dynamodb:Attributes`). */
  readonly attributes?: readonly string[];
  /** Session tags requested (`sts:AssumeRole` / `sts:TagSession`). */
  readonly tags?: Readonly<Record<string, string>>;
  /** Other request context (`dynamodb:ReturnValues`, or the session's own tag for `tenant`). */
  readonly context?: Readonly<Record<string, string>>;
  /** The path in words, for the docs. */
  readonly what: string;
}

const deny = (row: Omit<TenantBoundary, 'expect'>): TenantBoundary => ({ ...row, expect: 'deny' });
const allow = (row: Omit<TenantBoundary, 'expect'>): TenantBoundary => ({ ...row, expect: 'allow' });
const ITEM_ACTIONS = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query'] as const;
const KEYS_AND_REQUESTS = ['pk', 'sk', 'requests'];
const KEYS_AND_BILLING = [
  'pk',
  'sk',
  'requests',
  'requestsByPlan',
  'billedDigest',
  'billedRevision',
  'billedAt',
];

export const TENANT_BOUNDARIES: readonly TenantBoundary[] = [
  // A tenant session and other tenants.
  ...(['GetItem', 'Query', 'PutItem', 'DeleteItem'] as const).map((a) =>
    deny({
      id: `tenant-other-items-${a}`,
      principal: 'tenant',
      action: `dynamodb:${a}`,
      target: 'table',
      keys: ['bravo#item'],
      what: `${a} on another tenant's items`,
    }),
  ),
  deny({
    id: 'tenant-other-users',
    principal: 'tenant',
    action: 'dynamodb:GetItem',
    target: 'table',
    keys: ['bravo#user'],
    what: "read another tenant's users",
  }),
  deny({
    id: 'tenant-other-tier',
    principal: 'tenant',
    action: 'dynamodb:UpdateItem',
    target: 'table',
    keys: ['bravo#tenant'],
    what: "change another tenant's tier or status",
  }),
  deny({
    id: 'tenant-mixed-keys',
    principal: 'tenant',
    action: 'dynamodb:GetItem',
    target: 'table',
    keys: ['alpha#item', 'bravo#item'],
    what: 'a request naming its own and another tenant partition',
  }),
  deny({
    id: 'tenant-wildcard-tag',
    principal: 'tenant',
    action: 'dynamodb:GetItem',
    target: 'table',
    keys: ['bravo#item'],
    context: { 'aws:PrincipalTag/tenant': '*' },
    what: 'a session tagged `*` reading any tenant (tags are compared exactly)',
  }),
  // A tenant session and its own bill.
  ...(['UpdateItem', 'PutItem', 'DeleteItem'] as const).map((a) =>
    deny({
      id: `tenant-own-record-${a}`,
      principal: 'tenant',
      action: `dynamodb:${a}`,
      target: 'table',
      keys: ['alpha#tenant'],
      what: `${a} on its own tenant record (tier, status)`,
    }),
  ),
  ...(['UpdateItem', 'PutItem', 'DeleteItem'] as const).map((a) =>
    deny({
      id: `tenant-own-usage-${a}`,
      principal: 'tenant',
      action: `dynamodb:${a}`,
      target: 'table',
      keys: ['alpha#usage'],
      what: `${a} on its own usage counters`,
    }),
  ),
  // A tenant session and the whole table.
  ...(['Scan', 'PartiQLSelect', 'ExecuteStatement', 'BatchWriteItem', 'BatchGetItem'] as const).map((a) =>
    deny({
      id: `tenant-${a}`,
      principal: 'tenant',
      action: `dynamodb:${a}`,
      target: 'table',
      what: `${a} on the table`,
    }),
  ),
  ...(['GetRecords', 'GetShardIterator', 'DescribeStream'] as const).map((a) =>
    deny({
      id: `tenant-stream-${a}`,
      principal: 'tenant',
      action: `dynamodb:${a}`,
      target: 'stream',
      what: `${a} on the table's stream (every tenant's changes)`,
    }),
  ),
  deny({
    id: 'tenant-assume-operator',
    principal: 'tenant',
    action: 'sts:AssumeRole',
    target: 'operator data role',
    what: 'become the operator data role',
  }),
  // The API's code (any handler) and data credentials.
  deny({
    id: 'api-assume-tenant',
    principal: 'api',
    action: 'sts:AssumeRole',
    target: 'tenant data role',
    tags: { tenant: 'bravo' },
    what: 'a handler minting a session for a tenant it chooses',
  }),
  deny({
    id: 'api-tag-session',
    principal: 'api',
    action: 'sts:TagSession',
    target: 'tenant data role',
    tags: { tenant: 'bravo' },
    what: 'a handler tagging a data session',
  }),
  deny({
    id: 'api-assume-operator',
    principal: 'api',
    action: 'sts:AssumeRole',
    target: 'operator data role',
    what: 'a handler becoming the operator data role',
  }),
  deny({
    id: 'api-read-items',
    principal: 'api',
    action: 'dynamodb:GetItem',
    target: 'table',
    keys: ['alpha#item'],
    what: "read tenant items with the function's own role",
  }),
  deny({
    id: 'api-write-tier',
    principal: 'api',
    action: 'dynamodb:UpdateItem',
    target: 'table',
    keys: ['alpha#tenant'],
    attributes: ['pk', 'sk', 'tier'],
    what: "write a tier with the function's own role",
  }),
  deny({
    id: 'api-usage-other-counter',
    principal: 'api',
    action: 'dynamodb:UpdateItem',
    target: 'table',
    keys: ['alpha#usage'],
    attributes: ['pk', 'sk', 'storedItems'],
    what: 'change a usage counter other than the request count',
  }),
  deny({
    id: 'api-usage-unnamed-attributes',
    principal: 'api',
    action: 'dynamodb:UpdateItem',
    target: 'table',
    keys: ['alpha#usage'],
    what: 'an update that names no attributes',
  }),
  deny({
    id: 'api-usage-return-all',
    principal: 'api',
    action: 'dynamodb:UpdateItem',
    target: 'table',
    keys: ['alpha#usage'],
    attributes: KEYS_AND_REQUESTS,
    context: { 'dynamodb:ReturnValues': 'ALL_NEW' },
    what: 'a request-count update returning the whole usage record',
  }),
  deny({
    id: 'api-usage-delete',
    principal: 'api',
    action: 'dynamodb:DeleteItem',
    target: 'table',
    keys: ['alpha#usage'],
    what: 'delete usage',
  }),
  // The authorizer: only a well-formed tenant tag, only its data roles.
  ...(
    [
      ['authorizer-tag-wildcard', { tenant: '*' }, 'a session tagged `*`'],
      ['authorizer-tag-separator', { tenant: 'alpha#item' }, 'a tag holding the key separator `#`'],
      ['authorizer-extra-tag', { tenant: 'alpha', role: 'admin' }, 'a session with a second tag'],
      ['authorizer-no-tag', {}, 'a tenant session without a tenant tag'],
    ] as const
  ).map(([id, tags, what]) =>
    deny({ id, principal: 'authorizer', action: 'sts:AssumeRole', target: 'tenant data role', tags, what }),
  ),
  deny({
    id: 'authorizer-table',
    principal: 'authorizer',
    action: 'dynamodb:GetItem',
    target: 'table',
    keys: ['alpha#item'],
    what: "read the table with the authorizer's own role",
  }),
  // Platform roles beyond their part.
  ...(['UpdateItem', 'DeleteItem'] as const).map((a) =>
    deny({
      id: `operator-usage-${a}`,
      principal: 'operator',
      action: `dynamodb:${a}`,
      target: 'table',
      keys: ['alpha#usage'],
      what: `${a} on usage (operators read usage only)`,
    }),
  ),
  deny({
    id: 'operator-delete-tenant-record',
    principal: 'operator',
    action: 'dynamodb:DeleteItem',
    target: 'table',
    keys: ['alpha#tenant'],
    what: 'delete a tenant record (offboarded tenants stay as tombstones)',
  }),
  deny({
    id: 'operator-scan',
    principal: 'operator',
    action: 'dynamodb:Scan',
    target: 'table',
    what: 'Scan the table',
  }),
  deny({
    id: 'metering-tier',
    principal: 'metering',
    action: 'dynamodb:UpdateItem',
    target: 'table',
    keys: ['alpha#tenant'],
    what: 'the metering consumer writing a tier',
  }),
  deny({
    id: 'metering-items',
    principal: 'metering',
    action: 'dynamodb:GetItem',
    target: 'table',
    keys: ['alpha#item'],
    what: "the metering consumer reading a tenant's items",
  }),

  // Must-allow: what keeps the platform working.
  ...ITEM_ACTIONS.map((a) =>
    allow({
      id: `tenant-own-items-${a}`,
      principal: 'tenant',
      action: `dynamodb:${a}`,
      target: 'table',
      keys: ['alpha#item'],
      what: `${a} on its own items`,
    }),
  ),
  allow({
    id: 'tenant-own-users',
    principal: 'tenant',
    action: 'dynamodb:PutItem',
    target: 'table',
    keys: ['alpha#user'],
    what: 'invite a user of its own',
  }),
  allow({
    id: 'tenant-own-idempotency',
    principal: 'tenant',
    action: 'dynamodb:UpdateItem',
    target: 'table',
    keys: ['alpha#idem'],
    what: 'record an idempotency key of its own',
  }),
  allow({
    id: 'tenant-read-record',
    principal: 'tenant',
    action: 'dynamodb:GetItem',
    target: 'table',
    keys: ['alpha#tenant'],
    what: 'read its own tier and status',
  }),
  allow({
    id: 'tenant-read-usage',
    principal: 'tenant',
    action: 'dynamodb:Query',
    target: 'table',
    keys: ['alpha#usage'],
    what: 'read its own usage report',
  }),
  ...(['UpdateItem', 'PutItem', 'GetItem'] as const).map((a) =>
    allow({
      id: `operator-tenant-record-${a}`,
      principal: 'operator',
      action: `dynamodb:${a}`,
      target: 'table',
      keys: ['alpha#tenant'],
      what: `${a} on a tenant record (onboarding, tier, status)`,
    }),
  ),
  ...(['Query', 'DeleteItem'] as const).map((a) =>
    allow({
      id: `operator-offboard-${a}`,
      principal: 'operator',
      action: `dynamodb:${a}`,
      target: 'table',
      keys: ['alpha#item'],
      what: `${a} on a tenant's items (offboarding)`,
    }),
  ),
  allow({
    id: 'operator-first-admin',
    principal: 'operator',
    action: 'dynamodb:PutItem',
    target: 'table',
    keys: ['alpha#user'],
    what: "the first admin's user record (onboarding)",
  }),
  allow({
    id: 'operator-usage-report',
    principal: 'operator',
    action: 'dynamodb:Query',
    target: 'table',
    keys: ['alpha#usage'],
    what: "a tenant's usage report",
  }),
  allow({
    id: 'metering-usage',
    principal: 'metering',
    action: 'dynamodb:UpdateItem',
    target: 'table',
    keys: ['alpha#usage'],
    what: 'item usage counters',
  }),
  // The API writes no usage at all: request counts are the usage plans'.
  deny({
    id: 'api-count-request',
    principal: 'api',
    action: 'dynamodb:UpdateItem',
    target: 'table',
    keys: ['alpha#usage'],
    attributes: KEYS_AND_REQUESTS,
    what: 'a request count (`requests`) in usage',
  }),
  allow({
    id: 'billing-record-requests',
    principal: 'billing',
    action: 'dynamodb:UpdateItem',
    target: 'table',
    keys: ['alpha#usage'],
    attributes: KEYS_AND_BILLING,
    what: 'request counts and billing marks in usage',
  }),
  deny({
    id: 'billing-item-counters',
    principal: 'billing',
    action: 'dynamodb:UpdateItem',
    target: 'table',
    keys: ['alpha#usage'],
    attributes: ['pk', 'sk', 'itemsCreated'],
    what: 'item counters (the metering consumer alone writes them)',
  }),
  ...(['GetItem', 'Query', 'Scan'] as const).map((a) =>
    deny({
      id: `billing-items-${a}`,
      principal: 'billing',
      action: `dynamodb:${a}`,
      target: 'table',
      keys: ['alpha#item'],
      what: `${a} on a tenant's items`,
    }),
  ),
  deny({
    id: 'billing-tenant-write',
    principal: 'billing',
    action: 'dynamodb:UpdateItem',
    target: 'table',
    keys: ['alpha#tenant'],
    attributes: ['pk', 'sk', 'tier'],
    what: "a tenant's tier",
  }),
  ...(['sts:AssumeRole', 'sts:TagSession'] as const).map((a) =>
    allow({
      id: `authorizer-tenant-${a}`,
      principal: 'authorizer',
      action: a,
      target: 'tenant data role',
      tags: { tenant: 'alpha' },
      what: `${a} for the verified tenant`,
    }),
  ),
  allow({
    id: 'authorizer-operator',
    principal: 'authorizer',
    action: 'sts:AssumeRole',
    target: 'operator data role',
    what: 'an operator session for a verified operator',
  }),
];

/** The deployed ARNs of the principals and targets of one webapp stack. */
export interface DeployedBoundaries {
  readonly principals: Readonly<Record<BoundaryPrincipal, string>>;
  readonly targets: Readonly<Record<BoundaryTarget, string>>;
}

/** The rows as calls of the deployed principals on the deployed targets, with their request context. */
export function tenantBoundaryCases(deployed: DeployedBoundaries): BoundaryCase[] {
  return TENANT_BOUNDARIES.map((row) => {
    const tags = row.tags ?? {};
    const context: Record<string, string | string[]> = {
      ...(row.principal === 'tenant' ? { 'aws:PrincipalTag/tenant': 'alpha' } : {}),
      ...(row.keys ? { 'dynamodb:LeadingKeys': [...row.keys] } : {}),
      ...(row.attributes ? { 'dynamodb:Attributes': [...row.attributes] } : {}),
      ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:RequestTag/${k}`, v])),
      ...(Object.keys(tags).length > 0 ? { 'aws:TagKeys': Object.keys(tags) } : {}),
      ...row.context,
    };
    return {
      boundary: row.what,
      who: BOUNDARY_PRINCIPALS[row.principal],
      principal: deployed.principals[row.principal],
      action: row.action,
      resource: deployed.targets[row.target],
      context,
      expect: row.expect,
    };
  });
}
