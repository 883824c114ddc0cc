import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { createApiHandler } from '../runtime/api/app';
import {
  createHealthTokenVerifier,
  createTokenVerifier,
  newJwksCache,
  verifierConfigFromEnv,
} from '../runtime/auth/verifier';
import { createAuthorizerHandler } from '../runtime/authorizer';
import { collectRequests } from '../runtime/billing/export';
import {
  DEFAULT_TIER_LIMITS,
  ENV,
  HEALTH_CLIENT,
  PLATFORM_USAGE_TIER,
  ROLES,
  TENANT_ID_PATTERN,
  TIERS,
  type Tier,
  type TierLimits,
} from '../runtime/contract';
import { ENTITIES, TENANT_PROFILE_SK } from '../runtime/data/keys';
import { SessionVendor } from '../runtime/data/sts-sessions';
import { TRANSLATE_CONFIG } from '../runtime/data/tenant-clients';
import { addDays, utcDay } from '../runtime/data/usage';
import { observability } from '../runtime/observability';
import { BILLING_GRANTS } from '../runtime/partitions';
import { usageKeyResolver } from '../runtime/usage-plans/usage-key';
import { createUsageStreamHandler } from '../runtime/usage-stream';
import { applyCors } from './cors';
import { ensureTable, type LocalDynamo, startDynalite } from './dynalite';
import { FakeDirectory } from './fake-directory';
import { FakeUsagePlanRegistry } from './fake-usage-plans';
import { createGateway } from './gateway';
import { LocalIssuer, type MintOptions } from './issuer';
import { LOCAL_OPERATOR_ROLE_ARN, LOCAL_TENANT_ROLE_ARN, type LocalAssumeRole, LocalSts } from './local-sts';
import { LocalTenantClients } from './local-tenant-clients';
import { LocalAuthorizationServer } from './oauth';
import { installPolicyGuard } from './policy-guard';
import { StreamEmulator } from './stream-emulator';
import type { TableOperationListener } from './table-ops';

const DevTokenRequest = z.strictObject({
  tenantId: z.string().regex(TENANT_ID_PATTERN),
  role: z.enum(ROLES),
  tier: z.enum(TIERS).optional(),
  userId: z.string().min(1).max(128).optional(),
  email: z.email().optional(),
  expiresInSeconds: z.number().int().min(-86_400).max(86_400).optional(),
});

/**
 * The API serves only users with a record in their tenant (as in AWS), so a tenant token without `userId`
 * is for an existing user of that tenant and role, the first one in the directory.
 */
function devTokenUser(request: z.infer<typeof DevTokenRequest>, directory: FakeDirectory) {
  if (request.userId || request.role === 'operator') return request;
  const user = [...directory.users.values()].find(
    (u) => u.tenantId === request.tenantId && u.role === request.role,
  );
  return user
    ? { ...request, userId: user.userId, email: user.email, tier: request.tier ?? user.tier }
    : undefined;
}

function serveDevToken(
  req: IncomingMessage,
  res: ServerResponse,
  issuer: LocalIssuer,
  directory: FakeDirectory,
): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let parsed: ReturnType<typeof DevTokenRequest.safeParse>;
    try {
      parsed = DevTokenRequest.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    } catch {
      parsed = DevTokenRequest.safeParse(undefined);
    }
    if (!parsed.success) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: { code: 'validation_failed', message: 'Expected {tenantId, role, tier?, userId?}' },
        }),
      );
      return;
    }
    const request = devTokenUser(parsed.data, directory);
    if (!request) {
      res.writeHead(400, { 'content-type': 'application/json' });
      const { tenantId, role } = parsed.data;
      const message = `Tenant ${tenantId} has no ${role} user: invite one (POST /users) or pass a userId`;
      res.end(JSON.stringify({ error: { code: 'validation_failed', message } }));
      return;
    }
    issuer.mint(request).then((token) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ token }));
    });
  });
}

export interface DevServerOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1; the server is for this machine only. */
  host?: string;
  /** Keep dynalite's data on disk here; default in memory. */
  dataDir?: string;
  tableName?: string;
  /** Authorizer cache TTL (function and API Gateway emulation), seconds. Default 300. */
  authCacheSeconds?: number;
  /** How long the API reuses a tenant's status. Default 0, so suspensions apply at once. */
  tenantCacheSeconds?: number;
  /** Daily request quota per tier (usage plans and the API's own count). Default: the tier limits. */
  quotas?: Partial<Record<Tier, number>>;
  /**
   * Usage plan limits per tier, enforced per tenant API key by the gateway emulation (rate/burst token
   * bucket → 429 `throttled`, daily quota → 429 `quota_exceeded`).
   * @default the configuration's defaults (`DEFAULT_TIER_LIMITS`), quotas from `quotas` when given
   */
  tiers?: Partial<Record<Tier, Partial<TierLimits>>>;
  platformTenantId?: string;
  /**
   * Serve `POST /_dev/token` (mint a token for the body's {tenantId, role, tier?, userId?}) so another
   * process (`fastish dev token`) can get tokens from this issuer. Loopback only; never exists in AWS.
   * Default true.
   */
  devTokenEndpoint?: boolean;
  /** Handler log level; default WARN. */
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  /**
   * Origins of the web console (e.g. `http://127.0.0.1:3000`): allowed by CORS and as OAuth redirect and
   * logout targets of the local sign-in (`/oauth2/authorize`, `/oauth2/token`). Default none.
   */
  consoleOrigins?: readonly string[];
  /** Lifetime of tokens from the local sign-in, seconds. Default 3600. */
  consoleTokenLifetimeSeconds?: number;
  /**
   * Decides each data-credentials request the authorizer sends to the local STS (AssumeRole, + TagSession
   * on the tenant role).
   * @default every request is allowed
   */
  assumeRole?: LocalAssumeRole;
  /**
   * Seconds between collections of request counts into the usage items (`GET /usage`); 0 turns the timer off
   * (`collectUsage()` still works).
   * @default 60
   */
  usageCollectSeconds?: number;
  /**
   * Told of every DynamoDB call the API function makes (its own role's and the tenant sessions'), not the
   * stream consumer's: the benchmark counts table operations per request with it.
   */
  onTableOperation?: TableOperationListener;
}

/** The health client's credentials on this server (a random secret per start), for the deep health check. */
export interface LocalHealthClient {
  clientId: string;
  clientSecret: string;
  scope: string;
  /** The client-credentials token endpoint (`<url>/oauth2/token`, as under the Cognito domain). */
  tokenUrl: string;
}

export interface DevServer {
  url: string;
  tableName: string;
  platformTenantId: string;
  issuer: LocalIssuer;
  directory: FakeDirectory;
  /** The tenants' API keys and the usage plans the gateway enforces. */
  usagePlans: FakeUsagePlanRegistry;
  /** Unguarded document client on the same dynalite (tests use it to check what is stored). */
  db: DynamoDBDocumentClient;
  /** The embedded engine (tests stop it to see a dependency failure). */
  dynamo: LocalDynamo;
  /** The STS stand-in: the data sessions the authorizer got, which the data clients resolve per request. */
  sts: LocalSts;
  healthClient: LocalHealthClient;
  mintToken(options: MintOptions): Promise<string>;
  /** Waits until every stream record so far reached the usage consumer. */
  flushStream(): Promise<void>;
  /**
   * Copies the usage plans' request counts (yesterday and today) into the usage items now, as the billing
   * function's 15-minute schedule does in AWS; the server also does it every `usageCollectSeconds`.
   */
  collectUsage(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `fastish dev`: the shipped handlers (authorizer, API, usage stream consumer) behind a local API Gateway
 * emulation, on dynalite, with a local token issuer. Only the dependency wiring differs from AWS: data
 * credentials (the authorizer's token vending machine asks a local STS; data clients enforce each session's
 * grants on dynalite), the user directory (in memory instead of Cognito), the
 * cursor key (random per start instead of Secrets Manager), API keys and usage plans (in memory, enforced
 * by the gateway emulation, instead of API Gateway), and the issuer/JWKS configuration.
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  // Metrics would print EMF documents to stdout for every request; CloudWatch is not here to read them.
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  const logLevel = options.logLevel ?? 'WARN';
  const tableName = options.tableName ?? 'fastish-local';
  const platformTenantId = options.platformTenantId ?? 'platform';
  const authCacheSeconds = options.authCacheSeconds ?? 300;

  const dynamo = await startDynalite(options.dataDir ? { dataDir: options.dataDir } : {});
  const admin = dynamo.client();
  await ensureTable(admin, tableName);
  const db = DynamoDBDocumentClient.from(admin, TRANSLATE_CONFIG);
  const consumer = createUsageStreamHandler({
    db,
    tableName,
    obs: observability('fastish-usage-stream', logLevel),
  });
  const stream = new StreamEmulator(dynamo.client(), tableName, consumer);
  const directory = new FakeDirectory();
  const cursorKey = process.env[ENV.cursorKey]
    ? Buffer.from(process.env[ENV.cursorKey] as string, 'base64')
    : randomBytes(32);

  const limits = Object.fromEntries(
    TIERS.map((t) => [
      t,
      {
        ...DEFAULT_TIER_LIMITS[t],
        ...(options.quotas?.[t] ? { quotaPerDay: options.quotas[t] } : {}),
        ...options.tiers?.[t],
      },
    ]),
  ) as Record<Tier, TierLimits>;
  // The same derivation as in AWS, with a key that lives as long as the server (keys are rebuilt below).
  const usageKeySecret = randomBytes(32);
  const usageKey = usageKeyResolver({ secret: async () => usageKeySecret });
  const usagePlans = new FakeUsagePlanRegistry(limits, usageKey);
  // The operators' key: in AWS the stack creates it; tenants' keys come from onboarding.
  await usagePlans.ensureKey(platformTenantId, { tier: PLATFORM_USAGE_TIER, enabled: true });
  if (options.dataDir) await restoreKeys(db, tableName, usagePlans);

  const sts = new LocalSts(options.assumeRole);
  // The billing function's role: usage reads and its attributes of usage days (BILLING_GRANTS), as in AWS.
  const billingDb = DynamoDBDocumentClient.from(
    installPolicyGuard(dynamo.client(), { name: 'the billing function role', grants: BILLING_GRANTS }),
    TRANSLATE_CONFIG,
  );
  // As the 15-minute schedule does in AWS: yesterday's and today's request counts into the usage items.
  const collectUsage = async () => {
    const today = utcDay(new Date());
    await collectRequests(
      {
        db: billingDb,
        tableName,
        requestCounts: usagePlans,
        // The local collection never exports: no bucket or bus here.
        s3: undefined as never,
        bucket: '',
        events: undefined as never,
        eventBus: '',
      },
      addDays(today, -1),
      today,
    );
  };
  const api = createApiHandler({
    tableName,
    clients: new LocalTenantClients(dynamo, sts, stream, options.onTableOperation),
    directory,
    usagePlans,
    cursorKey: async () => cursorKey,
    idempotencyTtlSeconds: 86_400,
    tenantCacheSeconds: options.tenantCacheSeconds ?? 0,
    platformTenantId,
    obs: observability('fastish-api', logLevel),
  });

  let issuer: LocalIssuer | undefined;
  let gateway: ReturnType<typeof createGateway> | undefined;
  let oauth: LocalAuthorizationServer | undefined;
  const consoleOrigins = new Set(options.consoleOrigins ?? []);
  const server = createServer((req, res) => {
    if (applyCors(req, res, consoleOrigins)) return;
    if (oauth?.handles(req)) {
      oauth.handle(req, res).catch(() => res.destroy());
      return;
    }
    if (req.method === 'GET' && req.url === '/.well-known/jwks.json' && issuer) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(issuer.jwks));
      return;
    }
    if (req.method === 'POST' && req.url === '/_dev/token' && issuer && options.devTokenEndpoint !== false) {
      serveDevToken(req, res, issuer, directory);
      return;
    }
    if (!gateway) {
      res.writeHead(503).end();
      return;
    }
    gateway(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'internal', message: 'Internal error' } }));
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;
  issuer = await LocalIssuer.create(url);
  const healthClient: LocalHealthClient = {
    clientId: 'local-health',
    clientSecret: randomBytes(24).toString('base64url'),
    scope: HEALTH_CLIENT.scope,
    tokenUrl: `${url}/oauth2/token`,
  };
  oauth = new LocalAuthorizationServer({
    issuer,
    directory,
    platformTenantId,
    origins: consoleOrigins,
    healthClient,
    ...(options.consoleTokenLifetimeSeconds
      ? { tokenLifetimeSeconds: options.consoleTokenLifetimeSeconds }
      : {}),
  });

  // The same configuration path as the Lambda: environment-shaped values into verifierConfigFromEnv.
  const verifierConfig = verifierConfigFromEnv({
    [ENV.jwtIssuer]: issuer.issuer,
    [ENV.jwtAudience]: issuer.audience,
    [ENV.jwksUri]: `${url}/.well-known/jwks.json`,
  });
  const jwks = newJwksCache();
  const authorizer = createAuthorizerHandler({
    verifier: createTokenVerifier(verifierConfig, jwks),
    healthVerifier: createHealthTokenVerifier(
      { ...verifierConfig, clientId: healthClient.clientId, scope: healthClient.scope },
      jwks,
    ),
    platformTenantId,
    cacheSeconds: authCacheSeconds,
    sessions: new SessionVendor({
      tenantRoleArn: LOCAL_TENANT_ROLE_ARN,
      operatorRoleArn: LOCAL_OPERATOR_ROLE_ARN,
      platformTenantId,
      cacheSeconds: authCacheSeconds,
      assume: sts.assume,
    }),
    obs: observability('fastish-authorizer', logLevel),
    usageKey,
  });
  gateway = createGateway({ authorizer, api, authorizerTtlSeconds: authCacheSeconds, usagePlans });
  const collectEvery = options.usageCollectSeconds ?? 60;
  const collector =
    collectEvery > 0
      ? setInterval(() => {
          collectUsage().catch((err) =>
            observability('fastish-billing-export', logLevel).logger.warn('usage collection failed', {
              error: err as Error,
            }),
          );
        }, collectEvery * 1000).unref()
      : undefined;
  const localIssuer = issuer;

  return {
    url,
    tableName,
    platformTenantId,
    issuer: localIssuer,
    directory,
    usagePlans,
    db,
    dynamo,
    sts,
    healthClient,
    mintToken: (o) => localIssuer.mint(o),
    flushStream: () => stream.drain(),
    collectUsage,
    stop: async () => {
      if (collector) clearInterval(collector);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await stream.drain().catch(() => undefined);
      await dynamo.stop();
    },
  };
}

/**
 * With data on disk, tenants outlive the in-memory key registry: give every active or suspended tenant its
 * key again (the dev server's own table, read with a Scan that the runtime never makes).
 */
async function restoreKeys(db: DynamoDBDocumentClient, tableName: string, registry: FakeUsagePlanRegistry) {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'sk = :sk',
        ExpressionAttributeValues: { ':sk': TENANT_PROFILE_SK },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      if (!String(item.pk).endsWith(`#${ENTITIES.tenant}`)) continue;
      if (item.status !== 'active' && item.status !== 'suspended') continue;
      await registry.ensureKey(String(item.tenantId), {
        tier: item.tier as Tier,
        enabled: item.status === 'active',
      });
    }
    start = page.LastEvaluatedKey;
  } while (start);
}
