/* biome-ignore-all lint/suspicious/noExplicitAny: synthesized CloudFormation templates are untyped JSON */
/* biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables, not JavaScript placeholders */
import type { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyRules } from '../../src/checks';
import { ROUTES } from '../../src/runtime/api/routes';
import { TENANT_SESSION_GRANTS } from '../../src/runtime/partitions';
import { actionsOf, exampleConfig, policyDocuments, type SynthesizedWebapp, synthWebapp } from './fixture';

const ofType = (json: any, type: string): [string, any][] =>
  Object.entries<any>(json.Resources).filter(([, r]) => r.Type === type);
const onlyOne = (json: any, type: string): [string, any] => {
  const all = ofType(json, type);
  expect(all, type).toHaveLength(1);
  return all[0] as [string, any];
};

/** Logical id prefix of CDK's AwsCustomResource singleton function and role. */
const CR_PROVIDER = 'AWS679f53fac002430cb0da5b7982bd2287';

let example: SynthesizedWebapp;
let dev: any;
let prod: any;
let devT: Template;

beforeAll(() => {
  example = synthWebapp(exampleConfig());
  dev = example.json.get('dev');
  prod = example.json.get('prod');
  devT = example.templates.get('dev') as Template;
});

describe('tenant isolation (token vending machine role)', () => {
  const roleIdOf = (json: any, prefix: string) =>
    ofType(json, 'AWS::IAM::Role').find(([id]) => id.startsWith(prefix))?.[0] as string;
  const statementsOf = (json: any, roleId: string) =>
    ofType(json, 'AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as any[]);

  it('grants the tenant role its own partitions per entity, from the runtime grants, never `<tenant>#*`', () => {
    // What these statements allow and refuse is evaluated in tenant-boundaries.test.ts; here, their shape.
    for (const json of [dev, prod]) {
      const data = statementsOf(json, roleIdOf(json, 'TenantDataRole')).filter((s) =>
        actionsOf(s).some((a) => a.startsWith('dynamodb:')),
      );
      expect(data).toHaveLength(TENANT_SESSION_GRANTS.length);
      TENANT_SESSION_GRANTS.forEach((grant, i) => {
        expect([...actionsOf(data[i])].sort()).toEqual([...grant.actions].sort());
        expect(data[i].Condition).toEqual({
          'ForAllValues:StringEquals': {
            'dynamodb:LeadingKeys': grant.entities.map((e) => `\${aws:PrincipalTag/tenant}#${e}`),
          },
        });
      });
      const [tableId] = onlyOne(json, 'AWS::DynamoDB::GlobalTable');
      for (const s of data) expect(s.Resource).toEqual({ 'Fn::GetAtt': [tableId, 'Arn'] });
    }
  });

  it('makes the data roles assumable only by the authorizer, the tenant role with the tenant session tag', () => {
    const authorizerRole = roleIdOf(dev, 'AuthorizerFunctionRole');
    const [, role] = ofType(dev, 'AWS::IAM::Role').find(([id]) => id.startsWith('TenantDataRole')) ?? [];
    const trust = role.Properties.AssumeRolePolicyDocument.Statement as any[];
    expect(trust.map((s) => s.Action).sort()).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    for (const s of trust) {
      expect(s.Principal).toEqual({ AWS: { 'Fn::GetAtt': [authorizerRole, 'Arn'] } });
      expect(s.Condition.Null).toEqual({ 'aws:RequestTag/tenant': 'false' });
      expect(s.Condition['ForAllValues:StringEquals']).toEqual({ 'aws:TagKeys': ['tenant'] });
    }
    const assume = trust.find((s) => s.Action === 'sts:AssumeRole');
    expect(assume.Condition.StringNotLike['aws:RequestTag/tenant']).toEqual(
      expect.arrayContaining(['*${*}*', '*#*']),
    );
    const [, operator] =
      ofType(dev, 'AWS::IAM::Role').find(([id]) => id.startsWith('OperatorDataRole')) ?? [];
    expect(operator.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { AWS: { 'Fn::GetAtt': [authorizerRole, 'Arn'] } },
      },
    ]);
  });

  it('passes the data role ARNs to the authorizer only', () => {
    const fn = (prefix: string) =>
      ofType(dev, 'AWS::Lambda::Function').find(([id]) => id.startsWith(prefix))?.[1];
    const vars = fn('AuthorizerFunction').Properties.Environment.Variables;
    expect(vars.TENANT_ROLE_ARN).toEqual({ 'Fn::GetAtt': [roleIdOf(dev, 'TenantDataRole'), 'Arn'] });
    expect(vars.OPERATOR_ROLE_ARN).toEqual({ 'Fn::GetAtt': [roleIdOf(dev, 'OperatorDataRole'), 'Arn'] });
    const api = fn('ApiFunction').Properties.Environment.Variables;
    expect(api.TENANT_ROLE_ARN).toBeUndefined();
    expect(api.OPERATOR_ROLE_ARN).toBeUndefined();
  });

  it('grants no Scan, no PartiQL and no dynamodb wildcard to anyone', () => {
    const banned = /^dynamodb:(Scan|PartiQL.*|ExecuteStatement|BatchExecuteStatement|ExecuteTransaction|\*)$/;
    for (const json of [dev, prod]) {
      const docs = policyDocuments(json);
      expect(docs.length).toBeGreaterThan(3);
      for (const { id, doc } of docs) {
        for (const s of doc.Statement) {
          for (const a of actionsOf(s)) expect(banned.test(a), `${id}: ${a}`).toBe(false);
          expect(actionsOf(s), id).not.toContain('*');
        }
      }
    }
  });

  it('gives the API role no STS and no table access (it writes no usage: the usage plans count requests)', () => {
    const statements = statementsOf(dev, roleIdOf(dev, 'ApiFunctionRole'));
    const actions = statements.flatMap(actionsOf);
    expect(actions.filter((a: string) => a.startsWith('sts:'))).toEqual([]);
    expect(actions.filter((a: string) => a.startsWith('dynamodb:'))).toEqual([]);
  });

  it('confines the billing function to the tenant index and the billing attributes of usage days', () => {
    const statements = statementsOf(dev, roleIdOf(dev, 'BillingExportFunctionRole'));
    const data = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    const [tableId] = onlyOne(dev, 'AWS::DynamoDB::GlobalTable');
    expect(data.map((s) => [actionsOf(s), s.Resource, s.Condition])).toEqual([
      [
        ['dynamodb:Query'],
        { 'Fn::Join': ['', [{ 'Fn::GetAtt': [tableId, 'Arn'] }, '/index/tenants-by-tier']] },
        undefined,
      ],
      [
        ['dynamodb:Query'],
        { 'Fn::GetAtt': [tableId, 'Arn'] },
        { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['*#usage'] } },
      ],
      [
        ['dynamodb:UpdateItem'],
        { 'Fn::GetAtt': [tableId, 'Arn'] },
        {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['*#usage'] },
          'ForAllValues:StringEquals': {
            'dynamodb:Attributes': [
              'pk',
              'sk',
              'requests',
              'requestsByPlan',
              'storedItems',
              'billedDigest',
              'billedRevision',
              'billedAt',
            ],
          },
          Null: { 'dynamodb:Attributes': 'false' },
          StringEqualsIfExists: { 'dynamodb:ReturnValues': ['NONE', 'UPDATED_OLD', 'UPDATED_NEW'] },
        },
      ],
    ]);
    const actions = statements.flatMap(actionsOf);
    expect(actions.filter((a) => /Scan|Delete|PutItem|GetItem|Batch/.test(a))).toEqual([]);
    const s3 = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
    expect(s3.map(actionsOf)).toEqual([['s3:PutObject']]);
    expect(JSON.stringify(s3[0].Resource)).toMatch(/"\/usage\/\*"/);
    const events = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('events:')));
    expect(events.map((s) => [actionsOf(s), s.Resource])).toEqual([
      [['events:PutEvents'], 'arn:aws:events:eu-west-1:222222222222:event-bus/default'],
    ]);
    const apigw = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('apigateway:')));
    expect(apigw.map(actionsOf)).toEqual([['apigateway:GET']]);
    // GetUsage and GetUsagePlanKeys of each tier plan, nothing else in API Gateway.
    expect(
      JSON.stringify(apigw[0].Resource).match(/\/usageplans\/",\{"Ref":"\w+"\},"\/(usage|keys)"/g),
    ).toHaveLength(6);
  });

  it('confines the metering consumer to usage partitions', () => {
    const role = ofType(dev, 'AWS::IAM::Role').find(([id]) => id.startsWith('UsageStreamFunctionRole'))?.[0];
    const statements = ofType(dev, 'AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === role))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as any[]);
    const writes = statements.filter((s) => actionsOf(s).some((a) => /Item$/.test(a)));
    // GetItem (the running total, a day on a redelivery) and UpdateItem: no Query, Put, Delete or Scan.
    expect(writes).toHaveLength(1);
    expect(actionsOf(writes[0]).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    expect(writes[0].Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['*#usage'] },
    });
  });
});

describe('table', () => {
  it('is encrypted with the customer-managed key, PITR, deletion protection, retained, TTL, stream', () => {
    const [, table] = onlyOne(dev, 'AWS::DynamoDB::GlobalTable');
    const keyId = ofType(dev, 'AWS::KMS::Key').find(([id]) => id.startsWith('TableKey'))?.[0];
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
    expect(table.Properties.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(table.Properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(table.Properties.Replicas).toHaveLength(1);
    const home = table.Properties.Replicas[0];
    expect(home.Region).toBe('eu-west-1');
    expect(home.SSESpecification).toEqual({ KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    expect(home.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(home.DeletionProtectionEnabled).toBe(true);
    devT.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('adds configured replicas with their own regional key, PITR and deletion protection', () => {
    const [, table] = onlyOne(prod, 'AWS::DynamoDB::GlobalTable');
    const replica = table.Properties.Replicas.find((r: any) => r.Region === 'eu-central-1');
    expect(replica.SSESpecification.KMSMasterKeyId).toBe(
      'arn:aws:kms:eu-central-1:333333333333:alias/fastish/acme/prod/webapp-table',
    );
    expect(replica.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(replica.DeletionProtectionEnabled).toBe(true);
  });

  it('streams to the metering consumer with bisect, bounded retries and an encrypted SQS on-failure queue', () => {
    const [, esm] = onlyOne(dev, 'AWS::Lambda::EventSourceMapping');
    const [queueId, queue] = ofType(dev, 'AWS::SQS::Queue').find(([id]) => id.startsWith('Metering')) as [
      string,
      any,
    ];
    const opsKey = ofType(dev, 'AWS::KMS::Key').find(([id]) => id.startsWith('OpsKey'))?.[0];
    const consumer = ofType(dev, 'AWS::Lambda::Function').find(([id]) =>
      id.startsWith('UsageStreamFunction'),
    )?.[0];
    expect(esm.Properties.FunctionName).toEqual({ Ref: consumer });
    expect(esm.Properties.EventSourceArn).toEqual({
      'Fn::GetAtt': [onlyOne(dev, 'AWS::DynamoDB::GlobalTable')[0], 'StreamArn'],
    });
    expect(esm.Properties.BisectBatchOnFunctionError).toBe(true);
    expect(esm.Properties.MaximumRetryAttempts).toBe(5);
    expect(esm.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(esm.Properties.DestinationConfig).toEqual({
      OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } },
    });
    expect(queue.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [opsKey, 'Arn'] });
    // Only item creations and deletions invoke the consumer, in large batches.
    expect(esm.Properties.FilterCriteria).toEqual({
      Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT', 'REMOVE'] }) }],
    });
    expect(esm.Properties.BatchSize).toBe(1000);
    expect(esm.Properties.MaximumBatchingWindowInSeconds).toBe(30);
  });

  it('has a sparse tenant index keyed by tier and tenant id (billing lists tenants without a Scan)', () => {
    const [, table] = onlyOne(dev, 'AWS::DynamoDB::GlobalTable');
    expect(table.Properties.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: 'tenants-by-tier',
        KeySchema: [
          { AttributeName: 'tier', KeyType: 'HASH' },
          { AttributeName: 'tenantId', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['status'] },
      },
    ]);
  });
});

describe('billing export', () => {
  it('writes to a KMS-encrypted, versioned, TLS-only, private, access-logged bucket with its own key', () => {
    const [bucketId, bucket] = ofType(dev, 'AWS::S3::Bucket').find(([id]) =>
      id.startsWith('BillingExports'),
    ) as [string, any];
    const keyId = ofType(dev, 'AWS::KMS::Key').find(([id]) => id.startsWith('BillingKey'))?.[0];
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
      {
        BucketKeyEnabled: true,
        ServerSideEncryptionByDefault: {
          SSEAlgorithm: 'aws:kms',
          KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] },
        },
      },
    ]);
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.Properties.PublicAccessBlockConfiguration).toMatchObject({ BlockPublicAcls: true });
    expect(bucket.Properties.LoggingConfiguration.DestinationBucketName).toBeDefined();
    expect(bucket.DeletionPolicy).toBe('Retain');
    const fn = ofType(dev, 'AWS::Lambda::Function').find(([id]) =>
      id.startsWith('BillingExportFunction'),
    )?.[1];
    expect(fn.Properties.Environment.Variables).toMatchObject({
      BILLING_BUCKET: { Ref: bucketId },
      BILLING_EVENT_BUS: 'default',
      USAGE_PLAN_IDS_PARAMETER: '/fastish/dev/webapp/api/usage-plan-ids',
    });
  });

  it('collects every 15 minutes and exports the previous day at 02:15 UTC, with retries and a dead-letter queue', () => {
    const rules = ofType(dev, 'AWS::Events::Rule').filter(([id]) => id.startsWith('Billing'));
    const fnId = ofType(dev, 'AWS::Lambda::Function').find(([id]) =>
      id.startsWith('BillingExportFunction'),
    )?.[0];
    const [dlqId] = ofType(dev, 'AWS::SQS::Queue').find(([id]) =>
      id.startsWith('BillingScheduleDeadLetters'),
    ) as [string, any];
    const bySchedule = Object.fromEntries(
      rules.map(([, r]) => [r.Properties.ScheduleExpression, r.Properties]),
    );
    expect(Object.keys(bySchedule).sort()).toEqual(['cron(15 2 * * ? *)', 'rate(15 minutes)']);
    for (const [schedule, action] of [
      ['rate(15 minutes)', 'collect'],
      ['cron(15 2 * * ? *)', 'export'],
    ] as const) {
      const [target] = bySchedule[schedule].Targets;
      expect(target.Arn).toEqual({ 'Fn::GetAtt': [fnId, 'Arn'] });
      expect(JSON.parse(target.Input)).toEqual({ action });
      expect(target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [dlqId, 'Arn'] } });
      expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 7200 });
    }
  });
});

describe('API', () => {
  it('puts the authorizer on every method except CORS preflights and public routes', () => {
    const [authorizerId, authorizer] = onlyOne(dev, 'AWS::ApiGateway::Authorizer');
    expect(authorizer.Properties.Type).toBe('TOKEN');
    expect(authorizer.Properties.IdentitySource).toBe('method.request.header.Authorization');
    expect(authorizer.Properties.AuthorizerResultTtlInSeconds).toBe(300);
    const methods = ofType(dev, 'AWS::ApiGateway::Method').map(([, m]) => m.Properties);
    const publicCount = ROUTES.filter((r) => r.access === 'public').length;
    expect(publicCount).toBeGreaterThan(0);
    const nonOptions = methods.filter((m) => m.HttpMethod !== 'OPTIONS');
    expect(nonOptions).toHaveLength(ROUTES.length);
    const open = nonOptions.filter((m) => m.AuthorizationType !== 'CUSTOM');
    expect(open).toHaveLength(publicCount);
    for (const m of open) expect(m.AuthorizationType).toBe('NONE');
    for (const m of nonOptions.filter((x) => x.AuthorizationType === 'CUSTOM')) {
      expect(m.AuthorizerId).toEqual({ Ref: authorizerId });
    }
    // The public ones are exactly the routes the runtime marks public (GET /health among them).
    const resources = Object.fromEntries(
      ofType(dev, 'AWS::ApiGateway::Resource').map(([id, r]) => [id, r.Properties.PathPart]),
    );
    const openParts = open.map((m) => `${m.HttpMethod} ${resources[m.ResourceId.Ref]}`).sort();
    expect(openParts).toEqual(
      ROUTES.filter((r) => r.access === 'public')
        .map((r) => `${r.method} ${r.path.split('/').pop()}`)
        .sort(),
    );
  });

  it('validates JSON bodies against models generated from the runtime schemas', () => {
    const models = ofType(dev, 'AWS::ApiGateway::Model').map(([, m]) => m.Properties);
    const item = models.find((m) => m.Name === 'ItemInput');
    expect(item.Schema.$schema).toBe('http://json-schema.org/draft-04/schema#');
    expect(item.Schema.required).toEqual(['name']);
    expect(item.Schema.additionalProperties).toBe(false);
    const post = ofType(dev, 'AWS::ApiGateway::Method')
      .map(([, m]) => m.Properties)
      .filter((m) => m.HttpMethod === 'POST' && m.RequestModels);
    expect(post.length).toBeGreaterThan(0);
    devT.hasResourceProperties('AWS::ApiGateway::RequestValidator', {
      ValidateRequestBody: true,
      ValidateRequestParameters: true,
    });
  });

  it('writes JSON access logs to a KMS-encrypted log group and traces with X-Ray', () => {
    const [, stage] = onlyOne(dev, 'AWS::ApiGateway::Stage');
    expect(stage.Properties.TracingEnabled).toBe(true);
    const format = JSON.parse(stage.Properties.AccessLogSetting.Format);
    expect(format.tenantId).toBe('$context.authorizer.tenantId');
    const groupId = JSON.stringify(stage.Properties.AccessLogSetting.DestinationArn).match(
      /"Ref":"(ApiAccessLogs\w+)"/,
    )?.[1] as string;
    const group = dev.Resources[groupId];
    expect(group.Properties.KmsKeyId).toBeDefined();
    expect(group.Properties.RetentionInDays).toBe(30);
    expect(prod.Resources[groupId].Properties.RetentionInDays).toBe(365);
    expect(stage.Properties.MethodSettings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000, HttpMethod: '*' }),
      ]),
    );
  });

  it('has one usage plan per tier with the configured throttle and daily quota', () => {
    const plans = ofType(dev, 'AWS::ApiGateway::UsagePlan').map(([, p]) => p.Properties);
    expect(plans).toHaveLength(3);
    const byTier = Object.fromEntries(plans.map((p) => [p.UsagePlanName.split('-').pop(), p]));
    expect(byTier.basic.Throttle).toEqual({ RateLimit: 10, BurstLimit: 20 });
    expect(byTier.basic.Quota).toEqual({ Limit: 10_000, Period: 'DAY' });
    expect(byTier.premium.Throttle).toEqual({ RateLimit: 200, BurstLimit: 400 });
    expect(byTier.premium.Quota).toEqual({ Limit: 1_000_000, Period: 'DAY' });
  });

  it('takes API keys from the authorizer and requires one on every authorized method, none on public ones', () => {
    const [, api] = onlyOne(dev, 'AWS::ApiGateway::RestApi');
    expect(api.Properties.ApiKeySourceType).toBe('AUTHORIZER');
    const methods = ofType(dev, 'AWS::ApiGateway::Method').map(([, m]) => m.Properties);
    const authorized = methods.filter((m) => m.AuthorizationType === 'CUSTOM');
    expect(authorized).toHaveLength(ROUTES.filter((r) => r.access !== 'public').length);
    for (const m of authorized) expect(m.ApiKeyRequired, `${m.HttpMethod}`).toBe(true);
    const keyless = methods.filter((m) => m.AuthorizationType !== 'CUSTOM');
    expect(keyless.some((m) => m.HttpMethod === 'OPTIONS')).toBe(true);
    for (const m of keyless) expect(m.ApiKeyRequired ?? false).toBe(false);
  });

  it('binds every tier plan to the stage; the operators key (from its secret) is in the premium plan', () => {
    const [stageId] = onlyOne(dev, 'AWS::ApiGateway::Stage');
    const [apiId] = onlyOne(dev, 'AWS::ApiGateway::RestApi');
    const plans = ofType(dev, 'AWS::ApiGateway::UsagePlan');
    for (const [, p] of plans) {
      expect(p.Properties.ApiStages).toEqual([
        { ApiId: { Ref: apiId }, Stage: { Ref: stageId }, Throttle: {} },
      ]);
    }
    const [keyId, key] = onlyOne(dev, 'AWS::ApiGateway::ApiKey');
    expect(key.Properties.Enabled).toBe(true);
    const secretId = ofType(dev, 'AWS::SecretsManager::Secret').find(([id]) =>
      id.startsWith('PlatformUsageKey'),
    )?.[0];
    expect(JSON.stringify(key.Properties.Value)).toContain(`{"Ref":"${secretId}"}`);
    expect(JSON.stringify(key.Properties.Value)).toContain('{{resolve:secretsmanager:');
    const [, membership] = onlyOne(dev, 'AWS::ApiGateway::UsagePlanKey');
    expect(membership.Properties.KeyId).toEqual({ Ref: keyId });
    const premium = plans.find(([, p]) => p.Properties.UsagePlanName.endsWith('-premium'))?.[0];
    expect(membership.Properties.UsagePlanId).toEqual({ Ref: premium });
  });

  it('lets the API manage API keys and only the tier plans memberships, and both functions read the key secrets', () => {
    const fnEnv = (prefix: string) =>
      ofType(dev, 'AWS::Lambda::Function').find(([id]) => id.startsWith(prefix))?.[1].Properties.Environment
        .Variables;
    const secrets = Object.fromEntries(
      ofType(dev, 'AWS::SecretsManager::Secret').map(([id]) => [id.replace(/[A-F0-9]{8}$/, ''), id]),
    );
    const authEnv = fnEnv('AuthorizerFunction');
    expect(authEnv.USAGE_KEY_SECRET_ARN).toEqual({ Ref: secrets.UsageKey });
    expect(authEnv.PLATFORM_USAGE_KEY_SECRET_ARN).toEqual({ Ref: secrets.PlatformUsageKey });
    const apiEnv = fnEnv('ApiFunction');
    expect(apiEnv.USAGE_KEY_SECRET_ARN).toEqual({ Ref: secrets.UsageKey });
    expect(apiEnv.USAGE_PLAN_IDS_PARAMETER).toBe('/fastish/dev/webapp/api/usage-plan-ids');
    const docs = policyDocuments(dev);
    const statements = docs.flatMap((d) => d.doc.Statement as any[]);
    const reads = (secret: string) =>
      statements.filter(
        (st) =>
          actionsOf(st).includes('secretsmanager:GetSecretValue') &&
          JSON.stringify(st.Resource).includes(secret),
      );
    expect(reads(secrets.UsageKey)).toHaveLength(2); // authorizer + API
    expect(reads(secrets.PlatformUsageKey)).toHaveLength(1); // authorizer only
    // Every apigateway statement of the API: only /apikeys*, the three plans' /keys*, and PUT /tags/* (the
    // billing function's reads of the plans' usage are its own test's).
    const apiRole = ofType(dev, 'AWS::IAM::Role').find(([id]) => id.startsWith('ApiFunctionRole'))?.[0];
    const owned = ofType(dev, 'AWS::IAM::Policy').filter(([, p]) =>
      (p.Properties.PolicyDocument.Statement as any[]).some((st) =>
        actionsOf(st).some((a) => a.startsWith('apigateway:')),
      ),
    );
    const billingRole = ofType(dev, 'AWS::IAM::Role').find(([id]) =>
      id.startsWith('BillingExportFunctionRole'),
    )?.[0];
    expect(owned.map(([, p]) => p.Properties.Roles).sort((a, b) => (a[0].Ref < b[0].Ref ? -1 : 1))).toEqual(
      [[{ Ref: apiRole }], [{ Ref: billingRole }]].sort((a, b) =>
        (a[0].Ref ?? '') < (b[0].Ref ?? '') ? -1 : 1,
      ),
    );
    const apigw = owned
      .filter(([, p]) => p.Properties.Roles[0].Ref === apiRole)
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as any[])
      .filter((st) => actionsOf(st).some((a) => a.startsWith('apigateway:')));
    const planIds = ofType(dev, 'AWS::ApiGateway::UsagePlan').map(([id]) => id);
    const byResource = apigw.flatMap((st) =>
      ([] as any[]).concat(st.Resource).map((r) => ({ r: JSON.stringify(r), actions: actionsOf(st).sort() })),
    );
    expect(byResource.filter((x) => x.r.endsWith('::/apikeys*"'))).toEqual([
      {
        r: '"arn:aws:apigateway:eu-west-1::/apikeys*"',
        actions: ['apigateway:DELETE', 'apigateway:GET', 'apigateway:PATCH', 'apigateway:POST'],
      },
    ]);
    const planKeys = byResource.filter((x) => x.r.includes('/usageplans/'));
    expect(planKeys).toHaveLength(3);
    for (const id of planIds) expect(planKeys.some((x) => x.r.includes(`{"Ref":"${id}"}`))).toBe(true);
    for (const x of planKeys)
      expect(x.actions).toEqual(['apigateway:DELETE', 'apigateway:GET', 'apigateway:POST']);
    expect(byResource.filter((x) => x.r.includes('/tags/'))).toEqual([
      { r: '"arn:aws:apigateway:eu-west-1::/tags/*"', actions: ['apigateway:PUT'] },
    ]);
    expect(byResource).toHaveLength(5);
  });

  it('logs WAF-inspected requests to an encrypted, retained aws-waf-logs-* group, Authorization redacted', () => {
    const [aclId] = onlyOne(dev, 'AWS::WAFv2::WebACL');
    const [, logging] = onlyOne(dev, 'AWS::WAFv2::LoggingConfiguration');
    expect(logging.Properties.ResourceArn).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
    expect(logging.Properties.RedactedFields).toEqual([{ SingleHeader: { Name: 'authorization' } }]);
    const destination = JSON.stringify(logging.Properties.LogDestinationConfigs);
    expect(destination).toContain(':log-group:aws-waf-logs-acme-dev-webapp-api');
    expect(destination).not.toContain(':*');
    const group = Object.values(dev.Resources as Record<string, any>).find(
      (r) =>
        r.Type === 'AWS::Logs::LogGroup' && r.Properties.LogGroupName === 'aws-waf-logs-acme-dev-webapp-api',
    );
    expect(group?.Properties.KmsKeyId).toBeDefined();
    expect(group?.Properties.RetentionInDays).toBeGreaterThan(0);
    expect(group?.DeletionPolicy).toBe('Retain');
  });

  it('protects the stage with the WAF web ACL (managed groups + configured rate limit)', () => {
    const [aclId, acl] = onlyOne(dev, 'AWS::WAFv2::WebACL');
    const [, assoc] = onlyOne(dev, 'AWS::WAFv2::WebACLAssociation');
    const [stageId] = onlyOne(dev, 'AWS::ApiGateway::Stage');
    expect(assoc.Properties.WebACLArn).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
    expect(JSON.stringify(assoc.Properties.ResourceArn)).toContain(stageId);
    expect(acl.Properties.Scope).toBe('REGIONAL');
    const groups = acl.Properties.Rules.map((r: any) => r.Statement.ManagedRuleGroupStatement?.Name).filter(
      Boolean,
    );
    expect(groups).toEqual([
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
      'AWSManagedRulesAmazonIpReputationList',
    ]);
    const rate = acl.Properties.Rules.find((r: any) => r.Statement.RateBasedStatement);
    expect(rate.Statement.RateBasedStatement).toEqual({ Limit: 2000, AggregateKeyType: 'IP' });
    expect(rate.Action).toEqual({ Block: {} });
  });

  it('allows CORS only from the console origin (Amplify default domain) and its previews', () => {
    const [appId] = onlyOne(dev, 'AWS::Amplify::App');
    const expected = {
      'Fn::Join': ['', ["'https://main.", { 'Fn::GetAtt': [appId, 'DefaultDomain'] }, "'"]],
    };
    const options = ofType(dev, 'AWS::ApiGateway::Method')
      .map(([, m]) => m.Properties)
      .filter((m) => m.HttpMethod === 'OPTIONS');
    expect(options.length).toBeGreaterThan(0);
    for (const m of options) {
      const headers = m.Integration.IntegrationResponses[0].ResponseParameters;
      expect(headers['method.response.header.Access-Control-Allow-Origin']).toEqual(expected);
    }
    const api = ofType(dev, 'AWS::Lambda::Function').find(([id]) => id.startsWith('ApiFunction'))?.[1];
    const domain = { 'Fn::GetAtt': [appId, 'DefaultDomain'] };
    expect(api.Properties.Environment.Variables.CORS_ALLOW_ORIGIN).toEqual({
      'Fn::Join': ['', ['https://main.', domain, ' https://pr-*.', domain]],
    });
    const responses = ofType(dev, 'AWS::ApiGateway::GatewayResponse').map(([, r]) => r.Properties);
    const unauthorized = responses.find((r) => r.ResponseType === 'UNAUTHORIZED');
    expect(unauthorized.StatusCode).toBe('401');
    expect(unauthorized.ResponseParameters['gatewayresponse.header.Access-Control-Allow-Origin']).toEqual(
      expected,
    );
    expect(JSON.stringify(dev)).not.toContain("'*'");
  });
});

describe('Cognito', () => {
  it('keeps tenant_id, role and tier readable but not writable by the app client', () => {
    // The console's client (the other one is the deep health check's, test/webapp/health-client.test.ts).
    const [, client] = ofType(dev, 'AWS::Cognito::UserPoolClient').find(
      ([, c]) => c.Properties.ClientName === 'console',
    ) as [string, any];
    expect(client.Properties.ReadAttributes).toEqual(
      expect.arrayContaining(['custom:tenant_id', 'custom:role', 'custom:tier']),
    );
    expect(client.Properties.WriteAttributes.filter((a: string) => a.startsWith('custom:'))).toEqual([]);
    expect(client.Properties.GenerateSecret).toBe(false);
    expect(client.Properties.AllowedOAuthFlows).toEqual(['code']);
    const [, pool] = onlyOne(dev, 'AWS::Cognito::UserPool');
    const tenant = pool.Properties.Schema.find((a: any) => a.Name === 'tenant_id');
    expect(tenant.Mutable).toBe(false);
    expect(pool.Properties.AdminCreateUserConfig.AllowAdminCreateUserOnly).toBe(true);
  });

  it('follows the MFA setting per environment, with threat protection enforced', () => {
    const devPool = onlyOne(dev, 'AWS::Cognito::UserPool')[1].Properties;
    const prodPool = onlyOne(prod, 'AWS::Cognito::UserPool')[1].Properties;
    expect(devPool.MfaConfiguration).toBe('OPTIONAL'); // dev overrides mfa: optional
    expect(prodPool.MfaConfiguration).toBe('ON');
    for (const p of [devPool, prodPool]) {
      expect(p.UserPoolTier).toBe('PLUS');
      expect(p.UserPoolAddOns).toEqual({ AdvancedSecurityMode: 'ENFORCED' });
      expect(p.DeletionProtection).toBe('ACTIVE');
      expect(p.Policies.PasswordPolicy.MinimumLength).toBeGreaterThanOrEqual(14);
    }
    expect(onlyOne(prod, 'AWS::Cognito::UserPool')[1].DeletionPolicy).toBe('Retain');
  });
});

describe('functions', () => {
  it('run Node.js 22 on arm64 with X-Ray and a KMS-encrypted log group with the configured retention', () => {
    const fns = ofType(dev, 'AWS::Lambda::Function').filter(([id]) => !id.startsWith(CR_PROVIDER));
    expect(fns).toHaveLength(4);
    for (const [id, fn] of fns) {
      expect(fn.Properties.Runtime, id).toBe('nodejs22.x');
      expect(fn.Properties.Architectures, id).toEqual(['arm64']);
      expect(fn.Properties.TracingConfig, id).toEqual({ Mode: 'Active' });
      const groupId = fn.Properties.LoggingConfig.LogGroup.Ref;
      expect(dev.Resources[groupId].Properties.RetentionInDays).toBe(30);
      expect(dev.Resources[groupId].Properties.KmsKeyId).toBeDefined();
    }
  });

  it('alarm on errors and throttles of every function into the encrypted topic', () => {
    const [topicId, topic] = onlyOne(dev, 'AWS::SNS::Topic');
    expect(topic.Properties.KmsMasterKeyId).toBeDefined();
    const alarms = ofType(dev, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    for (const metric of ['Errors', 'Throttles']) {
      const these = alarms.filter((a) => a.MetricName === metric && a.Namespace === 'AWS/Lambda');
      expect(these, metric).toHaveLength(4);
      for (const a of these) expect(a.AlarmActions).toEqual([{ Ref: topicId }]);
    }
  });

  it('use no AWS managed policies', () => {
    for (const [id, role] of ofType(dev, 'AWS::IAM::Role')) {
      if (id.startsWith('ApiCloudWatchRole')) continue;
      // The AwsCustomResource singleton (console build trigger) has AWSLambdaBasicExecutionRole, acknowledged.
      if (id.startsWith(CR_PROVIDER)) continue;
      expect(role.Properties.ManagedPolicyArns, id).toBeUndefined();
    }
  });
});

describe('published values', () => {
  it('publishes API URL, user pool, client, domain, table and console URL under /fastish/<env>/webapp', () => {
    const names = ofType(dev, 'AWS::SSM::Parameter')
      .map(([, p]) => p.Properties.Name)
      .sort();
    expect(names).toEqual([
      '/fastish/dev/webapp/api/url',
      '/fastish/dev/webapp/api/usage-plan-ids',
      '/fastish/dev/webapp/console/url',
      '/fastish/dev/webapp/table/name',
      '/fastish/dev/webapp/user-pool/client-id',
      '/fastish/dev/webapp/user-pool/domain',
      '/fastish/dev/webapp/user-pool/health-client-id',
      '/fastish/dev/webapp/user-pool/id',
    ]);
    const stack = example.stacks.get('dev');
    const outputId = stack?.resolve(stack.outputs.apiUrl.logicalId);
    expect(dev.Outputs[outputId].Value).toEqual(expect.objectContaining({ 'Fn::Join': expect.any(Array) }));
  });
});

describe('cdk-nag', () => {
  it.each(['dev', 'prod'])('%s: zero unacknowledged AwsSolutions and Serverless findings', (env) => {
    const stack = example.stacks.get(env);
    for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
      const { violations } = (pack as any).validateScope(stack);
      expect(
        violations.map((v: any) => `${v.ruleName}: ${v.violatingResources.map((r: any) => r.constructPath)}`),
      ).toEqual([]);
    }
  });
});

describe('Fastish rules', () => {
  it.each(['dev', 'prod'])(
    '%s: no unacknowledged errors (encryption, retention, names, wildcards)',
    (env) => {
      const stack = example.stacks.get(env);
      const template = example.json.get(env);
      const findings = applyRules({
        stackName: stack?.stackName as string,
        template,
        templateBytes: JSON.stringify(template).length,
      });
      const blocking = findings.filter((f) => f.severity === 'error' && !f.acknowledged);
      expect(blocking.map((f) => `${f.ruleId} ${f.logicalId}: ${f.message}`)).toEqual([]);
      // The acknowledged ones carry their reasons into the template.
      expect(
        findings.filter((f) => f.acknowledged).every((f) => (f.acknowledged?.reason.length ?? 0) >= 20),
      ).toBe(true);
    },
  );
});

describe('configuration variants', () => {
  let variant: SynthesizedWebapp;
  beforeAll(() => {
    variant = synthWebapp(
      exampleConfig((raw) => {
        raw.environments = { dev: raw.environments.dev };
        raw.environments.dev.overrides.webapp = {
          mfa: 'off',
          console: {
            domain: 'console.acme.example.com',
            repository: 'https://github.com/acme/platform',
            branch: 'release/main',
          },
          wafRateLimitPer5Minutes: 500,
          tiers: {
            basic: { rateLimit: 5, burstLimit: 7, quotaPerDay: 123 },
            standard: { rateLimit: 50, burstLimit: 100, quotaPerDay: 100_000 },
            premium: { rateLimit: 200, burstLimit: 400, quotaPerDay: 1_000_000 },
          },
        };
      }),
    );
  });

  it('turns MFA off when configured, acknowledging COG2 with the reason', () => {
    const json = variant.json.get('dev');
    expect(onlyOne(json, 'AWS::Cognito::UserPool')[1].Properties.MfaConfiguration).toBe('OFF');
    const { violations } = new AwsSolutionsChecks().validateScope(variant.stacks.get('dev') as never) as any;
    expect(violations).toEqual([]);
  });

  it('uses the custom console domain as the only CORS origin and callback host', () => {
    const json = variant.json.get('dev');
    const options = ofType(json, 'AWS::ApiGateway::Method')
      .map(([, m]) => m.Properties)
      .filter((m) => m.HttpMethod === 'OPTIONS');
    for (const m of options) {
      expect(
        m.Integration.IntegrationResponses[0].ResponseParameters[
          'method.response.header.Access-Control-Allow-Origin'
        ],
      ).toBe("'https://console.acme.example.com'");
    }
    const client = ofType(json, 'AWS::Cognito::UserPoolClient').find(
      ([, c]) => c.Properties.ClientName === 'console',
    )?.[1];
    expect(client.Properties.CallbackURLs).toEqual(['https://console.acme.example.com/auth/callback']);
    const [, domain] = onlyOne(json, 'AWS::Amplify::Domain');
    expect(domain.Properties.DomainName).toBe('console.acme.example.com');
  });

  it('takes tier limits and the WAF rate limit from the configuration', () => {
    const json = variant.json.get('dev');
    const basic = ofType(json, 'AWS::ApiGateway::UsagePlan')
      .map(([, p]) => p.Properties)
      .find((p) => p.UsagePlanName.endsWith('-basic'));
    expect(basic.Throttle).toEqual({ RateLimit: 5, BurstLimit: 7 });
    expect(basic.Quota).toEqual({ Limit: 123, Period: 'DAY' });
    const acl = onlyOne(json, 'AWS::WAFv2::WebACL')[1];
    const rate = acl.Properties.Rules.find((r: any) => r.Statement.RateBasedStatement);
    expect(rate.Statement.RateBasedStatement.Limit).toBe(500);
    // The quota is the usage plans' alone: the API no longer counts or enforces it.
    const api = ofType(json, 'AWS::Lambda::Function').find(([id]) => id.startsWith('ApiFunction'))?.[1];
    expect(api.Properties.Environment.Variables.TIER_QUOTAS).toBeUndefined();
    expect(onlyOne(json, 'AWS::DynamoDB::GlobalTable')[1].Properties.Replicas).toHaveLength(1);
  });
});
