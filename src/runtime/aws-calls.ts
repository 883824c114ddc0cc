import { ENV, TABLE_KEYS, TENANT_INDEX, TENANT_SESSION_TAG } from './contract';
import { ENTITIES, type Entity } from './data/keys';
import { BILLING_ATTRIBUTES } from './partitions';

/**
 * The AWS calls each Lambda handler's code makes, kept beside the code so the deploy rehearsal
 * (`src/rehearse/phases/runtime`) authorizes what the handlers really send against the synthesized
 * policies. A test reads every handler's source (its entry and the runtime modules it imports) and fails
 * when it sends an SDK command listed nowhere here, or when a command listed here is no longer sent.
 * Plain data: the runtime bundles never read it.
 */
export interface HandlerAwsCall {
  /** SDK command classes the code sends (`new GetSecretValueCommand(...)`). */
  readonly commands: readonly string[];
  /** IAM actions those commands are authorized as. */
  readonly actions: readonly string[];
  /**
   * The target: `env:<NAME>`, the resource the environment variable names (its value is an ARN, name or
   * id), `env:<NAME>/<path>`, a path inside it (an object of a bucket, an index of a table), or an ARN pattern with `{partition}`, `{region}`, `{account}`, `{id}` (an id AWS generates) and
   * `{ids:<NAME>}` (each value of the JSON object held by the SSM parameter the variable names).
   */
  readonly resource: string;
  /** Made with the credentials of the role the variable names (assumed with the session tags below). */
  readonly as?: string;
  /**
   * The function (by service name) that assumes `as` and hands the credentials over, when not this one: the
   * variable and its session tags are that function's.
   * @default - this function
   */
  readonly vendedBy?: string;
  /** Session tags the request sets (`sts:AssumeRole`), each valued with the tenant id. */
  readonly sessionTags?: readonly string[];
  /** Partitions a DynamoDB call names (`dynamodb:LeadingKeys`: `<tenant>#<entity>`), one call per entity. */
  readonly entities?: readonly Entity[];
  /** Top-level attributes a DynamoDB call names (`dynamodb:Attributes`), key attributes included. */
  readonly attributes?: readonly string[];
}

export interface HandlerAwsCalls {
  /** Entry file under src/runtime. */
  readonly entry: string;
  readonly calls: readonly HandlerAwsCall[];
  /** Commands of modules the handler imports only for other exports, which it never sends. */
  readonly notSent?: readonly string[];
}

const AUTHORIZER = 'fastish-authorizer';
const TABLE = `env:${ENV.tableName}`;
const API_KEYS = 'arn:{partition}:apigateway:{region}::/apikeys';
const PLAN_KEYS = `arn:{partition}:apigateway:{region}::/usageplans/{ids:${ENV.usagePlanIdsParameter}}/keys`;

/** By the function's service name (`POWERTOOLS_SERVICE_NAME`, which the stack sets to `fastish-<entry>`). */
export const HANDLER_AWS_CALLS: Readonly<Record<string, HandlerAwsCalls>> = {
  'fastish-api': {
    entry: 'api.ts',
    calls: [
      {
        commands: ['GetParameterCommand'],
        actions: ['ssm:GetParameter'],
        resource: `env:${ENV.usagePlanIdsParameter}`,
      },
      {
        commands: ['GetSecretValueCommand'],
        actions: ['secretsmanager:GetSecretValue'],
        resource: `env:${ENV.cursorKeySecretArn}`,
      },
      {
        commands: ['GetSecretValueCommand'],
        actions: ['secretsmanager:GetSecretValue'],
        resource: `env:${ENV.usageKeySecretArn}`,
      },
      // Tenant routes, with the tenant session the authorizer vended (data/tenant-clients.ts): the tenant's
      // items, users and idempotency keys; its tenant record and usage read only.
      // An idempotent create is one TransactWriteItems (the key's record and the item: two PutItem).
      {
        commands: [
          'GetCommand',
          'PutCommand',
          'QueryCommand',
          'UpdateCommand',
          'DeleteCommand',
          'TransactWriteCommand',
        ],
        actions: [
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:Query',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
        ],
        resource: TABLE,
        as: ENV.tenantRoleArn,
        vendedBy: AUTHORIZER,
        entities: [ENTITIES.item, ENTITIES.user, ENTITIES.idempotency],
      },
      {
        commands: ['GetCommand', 'QueryCommand'],
        actions: ['dynamodb:GetItem', 'dynamodb:Query'],
        resource: TABLE,
        as: ENV.tenantRoleArn,
        vendedBy: AUTHORIZER,
        entities: [ENTITIES.tenant, ENTITIES.usage],
      },
      // Operator routes, with the operator session (api/tenants-handlers.ts): onboarding, tier and status
      // changes, offboarding, usage reports.
      {
        commands: ['GetCommand', 'PutCommand', 'UpdateCommand'],
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resource: TABLE,
        as: ENV.operatorRoleArn,
        vendedBy: AUTHORIZER,
        entities: [ENTITIES.tenant],
      },
      {
        commands: ['PutCommand', 'QueryCommand', 'DeleteCommand'],
        actions: ['dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:DeleteItem'],
        resource: TABLE,
        as: ENV.operatorRoleArn,
        vendedBy: AUTHORIZER,
        entities: [ENTITIES.user],
      },
      {
        commands: ['QueryCommand', 'DeleteCommand'],
        actions: ['dynamodb:Query', 'dynamodb:DeleteItem'],
        resource: TABLE,
        as: ENV.operatorRoleArn,
        vendedBy: AUTHORIZER,
        entities: [ENTITIES.item, ENTITIES.idempotency],
      },
      {
        commands: ['QueryCommand'],
        actions: ['dynamodb:Query'],
        resource: TABLE,
        as: ENV.operatorRoleArn,
        vendedBy: AUTHORIZER,
        entities: [ENTITIES.usage],
      },
      {
        commands: [
          'AdminCreateUserCommand',
          'AdminGetUserCommand',
          'AdminUpdateUserAttributesCommand',
          'AdminUserGlobalSignOutCommand',
          'AdminDeleteUserCommand',
        ],
        actions: [
          'cognito-idp:AdminCreateUser',
          'cognito-idp:AdminGetUser',
          'cognito-idp:AdminUpdateUserAttributes',
          'cognito-idp:AdminUserGlobalSignOut',
          'cognito-idp:AdminDeleteUser',
        ],
        resource: `env:${ENV.userPoolId}`,
      },
      // API keys in the tier usage plans (usage-plans/api-gateway-registry.ts); API Gateway authorizes by path.
      { commands: ['GetApiKeysCommand'], actions: ['apigateway:GET'], resource: API_KEYS },
      { commands: ['CreateApiKeyCommand'], actions: ['apigateway:POST'], resource: API_KEYS },
      {
        commands: ['CreateApiKeyCommand'],
        actions: ['apigateway:PUT'],
        resource:
          'arn:{partition}:apigateway:{region}::/tags/arn%3A{partition}%3Aapigateway%3A{region}%3A%3A%2Fapikeys%2F{id}',
      },
      {
        commands: ['UpdateApiKeyCommand', 'DeleteApiKeyCommand'],
        actions: ['apigateway:PATCH', 'apigateway:DELETE'],
        resource: `${API_KEYS}/{id}`,
      },
      {
        commands: ['GetUsagePlanKeyCommand', 'DeleteUsagePlanKeyCommand'],
        actions: ['apigateway:GET', 'apigateway:DELETE'],
        resource: `${PLAN_KEYS}/{id}`,
      },
      { commands: ['CreateUsagePlanKeyCommand'], actions: ['apigateway:POST'], resource: PLAN_KEYS },
    ],
  },
  [AUTHORIZER]: {
    entry: 'authorizer.ts',
    calls: [
      // The token vending machine (data/sts-sessions.ts): the verified tenant's session, tagged with its id,
      // or an operator's session; the API gets the credentials in the authorizer context.
      {
        commands: ['AssumeRoleCommand'],
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        resource: `env:${ENV.tenantRoleArn}`,
        sessionTags: [TENANT_SESSION_TAG],
      },
      {
        commands: ['AssumeRoleCommand'],
        actions: ['sts:AssumeRole'],
        resource: `env:${ENV.operatorRoleArn}`,
      },
      {
        commands: ['GetSecretValueCommand'],
        actions: ['secretsmanager:GetSecretValue'],
        resource: `env:${ENV.usageKeySecretArn}`,
      },
      {
        commands: ['GetSecretValueCommand'],
        actions: ['secretsmanager:GetSecretValue'],
        resource: `env:${ENV.platformUsageKeySecretArn}`,
      },
    ],
  },
  // The metering consumer: usage counters only, with its own role (the stream itself is read by Lambda).
  'fastish-usage-stream': {
    entry: 'usage-stream.ts',
    calls: [
      {
        commands: ['UpdateCommand', 'GetCommand'],
        actions: ['dynamodb:UpdateItem', 'dynamodb:GetItem'],
        resource: TABLE,
        entities: [ENTITIES.usage],
      },
    ],
    // data/usage.ts is imported for `utcDay`; its usage queries and updates are the API's and billing's.
    notSent: ['QueryCommand'],
  },
  // Billing (billing-export.ts): request counts from the usage plans into the usage days, and the daily
  // export (CSV in S3, one event per tenant-day), with its own role.
  'fastish-billing-export': {
    entry: 'billing-export.ts',
    calls: [
      {
        commands: ['GetParameterCommand'],
        actions: ['ssm:GetParameter'],
        resource: `env:${ENV.usagePlanIdsParameter}`,
      },
      {
        commands: ['GetUsageCommand'],
        actions: ['apigateway:GET'],
        resource: `arn:{partition}:apigateway:{region}::/usageplans/{ids:${ENV.usagePlanIdsParameter}}/usage`,
      },
      {
        commands: ['GetUsagePlanKeysCommand'],
        actions: ['apigateway:GET'],
        resource: PLAN_KEYS,
      },
      // The tenant list (billing/tenants.ts): the sparse tenant index, never a Scan.
      {
        commands: ['QueryCommand'],
        actions: ['dynamodb:Query'],
        resource: `${TABLE}/index/${TENANT_INDEX.name}`,
      },
      {
        commands: ['QueryCommand'],
        actions: ['dynamodb:Query'],
        resource: TABLE,
        entities: [ENTITIES.usage],
      },
      {
        commands: ['UpdateCommand'],
        actions: ['dynamodb:UpdateItem'],
        resource: TABLE,
        entities: [ENTITIES.usage],
        attributes: [TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey, ...BILLING_ATTRIBUTES],
      },
      {
        commands: ['PutObjectCommand'],
        actions: ['s3:PutObject'],
        resource: `env:${ENV.billingBucket}/usage/date=2026-01-01/usage.csv`,
      },
      {
        commands: ['PutEventsCommand'],
        actions: ['events:PutEvents'],
        resource: 'arn:{partition}:events:{region}:{account}:event-bus/default',
      },
    ],
  },
};
