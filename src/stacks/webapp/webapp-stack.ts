import * as path from 'node:path';
import { type CfnElement, type CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { acknowledge, acknowledgeIamWildcards } from '../../checks/acknowledgements';
import { EncryptionKey } from '../../constructs/encryption-key';
import { PublishedValue } from '../../constructs/published-value';
import { AlarmTopic } from '../../constructs/webapp/alarm-topic';
import { ApiFirewall } from '../../constructs/webapp/api-firewall';
import { BillingExport } from '../../constructs/webapp/billing-export';
import type { ConsoleHosting } from '../../constructs/webapp/console-hosting';
import { FastishFunction } from '../../constructs/webapp/fastish-function';
import type { OperatorDataRole } from '../../constructs/webapp/operator-data-role';
import { TenantApi } from '../../constructs/webapp/tenant-api';
import type { TenantDataRole } from '../../constructs/webapp/tenant-data-role';
import { TenantTable } from '../../constructs/webapp/tenant-table';
import { TenantUserPool } from '../../constructs/webapp/tenant-user-pool';
import { UsageMetering } from '../../constructs/webapp/usage-metering';
import {
  ENV,
  GATEWAY_RESPONSES,
  PLATFORM_USAGE_TIER,
  ROLES,
  TABLE_KEYS,
  TENANT_INDEX,
} from '../../runtime/contract';
import { BILLING_GRANTS, ENTITIES } from '../../runtime/partitions';
import { EnvironmentStack, type EnvironmentStackProps } from '../environment-stack';
import { createConsoleHosting, readConsoleConfiguration } from './console';
import { addDataRoles } from './data-roles';
import { addHealthClient } from './health';
import { apiRoutes } from './routes';

export type WebappStackProps = Omit<EnvironmentStackProps, 'architecture' | 'bootstrapless' | 'team'>;

/** Repository root: bundles are built from here (package-lock.json, node_modules). */
const PROJECT_ROOT = path.resolve(__dirname, '..', '..', '..');
const runtimeEntry = (file: string) => path.join(PROJECT_ROOT, 'src', 'runtime', file);

/** Tenant id of the platform operators (the runtime's default). */
export const PLATFORM_TENANT_ID = 'platform';
export { CONSOLE_APP_ROOT, CONSOLE_ENV } from './console';

/** Environment variable of the API function holding the console origins (see `corsOriginAllowed`). */
export const CORS_ALLOW_ORIGIN_ENV = ENV.corsAllowOrigin;

/** Prefixes Cognito refuses in hosted UI domains. */
const RESERVED_DOMAIN_WORDS = ['aws', 'amazon', 'cognito'];

/**
 * The multi-tenant web application: Cognito, the REST API with its authorizer and WAF, the single
 * DynamoDB table with usage metering, the tenant-scoped data role (token vending machine) and the console
 * on Amplify Hosting. Handlers are the runtime's (`src/runtime`), bundled by the local esbuild.
 */
export class WebappStack extends EnvironmentStack {
  readonly userPool: TenantUserPool;
  readonly table: TenantTable;
  readonly api: TenantApi;
  readonly tenantRole: TenantDataRole;
  readonly operatorRole: OperatorDataRole;
  /** The console, when the environment enables it (`webapp.console`). */
  readonly console?: ConsoleHosting;
  readonly firewall: ApiFirewall;
  /** Invoke URL of the API stage, ending in `/`. */
  readonly apiUrl: string;
  /** Unauthenticated liveness URL for post-deploy health checks (`GET` → 200 `{"status":"ok"}`). */
  readonly healthUrl: string;
  /** Console origin (CORS allow-origin and OAuth callback host), when there is a console. */
  readonly consoleOrigin?: string;
  /** CloudFormation outputs, for pipelines (`useOutputs`) and health checks. */
  readonly outputs: {
    readonly apiUrl: CfnOutput;
    readonly userPoolId: CfnOutput;
    readonly userPoolClientId: CfnOutput;
    readonly cognitoDomain: CfnOutput;
    readonly tableName: CfnOutput;
    readonly consoleUrl?: CfnOutput;
  };
  /** SSM parameter names of the published values. */
  readonly parameterNames: Readonly<Partial<Record<keyof WebappStack['outputs'], string>>>;

  constructor(scope: Construct, id: string, props: WebappStackProps) {
    const settings = props.environment.settings.webapp;
    super(scope, id, { ...props, architecture: 'webapp', team: settings.team });
    const env = this.fastishEnv;
    const n = env.naming;
    const retention = env.settings.logRetentionDays as logs.RetentionDays;

    // Keys: table data, and operations (logs, queues, topic, secret).
    const tableKey = new EncryptionKey(this, 'TableKey', {
      alias: n.kmsAlias('webapp-table'),
      description: `Fastish ${env.name}: webapp table (tenant data)`,
    }).key;
    const opsKey = new EncryptionKey(this, 'OpsKey', {
      alias: n.kmsAlias('webapp'),
      description: `Fastish ${env.name}: webapp logs, alarm topic, dead letters, cursor key`,
    }).key;
    opsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsOfThisAccount',
        principals: [new iam.ServicePrincipal(`logs.${env.region}.amazonaws.com`)],
        actions: [
          'kms:Encrypt',
          'kms:Decrypt',
          'kms:ReEncryptFrom',
          'kms:ReEncryptTo',
          'kms:GenerateDataKey',
          'kms:DescribeKey',
        ],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${this.partition}:logs:${env.region}:${env.account}:log-group:*`,
          },
        },
      }),
    );

    const alarms = new AlarmTopic(this, 'Alarms', {
      topicName: n.name('snsTopic', 'webapp-alarms'),
      key: opsKey,
      emails: settings.alarmEmails,
    }).topic;

    // Data.
    const replicas = Object.fromEntries(
      settings.tableReplicaRegions.map((region) => [
        region,
        `arn:${this.partition}:kms:${region}:${env.account}:${n.kmsAlias('webapp-table')}`,
      ]),
    );
    this.table = new TenantTable(this, 'Data', {
      tableName: n.name('dynamodbTable', 'webapp'),
      partitionKey: TABLE_KEYS.partitionKey,
      sortKey: TABLE_KEYS.sortKey,
      timeToLiveAttribute: TABLE_KEYS.timeToLive,
      key: tableKey,
      replicas,
      // Tenant profiles alone carry `tier`: billing lists tenants from this index, never by a Scan.
      sparseIndexes: [
        {
          indexName: TENANT_INDEX.name,
          partitionKey: TENANT_INDEX.partitionKey,
          sortKey: TENANT_INDEX.sortKey,
          nonKeyAttributes: TENANT_INDEX.include,
        },
      ],
    });

    // Console hosting first: its origins feed CORS and the OAuth callback URLs.
    const consoleHosting = createConsoleHosting(this, settings, n, { key: opsKey, retention });
    this.console = consoleHosting?.hosting;
    this.consoleOrigin = this.console?.origin;

    // Identity.
    const domainPrefix = n.name('cognitoDomainPrefix', 'auth', env.account);
    const reserved = RESERVED_DOMAIN_WORDS.find((w) => domainPrefix.includes(w));
    if (reserved) {
      throw new Error(
        `${this.node.path}: Cognito domain prefix "${domainPrefix}" contains "${reserved}", which Cognito refuses; rename the organization or environment`,
      );
    }
    this.userPool = new TenantUserPool(this, 'Identity', {
      userPoolName: n.name('userPool', 'tenants'),
      domainPrefix,
      mfa: settings.mfa,
      groups: ROLES,
      // Previews sign in through the console's own callback (web/lib/session.ts): Cognito takes no wildcards.
      callbackUrls: consoleHosting
        ? [`${consoleHosting.hosting.origin}${consoleHosting.settings.callbackPath}`]
        : [],
      logoutUrls: consoleHosting ? [`${consoleHosting.hosting.origin}/`] : [],
    });

    // Functions.
    const fn = (id: string, name: string, entry: string, description: string, extra: Partial<FnExtra> = {}) =>
      new FastishFunction(this, id, {
        entry: runtimeEntry(entry),
        projectRoot: PROJECT_ROOT,
        functionName: n.name('lambdaFunction', `webapp-${name}`),
        description,
        serviceName: `fastish-${name}`,
        logGroupName: n.logGroupName('webapp', name),
        logKey: opsKey,
        logRetention: retention,
        alarmTopic: alarms,
        ...extra,
      });
    // Per-tenant API keys: tenants' key values are HMAC(usage key, tenant id) (src/runtime/usage-plans);
    // the operators' key is created here, from its own generated secret (CloudFormation cannot HMAC).
    const usageKeySecret = new secretsmanager.Secret(this, 'UsageKey', {
      secretName: n.name('secret', 'webapp', 'usage-key'),
      description: 'HMAC key deriving each tenant API key value (usage plan throttling and quota)',
      encryptionKey: opsKey,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    const platformKeySecret = new secretsmanager.Secret(this, 'PlatformUsageKey', {
      secretName: n.name('secret', 'webapp', 'platform-usage-key'),
      description: "Value of the platform operators' API key (usage plan throttling and quota)",
      encryptionKey: opsKey,
      generateSecretString: { passwordLength: 40, excludePunctuation: true },
    });
    const authorizerFn = fn(
      'AuthorizerFunction',
      'authorizer',
      'authorizer.ts',
      'Verifies Cognito ID tokens',
      {
        memorySize: 256,
        timeout: Duration.seconds(5),
        synchronousInvoker: 'the API Gateway TOKEN authorizer',
        environment: {
          [ENV.jwtIssuer]: this.userPool.userPool.userPoolProviderUrl,
          [ENV.jwtAudience]: this.userPool.client.userPoolClientId,
          [ENV.authCacheSeconds]: String(settings.authorizerCacheSeconds),
          [ENV.platformTenantId]: PLATFORM_TENANT_ID,
          [ENV.usageKeySecretArn]: usageKeySecret.secretArn,
          [ENV.platformUsageKeySecretArn]: platformKeySecret.secretArn,
        },
      },
    );
    usageKeySecret.grantRead(authorizerFn.role);
    platformKeySecret.grantRead(authorizerFn.role);
    addHealthClient(this, this.userPool, authorizerFn.function);

    const cursorKey = new secretsmanager.Secret(this, 'CursorKey', {
      secretName: n.name('secret', 'webapp', 'cursor-key'),
      description: 'HMAC key signing pagination cursors (binds a cursor to its tenant)',
      encryptionKey: opsKey,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    // A name, not a reference: the plans depend (via stage, deployment, methods) on the API function.
    const usagePlanIdsParameter = n.parameterName('webapp', 'api', 'usage-plan-ids');
    const apiFn = fn('ApiFunction', 'api', 'api.ts', 'Multi-tenant REST API', {
      memorySize: 1024,
      timeout: Duration.seconds(15),
      synchronousInvoker: 'API Gateway (Lambda proxy integration)',
      reservedConcurrentExecutions: settings.apiReservedConcurrency,
      environment: {
        [ENV.tableName]: this.table.table.tableName,
        [ENV.userPoolId]: this.userPool.userPool.userPoolId,
        [ENV.cursorKeySecretArn]: cursorKey.secretArn,
        [ENV.usageKeySecretArn]: usageKeySecret.secretArn,
        [ENV.usagePlanIdsParameter]: usagePlanIdsParameter,
        [ENV.idempotencyTtlSeconds]: String(settings.itemTtlDays * 86_400),
        [ENV.platformTenantId]: PLATFORM_TENANT_ID,
        // The console's origins, for `Access-Control-Allow-Origin` on Lambda proxy responses (API Gateway's
        // CORS covers only preflights and its own gateway responses).
        ...(this.console
          ? {
              [CORS_ALLOW_ORIGIN_ENV]: [this.console.origin, this.console.previewOrigins]
                .filter((o) => o !== undefined)
                .join(' '),
            }
          : {}),
      },
    });
    cursorKey.grantRead(apiFn.role);
    usageKeySecret.grantRead(apiFn.role);
    apiFn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ManageTenantUsers',
        actions: [
          'cognito-idp:AdminCreateUser',
          // Which tenant an existing e-mail belongs to, so an invite answers alike when another tenant has it.
          'cognito-idp:AdminGetUser',
          'cognito-idp:AdminUpdateUserAttributes',
          'cognito-idp:AdminUserGlobalSignOut',
          'cognito-idp:AdminDeleteUser',
        ],
        resources: [this.userPool.userPool.userPoolArn],
      }),
    );

    // The authorizer vends the data sessions (the tenant tag comes from the verified token); see data-roles.ts.
    ({ tenantRole: this.tenantRole, operatorRole: this.operatorRole } = addDataRoles(this, n, this.table, {
      authorizer: authorizerFn,
    }));

    const meteringFn = fn(
      'UsageStreamFunction',
      'usage-stream',
      'usage-stream.ts',
      'Meters item usage per tenant',
      {
        memorySize: 256,
        timeout: Duration.seconds(60),
        environment: { [ENV.tableName]: this.table.table.tableName },
      },
    );
    const metering = new UsageMetering(this, 'Metering', {
      consumer: meteringFn,
      table: this.table,
      queueKey: opsKey,
      deadLetterQueueName: n.name('sqsQueue', 'webapp-metering-dlq'),
      writableLeadingKeys: [`*#${ENTITIES.usage}`],
      alarmTopic: alarms,
    });

    // API.
    this.api = new TenantApi(this, 'Api', {
      restApiName: n.name('apiGateway', 'webapp-api'),
      handler: apiFn.function,
      authorizer: authorizerFn.function,
      routes: apiRoutes(),
      corsOrigin: this.consoleOrigin,
      corsOriginRegex: this.console?.previewOriginRegex,
      corsAllowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-Match'],
      authorizerCacheTtl: Duration.seconds(settings.authorizerCacheSeconds),
      accessLogGroupName: n.logGroupName('webapp', 'api-access'),
      logKey: opsKey,
      logRetention: retention,
      stageThrottle: settings.apiThrottle,
      tiers: settings.tiers,
      platformKey: { value: platformKeySecret.secretValue.unsafeUnwrap(), tier: PLATFORM_USAGE_TIER },
      gatewayResponses: {
        ...GATEWAY_RESPONSES,
        BAD_REQUEST_BODY: {
          status: 422,
          body: { error: { code: 'validation_failed', message: 'Request body is invalid' } },
        },
        BAD_REQUEST_PARAMETERS: {
          status: 400,
          body: { error: { code: 'invalid_parameter', message: 'Request parameters are invalid' } },
        },
        MISSING_AUTHENTICATION_TOKEN: {
          status: 404,
          body: { error: { code: 'route_not_found', message: 'No such route' } },
        },
        WAF_FILTERED: { status: 403, body: { error: { code: 'forbidden', message: 'Request blocked' } } },
      },
      alarmTopic: alarms,
    });
    this.apiUrl = this.api.url;

    // The API manages tenants' API keys: create/find keys, enable/disable/delete them, and move them
    // between the tier plans. A separate policy, not the role's default one: the function depends on its
    // default policy, and these statements name the usage plans, which depend on the function.
    const usagePlanIds = new PublishedValue(this, 'UsagePlanIds', {
      naming: n,
      architecture: 'webapp',
      key: 'api/usage-plan-ids',
      value: Stack.of(this).toJsonString(this.api.usagePlanIds),
      description: 'Usage plan id per tier (JSON)',
    });
    if (usagePlanIds.parameterName !== usagePlanIdsParameter)
      throw new Error('usage plan ids parameter name');
    const apigwArn = (path: string) => `arn:${this.partition}:apigateway:${env.region}::${path}`;
    const apiKeysResource = apigwArn('/apikeys*');
    const planKeysResources = [...this.api.usagePlans.values()].map((plan) =>
      apigwArn(`/usageplans/${plan.usagePlanId}/keys*`),
    );
    const tagsResource = apigwArn('/tags/*');
    const keyPolicy = new iam.Policy(this, 'UsagePlanKeysPolicy', {
      roles: [apiFn.role],
      statements: [
        new iam.PolicyStatement({
          sid: 'TenantApiKeys',
          // GET /apikeys (find by name and value), POST /apikeys (create), PATCH|DELETE /apikeys/<id>.
          actions: ['apigateway:GET', 'apigateway:POST', 'apigateway:PATCH', 'apigateway:DELETE'],
          resources: [apiKeysResource],
        }),
        new iam.PolicyStatement({
          sid: 'TierPlanMembership',
          // GET|POST /usageplans/<id>/keys, GET|DELETE /usageplans/<id>/keys/<keyId>, tier plans only.
          actions: ['apigateway:GET', 'apigateway:POST', 'apigateway:DELETE'],
          resources: planKeysResources,
        }),
        new iam.PolicyStatement({
          sid: 'TagKeysOnCreate',
          // CreateApiKey with tags also authorizes PUT on the new key's tags resource.
          actions: ['apigateway:PUT'],
          resources: [tagsResource],
        }),
        new iam.PolicyStatement({
          sid: 'ReadUsagePlanIds',
          actions: ['ssm:GetParameter'],
          resources: [
            `arn:${this.partition}:ssm:${env.region}:${env.account}:parameter${usagePlanIdsParameter}`,
          ],
        }),
      ],
    });
    acknowledgeIamWildcards(
      keyPolicy,
      {
        resources: [
          apiKeysResource,
          // As cdk-nag renders them: the plan id is a Ref, shown as <LogicalId>.
          ...[...this.api.usagePlans.values()].map((plan) =>
            apigwArn(`/usageplans/<${this.getLogicalId(plan.node.defaultChild as CfnElement)}>/keys*`),
          ),
          tagsResource,
        ],
      },
      "API key ids are generated by API Gateway when a tenant is onboarded, so the API function can only be scoped to the API-key collection (/apikeys*), to the key memberships of this stack's own tier usage plans (/usageplans/<id>/keys*), and to tagging (PUT /tags/*, which tag-on-create of a new key needs before its id exists).",
    );
    this.healthUrl = `${this.api.url}health`;

    // Billing: request counts from the usage plans (every 15 minutes) and the daily export (S3 + events).
    const billingFn = fn(
      'BillingExportFunction',
      'billing-export',
      'billing-export.ts',
      'Collects request counts from the usage plans; exports daily usage per tenant for billing',
      {
        memorySize: 512,
        timeout: Duration.minutes(5),
        environment: {
          [ENV.tableName]: this.table.table.tableName,
          [ENV.usagePlanIdsParameter]: usagePlanIdsParameter,
        },
      },
    );
    new BillingExport(this, 'Billing', {
      function: billingFn,
      table: this.table,
      tenantIndexName: TENANT_INDEX.name,
      usageAccess: BILLING_GRANTS,
      bucketName: n.bucketName('webapp-billing'),
      accessLogsBucketName: n.bucketName('webapp-billing-logs'),
      key: new EncryptionKey(this, 'BillingKey', {
        alias: n.kmsAlias('webapp-billing'),
        description: `Fastish ${env.name}: webapp billing exports (usage per tenant and day)`,
      }).key,
      deadLetterQueueName: n.name('sqsQueue', 'webapp-billing-dlq'),
      usagePlanIds: [...this.api.usagePlans.values()].map((plan) => plan.usagePlanId),
      usagePlanIdsParameterName: usagePlanIdsParameter,
      alarmTopic: alarms,
    });

    this.firewall = new ApiFirewall(this, 'Firewall', {
      name: n.name('wafWebAcl', 'webapp-api'),
      stageArn: this.api.stage.stageArn,
      rateLimitPer5Minutes: settings.wafRateLimitPer5Minutes,
      logging: { logGroupName: n.wafLogGroupName('webapp-api'), key: opsKey, retention },
    });

    // Published values.
    const publish = (id: string, key: string, value: string, description: string) =>
      new PublishedValue(this, id, { naming: n, architecture: 'webapp', key, value, description });
    const published = {
      apiUrl: publish('ApiUrl', 'api/url', this.apiUrl, 'Invoke URL of the tenant API'),
      userPoolId: publish(
        'UserPoolId',
        'user-pool/id',
        this.userPool.userPool.userPoolId,
        'Cognito user pool id',
      ),
      userPoolClientId: publish(
        'UserPoolClientId',
        'user-pool/client-id',
        this.userPool.client.userPoolClientId,
        'Cognito app client id of the console',
      ),
      cognitoDomain: publish(
        'CognitoDomain',
        'user-pool/domain',
        this.userPool.domainUrl,
        'Cognito hosted UI URL',
      ),
      tableName: publish('TableName', 'table/name', this.table.table.tableName, 'DynamoDB table name'),
      consoleUrl: this.consoleOrigin
        ? publish('ConsoleUrl', 'console/url', this.consoleOrigin, 'URL of the tenant console')
        : undefined,
    };
    if (this.console && published.consoleUrl && this.consoleOrigin) {
      readConsoleConfiguration(this.console, {
        apiUrl: { published: published.apiUrl, value: this.apiUrl },
        userPoolId: { published: published.userPoolId, value: this.userPool.userPool.userPoolId },
        clientId: { published: published.userPoolClientId, value: this.userPool.client.userPoolClientId },
        cognitoDomain: { published: published.cognitoDomain, value: this.userPool.domainUrl },
        consoleOrigin: { published: published.consoleUrl, value: this.consoleOrigin },
      });
    }
    this.outputs = {
      apiUrl: published.apiUrl.output,
      userPoolId: published.userPoolId.output,
      userPoolClientId: published.userPoolClientId.output,
      cognitoDomain: published.cognitoDomain.output,
      tableName: published.tableName.output,
      consoleUrl: published.consoleUrl?.output,
    };
    this.parameterNames = {
      apiUrl: published.apiUrl.parameterName,
      userPoolId: published.userPoolId.parameterName,
      userPoolClientId: published.userPoolClientId.parameterName,
      cognitoDomain: published.cognitoDomain.parameterName,
      tableName: published.tableName.parameterName,
      consoleUrl: published.consoleUrl?.parameterName,
    };

    for (const secret of [usageKeySecret, platformKeySecret]) {
      acknowledge(secret, [
        {
          id: 'AwsSolutions-SMG4',
          reason:
            'API key values derive from this secret; automatic rotation would orphan every tenant key (the authorizer would return values no key has). Rotate by re-keying tenants (suspend/resume re-creates keys) in a release.',
        },
        {
          id: 'FST-DATA1',
          reason:
            'Regenerable, not data: the usage plans and the operators key are stack resources and go with the stack; tenants are re-keyed from their records after a re-create (suspend/resume). Retaining it would block redeploying the fixed secret name.',
        },
      ]);
    }
    acknowledge(cursorKey, [
      {
        id: 'AwsSolutions-SMG4',
        reason:
          'The cursor HMAC key is read once per function instance; rotating it would invalidate every open pagination cursor. Rotate by replacing the secret in a release.',
      },
      {
        id: 'FST-DATA1',
        reason:
          'The cursor HMAC key is regenerable, not data: losing it only invalidates open pagination cursors (clients restart at page one); retaining it would block redeploying the fixed secret name.',
      },
    ]);
    void metering;
  }
}

type FnExtra = Pick<
  import('../../constructs/webapp/fastish-function').FastishFunctionProps,
  'memorySize' | 'timeout' | 'environment' | 'reservedConcurrentExecutions' | 'synchronousInvoker'
>;
