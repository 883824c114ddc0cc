import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { acknowledge, acknowledgeManagedPolicies } from '../../checks/acknowledgements';

/** HTTP method of an API route. */
export enum ApiMethod {
  GET = 'GET',
  POST = 'POST',
  PUT = 'PUT',
  PATCH = 'PATCH',
  DELETE = 'DELETE',
}

/** One route of the API, as API Gateway needs it (the stack derives these from the runtime's route table). */
export interface ApiRoute {
  readonly method: ApiMethod;
  /** Path with `{param}` segments, e.g. `/items/{itemId}`. */
  readonly path: string;
  /** Public routes skip the authorizer (health, the OpenAPI document). */
  readonly public: boolean;
  /** Model name for the body schema (alphanumeric). Required with `bodySchema`. */
  readonly bodyModelName?: string;
  /** JSON Schema (draft-04) API Gateway validates the JSON body against before invoking the function. */
  // biome-ignore lint/suspicious/noExplicitAny: jsii's JSON type (unknown is not jsii); the schema is data
  readonly bodySchema?: Record<string, any>;
}

/** Throttle and quota of one tier's usage plan. */
export interface TierLimits {
  /** Steady-state requests per second, per tenant. */
  readonly rateLimit: number;
  /** Burst capacity in requests, per tenant. */
  readonly burstLimit: number;
  /** Requests per tenant per day. */
  readonly quotaPerDay: number;
}

/** Throttling of a whole API stage: the ceiling above every tier's usage plan. */
export interface ApiThrottle {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  /** Burst capacity in requests. */
  readonly burstLimit: number;
}

/** The operators' API key, which cannot come from onboarding. */
export interface PlatformApiKey {
  /** The key's value (e.g. a Secrets Manager dynamic reference). */
  readonly value: string;
  /** The tier whose usage plan it joins. */
  readonly tier: string;
}

/** A response API Gateway produces itself (authorizer denial, throttling, validation…). */
export interface GatewayErrorResponse {
  /** HTTP status of the response. */
  readonly status: number;
  /** JSON body of the response. */
  // biome-ignore lint/suspicious/noExplicitAny: jsii's JSON type (unknown is not jsii); the body is data
  readonly body: any;
}

export interface TenantApiProps {
  /** API name (from `Naming.name('apiGateway', …)`). */
  readonly restApiName: string;
  /** Function behind every route (Lambda proxy integration). */
  readonly handler: lambda.IFunction;
  /** TOKEN authorizer function (reads the `Authorization: Bearer <jwt>` header). */
  readonly authorizer: lambda.IFunction;
  /** Routes; every non-public route gets the authorizer. */
  readonly routes: ApiRoute[];
  /**
   * The origin allowed by CORS (the console), and the one API Gateway's own error responses name.
   * @default - no CORS (no browser client)
   */
  readonly corsOrigin?: string;
  /**
   * More origins the CORS preflight admits: a regular expression a whole origin must match (VTL's Java
   * `String.matches`), e.g. the console's pull-request previews.
   * @default - only `corsOrigin`
   */
  readonly corsOriginRegex?: string;
  /** Request headers the console sends besides the CORS-safelisted ones. */
  readonly corsAllowHeaders: string[];
  /**
   * How long API Gateway caches an authorizer decision per token.
   * @default Duration.minutes(5)
   */
  readonly authorizerCacheTtl?: Duration;
  /** Access log group name (from `Naming.logGroupName`). */
  readonly accessLogGroupName: string;
  readonly logKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  /**
   * Stage name.
   * @default 'v1'
   */
  readonly stageName?: string;
  /** Throttling of the whole stage: the ceiling above every usage plan. */
  readonly stageThrottle: ApiThrottle;
  /**
   * One usage plan per tier. Every authorized method requires an API key, which the authorizer supplies
   * (`usageIdentifierKey`; key source AUTHORIZER): each tenant's own key in its tier's plan, so the plan's
   * throttle and quota apply per tenant. Tenants' keys are created at onboarding (by the API).
   */
  readonly tiers: Record<string, TierLimits>;
  /**
   * The operators' API key, which cannot come from onboarding: its value (e.g. a Secrets Manager dynamic
   * reference) and the tier whose usage plan it joins.
   * @default - no operators' key (operator routes answer 403 until one is added)
   */
  readonly platformKey?: PlatformApiKey;
  /** Bodies of API Gateway's own error responses, keyed by gateway response type (`UNAUTHORIZED`, …). */
  readonly gatewayResponses: Record<string, GatewayErrorResponse>;
  /**
   * Topic for the 5XX and latency alarms.
   * @default - no alarms
   */
  readonly alarmTopic?: sns.ITopic;
}

/**
 * The REST API: one resource tree built from the route table, Lambda proxy integrations, a TOKEN
 * authorizer on every non-public method, body validation against JSON Schema models, CORS for the console,
 * JSON access logs (KMS) with the tenant id, X-Ray, stage throttling and a usage plan per tier whose
 * throttle and quota apply per tenant (every authorized method requires the tenant's API key).
 */
export class TenantApi extends Construct {
  readonly api: apigw.RestApi;
  readonly stage: apigw.Stage;
  readonly accessLogs: logs.LogGroup;
  /** The usage plan of each tier, by tier name. */
  readonly usagePlans: Record<string, apigw.UsagePlan>;
  /** The operators' key (when `platformKey` is set). */
  readonly platformApiKey?: apigw.IApiKey;
  readonly tokenAuthorizer: apigw.TokenAuthorizer;

  constructor(scope: Construct, id: string, props: TenantApiProps) {
    super(scope, id);
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      logGroupName: props.accessLogGroupName,
      retention: props.logRetention,
      encryptionKey: props.logKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const corsHeaders: Record<string, string> = props.corsOrigin
      ? { 'Access-Control-Allow-Origin': `'${props.corsOrigin}'`, Vary: "'Origin'" }
      : {};

    this.api = new apigw.RestApi(this, 'Api', {
      restApiName: props.restApiName,
      description: 'Fastish multi-tenant API',
      endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      apiKeySourceType: apigw.ApiKeySourceType.AUTHORIZER,
      minCompressionSize: undefined,
      deployOptions: {
        stageName: props.stageName ?? 'v1',
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        throttlingRateLimit: props.stageThrottle.rateLimit,
        throttlingBurstLimit: props.stageThrottle.burstLimit,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogs),
        accessLogFormat: apigw.AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            extendedRequestId: '$context.extendedRequestId',
            requestTime: '$context.requestTimeEpoch',
            ip: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
            method: '$context.httpMethod',
            resourcePath: '$context.resourcePath',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integrationLatency',
            tenantId: '$context.authorizer.tenantId',
            userId: '$context.authorizer.principalId',
            authorizerError: '$context.authorizer.error',
            errorType: '$context.error.responseType',
            wafStatus: '$context.waf.status',
            xrayTraceId: '$context.xrayTraceId',
          }),
        ),
      },
      ...(props.corsOrigin
        ? {
            defaultCorsPreflightOptions: {
              allowOrigins: [props.corsOrigin],
              allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
              allowHeaders: [...props.corsAllowHeaders],
              allowCredentials: false,
              maxAge: Duration.hours(1),
            },
          }
        : {}),
    });
    this.stage = this.api.deploymentStage;

    this.tokenAuthorizer = new apigw.TokenAuthorizer(this, 'Authorizer', {
      handler: props.authorizer,
      identitySource: apigw.IdentitySource.header('Authorization'),
      validationRegex: '^Bearer [A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*$',
      resultsCacheTtl: props.authorizerCacheTtl ?? Duration.minutes(5),
    });

    const validator = new apigw.RequestValidator(this, 'Validator', {
      restApi: this.api,
      requestValidatorName: 'body-and-parameters',
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const integration = new apigw.LambdaIntegration(props.handler, {
      proxy: true,
      // One invoke permission for the whole API instead of one per method (and per test-invoke).
      scopePermissionToMethod: false,
    });
    const models = new Map<string, apigw.Model>();
    for (const route of props.routes) {
      const resource = this.api.root.resourceForPath(route.path);
      const pathParams = [...route.path.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1] as string);
      let requestModels: Record<string, apigw.IModel> | undefined;
      if (route.bodySchema) {
        if (!route.bodyModelName)
          throw new Error(`${route.method} ${route.path}: bodySchema needs bodyModelName`);
        let model = models.get(route.bodyModelName);
        if (!model) {
          model = this.api.addModel(`Model${route.bodyModelName}`, {
            modelName: route.bodyModelName,
            contentType: 'application/json',
            schema: route.bodySchema as apigw.JsonSchema,
          });
          models.set(route.bodyModelName, model);
        }
        requestModels = { 'application/json': model };
      }
      resource.addMethod(route.method, integration, {
        operationName: `${route.method} ${route.path}`,
        requestValidator: validator,
        requestParameters: Object.fromEntries(pathParams.map((p) => [`method.request.path.${p}`, true])),
        ...(requestModels ? { requestModels } : {}),
        ...(route.public
          ? { authorizationType: apigw.AuthorizationType.NONE, apiKeyRequired: false }
          : {
              authorizer: this.tokenAuthorizer,
              authorizationType: apigw.AuthorizationType.CUSTOM,
              // No authorized method without a usage plan: a request whose tenant has no (enabled) key is
              // refused, so there is no unthrottled path.
              apiKeyRequired: true,
            }),
      });
    }

    if (props.corsOrigin && props.corsOriginRegex) admitOriginPattern(this.api, props.corsOriginRegex);

    for (const [type, response] of Object.entries(props.gatewayResponses)) {
      this.api.addGatewayResponse(`Response${type}`, {
        type: gatewayResponseType(type),
        statusCode: String(response.status),
        responseHeaders: corsHeaders,
        templates: { 'application/json': JSON.stringify(response.body) },
      });
    }

    const plans: Record<string, apigw.UsagePlan> = {};
    for (const [tier, limits] of Object.entries(props.tiers)) {
      plans[tier] = this.api.addUsagePlan(`UsagePlan-${tier}`, {
        name: `${props.restApiName}-${tier}`,
        description: `Tier ${tier}: per-tenant throttle and daily quota`,
        throttle: { rateLimit: limits.rateLimit, burstLimit: limits.burstLimit },
        quota: { limit: limits.quotaPerDay, period: apigw.Period.DAY },
        apiStages: [{ api: this.api, stage: this.stage }],
      });
    }
    this.usagePlans = plans;
    if (props.platformKey) {
      const plan = plans[props.platformKey.tier];
      if (!plan) throw new Error(`platformKey.tier ${props.platformKey.tier} has no usage plan`);
      this.platformApiKey = new apigw.ApiKey(this, 'PlatformKey', {
        apiKeyName: `${props.restApiName}-operators`,
        description: 'Platform operators: usage plan membership (the authorizer supplies it)',
        value: props.platformKey.value,
        enabled: true,
      });
      plan.addApiKey(this.platformApiKey);
    }

    if (props.alarmTopic) {
      const action = new cwActions.SnsAction(props.alarmTopic);
      this.api
        .metricServerError({ period: Duration.minutes(5), statistic: 'Sum' })
        .createAlarm(this, 'ServerErrors', {
          alarmDescription: `${props.restApiName}: 5XX responses`,
          threshold: 5,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        })
        .addAlarmAction(action);
      this.api
        .metricLatency({ period: Duration.minutes(5), statistic: 'p99' })
        .createAlarm(this, 'Latency', {
          alarmDescription: `${props.restApiName}: p99 latency above 3 s`,
          threshold: 3000,
          evaluationPeriods: 3,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        })
        .addAlarmAction(action);
    }

    acknowledgeManagedPolicies(
      this.api,
      ['service-role/AmazonAPIGatewayPushToCloudWatchLogs'],
      'API Gateway account-level logging role: AWS documents this managed policy as the way to grant it',
    );
    acknowledge(this.api, [
      {
        id: 'AwsSolutions-COG4',
        reason:
          'Methods use a Lambda TOKEN authorizer that verifies the Cognito ID token (issuer, audience, token use, signature) and derives the tenant context; a Cognito authorizer cannot return that context.',
      },
    ]);
    for (const route of props.routes.filter((r) => r.public)) {
      const method = this.api.root.resourceForPath(route.path).node.tryFindChild(route.method);
      if (!method) continue;
      acknowledge(method, [
        {
          id: 'AwsSolutions-APIG4',
          reason: `${route.method} ${route.path} is public by design (liveness probe / API description); it returns no tenant data.`,
        },
      ]);
    }
  }

  /** Usage plan id per tier. */
  get usagePlanIds(): Record<string, string> {
    return Object.fromEntries(
      Object.entries(this.usagePlans).map(([tier, plan]) => [tier, plan.usagePlanId]),
    );
  }

  /** The stage's invoke URL, `https://<id>.execute-api.<region>.amazonaws.com/<stage>/`. */
  get url(): string {
    return this.api.url;
  }
}

/**
 * CDK's preflight answers with `corsOrigin`, and echoes other origins only from an exact list. Its mock
 * integration's response template is replaced with one that echoes the request's origin when it matches
 * `regex` (`$context.responseOverride` sets the header; other origins keep the static `corsOrigin`).
 */
function admitOriginPattern(api: apigw.RestApi, regex: string): void {
  const template = [
    '#set($origin = $input.params().header.get("Origin"))',
    '#if(!$origin || $origin == "")',
    '  #set($origin = $input.params().header.get("origin"))',
    '#end',
    `#if($origin && $origin.matches("${regex}"))`,
    '  #set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)',
    '#end',
    '',
  ].join('\n');
  for (const method of api.methods.filter((m) => m.httpMethod === 'OPTIONS')) {
    (method.node.defaultChild as apigw.CfnMethod).addPropertyOverride(
      'Integration.IntegrationResponses.0.ResponseTemplates',
      { 'application/json': template },
    );
  }
}

function gatewayResponseType(type: string): apigw.ResponseType {
  const t = (apigw.ResponseType as unknown as Record<string, apigw.ResponseType>)[type];
  if (!t) throw new Error(`unknown gateway response type ${type}`);
  return t;
}
