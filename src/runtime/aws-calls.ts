import { ENV, TENANT_SESSION_TAG } from './contract';
import { ENTITIES, type Entity } from './data/keys';

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
   * id), or an ARN pattern with `{partition}`, `{region}`, `{account}`, `{id}` (an id AWS generates) and
   * `{ids:<NAME>}` (each value of the JSON object held by the SSM parameter the variable names).
   */
  readonly resource: string;
  /** Made with the credentials of the role the variable names (assumed with the session tags below). */
  readonly as?: string;
  /** Session tags the request sets (`sts:AssumeRole`), each valued with the tenant id. */
  readonly sessionTags?: readonly string[];
  /** Partitions a DynamoDB call names (`dynamodb:LeadingKeys`: `<tenant>#<entity>`), one call per entity. */
  readonly entities?: readonly Entity[];
}

export interface HandlerAwsCalls {
  /** Entry file under src/runtime. */
  readonly entry: string;
  readonly calls: readonly HandlerAwsCall[];
  /** Commands of modules the handler imports only for other exports, which it never sends. */
  readonly notSent?: readonly string[];
}

const ALL_ENTITIES = Object.values(ENTITIES);
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
      // The token vending machine (data/sts-tenant-clients.ts): one session per tenant, tagged with its id.
      {
        commands: ['AssumeRoleCommand'],
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        resource: `env:${ENV.tenantRoleArn}`,
        sessionTags: [TENANT_SESSION_TAG],
      },
      {
        commands: ['GetCommand', 'PutCommand', 'QueryCommand', 'UpdateCommand', 'DeleteCommand'],
        actions: [
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:Query',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
        ],
        resource: `env:${ENV.tableName}`,
        as: ENV.tenantRoleArn,
        entities: ALL_ENTITIES,
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
  'fastish-authorizer': {
    entry: 'authorizer.ts',
    calls: [
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
        resource: `env:${ENV.tableName}`,
        entities: [ENTITIES.usage],
      },
    ],
    // data/usage.ts is imported for `utcDay`; its usage queries are the API's.
    notSent: ['QueryCommand'],
  },
};
