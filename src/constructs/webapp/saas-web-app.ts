import * as path from 'node:path';
import { type CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { acknowledge } from '../../checks/acknowledgements';
import { Naming } from '../../naming';
import { ENV, PLATFORM_USAGE_TIER, ROLES, TABLE_KEYS, TENANT_INDEX } from '../../runtime/contract';
import { BILLING_GRANTS, ENTITIES } from '../../runtime/partitions';
import { EncryptionKey } from '../encryption-key';
import { requireLiteralPartition } from '../literal-partition';
import { PublishedValue } from '../published-value';
import { AlarmTopic } from './alarm-topic';
import { ApiFirewall } from './api-firewall';
import { grantApiKeyManagement } from './api-key-access';
import { apiRoutes } from './api-routes';
import { BillingExport } from './billing-export';
import type { ConsoleHosting } from './console-hosting';
import { createConsoleHosting, readConsoleConfiguration } from './console-wiring';
import { addDataRoles } from './data-roles';
import { FastishFunction, type FastishFunctionProps } from './fastish-function';
import { addHealthClient } from './health-check';
import type { OperatorDataRole } from './operator-data-role';
import { DEFAULT_TENANT_TIERS, type SaasWebAppProps } from './saas-web-app-props';
import { TenantApi } from './tenant-api';
import type { TenantDataRole } from './tenant-data-role';
import { partitionAccess, TenantTable } from './tenant-table';
import { TenantUserPool, WebAppMfa } from './tenant-user-pool';
import { UsageMetering } from './usage-metering';
import { WEBAPP_GATEWAY_RESPONSES, webAppKeys } from './web-app-support';

/** Repository root: bundles are built from here (package-lock.json, node_modules). */
const PROJECT_ROOT = path.resolve(__dirname, '..', '..', '..');
const runtimeEntry = (file: string) => path.join(PROJECT_ROOT, 'src', 'runtime', file);

/** Tenant id of the platform operators (the runtime's default). */
export const PLATFORM_TENANT_ID = 'platform';

/** Prefixes Cognito refuses in hosted UI domains. */
const RESERVED_DOMAIN_WORDS = ['aws', 'amazon', 'cognito'];

type FunctionOptions = Pick<
  FastishFunctionProps,
  'memorySize' | 'timeout' | 'environment' | 'reservedConcurrentExecutions' | 'synchronousInvoker'
>;

/** The web app's CloudFormation outputs, for pipelines (`useOutputs`) and health checks. */
export interface SaasWebAppOutputs {
  readonly apiUrl: CfnOutput;
  readonly userPoolId: CfnOutput;
  readonly userPoolClientId: CfnOutput;
  readonly cognitoDomain: CfnOutput;
  readonly tableName: CfnOutput;
  readonly consoleUrl?: CfnOutput;
}

/**
 * The multi-tenant SaaS web application as one construct: the tenant table (`tenant_id#entity_id`, KMS,
 * point-in-time recovery, retained) with stream metering; the Cognito user pool (tenant attributes only
 * the API writes, MFA); the REST API with the tenant-aware TOKEN authorizer, a usage plan per tier, WAF
 * and access logs; the data roles the authorizer vends per request, scoped to the caller's tenant; the
 * daily billing export; the alarm topic; the console on Amplify Hosting when `console` is given; and its
 * ids and URLs published under `/fastish/<env>/webapp/`. Handlers are the Fastish runtime's, bundled at
 * synth by the local esbuild (ARM64, Node.js 22). Needs a stack with an explicit region and the feature flag
 * `@aws-cdk/core:enablePartitionLiterals` (one of the flags `cdk init` writes).
 */
export class SaasWebApp extends Construct {
  readonly userPool: TenantUserPool;
  readonly table: TenantTable;
  readonly api: TenantApi;
  readonly tenantRole: TenantDataRole;
  readonly operatorRole: OperatorDataRole;
  readonly metering: UsageMetering;
  readonly billing: BillingExport;
  readonly firewall: ApiFirewall;
  /** The console, when `console` is given. */
  readonly console?: ConsoleHosting;
  /** Topic of the web app's alarms. */
  readonly alarmTopic: sns.ITopic;
  /** Key of the table's data. */
  readonly tableKey: kms.IKey;
  /** Key of logs, queues, the alarm topic and the secrets. */
  readonly operationsKey: kms.IKey;
  /** The function behind every route. */
  readonly apiFunction: FastishFunction;
  /** The TOKEN authorizer, which also vends the tenant-scoped data sessions. */
  readonly authorizerFunction: FastishFunction;
  /** Invoke URL of the API stage, ending in `/`. */
  readonly apiUrl: string;
  /** Unauthenticated liveness URL for post-deploy health checks (`GET` → 200 `{"status":"ok"}`). */
  readonly healthUrl: string;
  /** Console origin (CORS allow-origin and OAuth callback host), when there is a console. */
  readonly consoleOrigin?: string;
  /** CloudFormation outputs of the published values. */
  readonly outputs: SaasWebAppOutputs;
  /** SSM parameter names of the published values. */
  readonly parameterNames: Record<string, string>;

  constructor(scope: Construct, id: string, props: SaasWebAppProps) {
    super(scope, id);
    requireLiteralPartition(this);
    const n = new Naming(props.naming);
    const { region, account, environment } = props.naming;
    const { partition } = Stack.of(this);
    const retention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    const authorizerCacheSeconds = (props.authorizerCacheTtl ?? Duration.minutes(5)).toSeconds();

    const keys = webAppKeys(this, n, { environment, region, account, partition });
    this.tableKey = keys.table;
    this.operationsKey = keys.operations;
    const opsKey = keys.operations;

    const alarms = new AlarmTopic(this, 'Alarms', {
      topicName: n.name('snsTopic', 'webapp-alarms'),
      key: opsKey,
      emails: props.alarmEmails ?? [],
    }).topic;
    this.alarmTopic = alarms;

    // Data.
    const replicas = Object.fromEntries(
      (props.tableReplicaRegions ?? []).map((r) => [
        r,
        `arn:${partition}:kms:${r}:${account}:${n.kmsAlias('webapp-table')}`,
      ]),
    );
    this.table = new TenantTable(this, 'Data', {
      tableName: n.name('dynamodbTable', 'webapp'),
      partitionKey: TABLE_KEYS.partitionKey,
      sortKey: TABLE_KEYS.sortKey,
      timeToLiveAttribute: TABLE_KEYS.timeToLive,
      key: keys.table,
      replicas,
      // Tenant profiles alone carry `tier`: billing lists tenants from this index, never by a Scan.
      sparseIndexes: [
        {
          indexName: TENANT_INDEX.name,
          partitionKey: TENANT_INDEX.partitionKey,
          sortKey: TENANT_INDEX.sortKey,
          nonKeyAttributes: [...TENANT_INDEX.include],
        },
      ],
    });

    // Console hosting first: its origins feed CORS and the OAuth callback URLs.
    const consoleHosting = props.console
      ? createConsoleHosting(this, props.console, n, { key: opsKey, retention })
      : undefined;
    this.console = consoleHosting?.hosting;
    this.consoleOrigin = this.console?.origin;

    // Identity.
    const domainPrefix = n.name('cognitoDomainPrefix', 'auth', account);
    const reserved = RESERVED_DOMAIN_WORDS.find((w) => domainPrefix.includes(w));
    if (reserved) {
      throw new Error(
        `${this.node.path}: Cognito domain prefix "${domainPrefix}" contains "${reserved}", which Cognito refuses; rename the organization or environment`,
      );
    }
    this.userPool = new TenantUserPool(this, 'Identity', {
      userPoolName: n.name('userPool', 'tenants'),
      domainPrefix,
      mfa: props.mfa ?? WebAppMfa.REQUIRED,
      groups: [...ROLES],
      // Previews sign in through the console's own callback (web/lib/session.ts): Cognito takes no wildcards.
      callbackUrls: consoleHosting ? [`${consoleHosting.hosting.origin}${consoleHosting.callbackPath}`] : [],
      logoutUrls: consoleHosting ? [`${consoleHosting.hosting.origin}/`] : [],
    });

    // Functions.
    const fn = (fid: string, name: string, entry: string, description: string, extra: FunctionOptions = {}) =>
      new FastishFunction(this, fid, {
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
          [ENV.authCacheSeconds]: String(authorizerCacheSeconds),
          [ENV.platformTenantId]: PLATFORM_TENANT_ID,
          [ENV.usageKeySecretArn]: usageKeySecret.secretArn,
          [ENV.platformUsageKeySecretArn]: platformKeySecret.secretArn,
        },
      },
    );
    this.authorizerFunction = authorizerFn;
    usageKeySecret.grantRead(authorizerFn.role);
    platformKeySecret.grantRead(authorizerFn.role);
    addHealthClient(this, n, this.userPool, authorizerFn.function, props.healthCheckPipeline);

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
      reservedConcurrentExecutions: props.apiReservedConcurrency,
      environment: {
        [ENV.tableName]: this.table.table.tableName,
        [ENV.userPoolId]: this.userPool.userPool.userPoolId,
        [ENV.cursorKeySecretArn]: cursorKey.secretArn,
        [ENV.usageKeySecretArn]: usageKeySecret.secretArn,
        [ENV.usagePlanIdsParameter]: usagePlanIdsParameter,
        [ENV.idempotencyTtlSeconds]: String((props.idempotencyTtl ?? Duration.days(30)).toSeconds()),
        [ENV.platformTenantId]: PLATFORM_TENANT_ID,
        // The console's origins, for `Access-Control-Allow-Origin` on Lambda proxy responses (API Gateway's
        // CORS covers only preflights and its own gateway responses).
        ...(this.console
          ? {
              [ENV.corsAllowOrigin]: [this.console.origin, this.console.previewOrigins]
                .filter((o) => o !== undefined)
                .join(' '),
            }
          : {}),
      },
    });
    this.apiFunction = apiFn;
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
    this.metering = new UsageMetering(this, 'Metering', {
      consumer: meteringFn,
      table: this.table,
      queueKey: opsKey,
      deadLetterQueueName: n.name('sqsQueue', 'webapp-metering-dlq'),
      writableLeadingKeys: [`*#${ENTITIES.usage}`],
      alarmTopic: alarms,
    });

    // API.
    const tiers = props.tiers ?? DEFAULT_TENANT_TIERS;
    this.api = new TenantApi(this, 'Api', {
      restApiName: n.name('apiGateway', 'webapp-api'),
      handler: apiFn.function,
      authorizer: authorizerFn.function,
      routes: apiRoutes(),
      corsOrigin: this.consoleOrigin,
      corsOriginRegex: this.console?.previewOriginRegex,
      corsAllowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-Match'],
      authorizerCacheTtl: Duration.seconds(authorizerCacheSeconds),
      accessLogGroupName: n.logGroupName('webapp', 'api-access'),
      logKey: opsKey,
      logRetention: retention,
      stageThrottle: props.apiThrottle ?? { rateLimit: 500, burstLimit: 1_000 },
      tiers: { basic: tiers.basic, standard: tiers.standard, premium: tiers.premium },
      platformKey: { value: platformKeySecret.secretValue.unsafeUnwrap(), tier: PLATFORM_USAGE_TIER },
      gatewayResponses: WEBAPP_GATEWAY_RESPONSES,
      alarmTopic: alarms,
    });
    this.apiUrl = this.api.url;
    grantApiKeyManagement(this, n, apiFn, this.api, usagePlanIdsParameter);
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
    this.billing = new BillingExport(this, 'Billing', {
      function: billingFn,
      table: this.table,
      tenantIndexName: TENANT_INDEX.name,
      usageAccess: partitionAccess(BILLING_GRANTS),
      bucketName: n.bucketName('webapp-billing'),
      accessLogsBucketName: n.bucketName('webapp-billing-logs'),
      key: new EncryptionKey(this, 'BillingKey', {
        alias: n.kmsAlias('webapp-billing'),
        description: `Fastish ${environment}: webapp billing exports (usage per tenant and day)`,
      }).key,
      deadLetterQueueName: n.name('sqsQueue', 'webapp-billing-dlq'),
      usagePlanIds: Object.values(this.api.usagePlans).map((plan) => plan.usagePlanId),
      usagePlanIdsParameterName: usagePlanIdsParameter,
      alarmTopic: alarms,
    });

    this.firewall = new ApiFirewall(this, 'Firewall', {
      name: n.name('wafWebAcl', 'webapp-api'),
      stageArn: this.api.stage.stageArn,
      rateLimitPer5Minutes: props.wafRateLimitPer5Minutes ?? 2_000,
      logging: { logGroupName: n.wafLogGroupName('webapp-api'), key: opsKey, retention },
    });

    ({ outputs: this.outputs, parameterNames: this.parameterNames } = this.publish(n));
    acknowledgeSecrets([usageKeySecret, platformKeySecret], cursorKey);
  }

  /** Publishes the ids and URLs clients and the console need, and points the console's builds at them. */
  private publish(n: Naming): { outputs: SaasWebAppOutputs; parameterNames: Record<string, string> } {
    const publish = (pid: string, key: string, value: string, description: string) =>
      new PublishedValue(this, pid, { naming: n, architecture: 'webapp', key, value, description });
    const pool = this.userPool;
    const published = {
      apiUrl: publish('ApiUrl', 'api/url', this.apiUrl, 'Invoke URL of the tenant API'),
      userPoolId: publish('UserPoolId', 'user-pool/id', pool.userPool.userPoolId, 'Cognito user pool id'),
      userPoolClientId: publish(
        'UserPoolClientId',
        'user-pool/client-id',
        pool.client.userPoolClientId,
        'Cognito app client id of the console',
      ),
      cognitoDomain: publish('CognitoDomain', 'user-pool/domain', pool.domainUrl, 'Cognito hosted UI URL'),
      tableName: publish('TableName', 'table/name', this.table.table.tableName, 'DynamoDB table name'),
      consoleUrl: this.consoleOrigin
        ? publish('ConsoleUrl', 'console/url', this.consoleOrigin, 'URL of the tenant console')
        : undefined,
    };
    if (this.console && published.consoleUrl && this.consoleOrigin) {
      readConsoleConfiguration(this.console, {
        apiUrl: { published: published.apiUrl, value: this.apiUrl },
        userPoolId: { published: published.userPoolId, value: pool.userPool.userPoolId },
        clientId: { published: published.userPoolClientId, value: pool.client.userPoolClientId },
        cognitoDomain: { published: published.cognitoDomain, value: pool.domainUrl },
        consoleOrigin: { published: published.consoleUrl, value: this.consoleOrigin },
      });
    }
    const entries = Object.entries(published).filter(
      (e): e is [keyof SaasWebAppOutputs, PublishedValue] => e[1] !== undefined,
    );
    return {
      outputs: Object.fromEntries(entries.map(([k, v]) => [k, v.output])) as unknown as SaasWebAppOutputs,
      parameterNames: Object.fromEntries(entries.map(([k, v]) => [k, v.parameterName])),
    };
  }
}

function acknowledgeSecrets(
  keySecrets: readonly secretsmanager.Secret[],
  cursorKey: secretsmanager.Secret,
): void {
  for (const secret of keySecrets) {
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
}
