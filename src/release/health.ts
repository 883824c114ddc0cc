/**
 * Post-deploy health checks, shared by `fastish deploy` and the pipeline's health-check steps.
 * Targets are found by the SSM key their stack publishes with `PublishedValue`
 * (`/fastish/<env>/<arch>/<key>`, repeated in the CloudFormation output's description), so a stack
 * opts in by publishing the value: no output names are hard-coded here.
 *
 * A check runs only from where its target is reachable. The API is public and gets the deep check (a
 * client-credentials token, then `GET /health/deep` through the authorizer, STS and DynamoDB). The Druid
 * metadata database (Aurora) is only ever in private subnets, and the EKS API is private unless
 * `eks.publicEndpointCidrs` opens it: from the operator's machine or CodeBuild they are reported as not
 * checked, never probed (a TCP probe from outside the VPC fails whatever the database's health).
 */
import { HEALTH_CLIENT, HEALTH_DEEP_PATH } from '../runtime/contract';

export type HealthKind = 'api' | 'database' | 'kubernetes';

export interface HealthTarget {
  readonly kind: HealthKind;
  readonly architecture: string;
  /** Key below `/fastish/<env>/<arch>/`. */
  readonly key: RegExp;
  /** Where the endpoint answers: anywhere, only inside the VPC, or as `eks.publicEndpointCidrs` says. */
  readonly reachable: 'public' | 'vpc' | 'eks-endpoint-config';
  readonly description: string;
}

export const HEALTH_TARGETS: readonly HealthTarget[] = [
  {
    kind: 'api',
    architecture: 'webapp',
    key: /^api\/url$/,
    reachable: 'public',
    description: `deep check: a health-client token, then \`GET <api url>${HEALTH_DEEP_PATH.slice(1)}\` returns 200`,
  },
  {
    kind: 'database',
    architecture: 'druid',
    key: /^(metadata|database|db)[\w-]*\/endpoint$/,
    reachable: 'vpc',
    description: 'Aurora endpoint in private subnets: not checked from outside the VPC',
  },
  {
    kind: 'kubernetes',
    architecture: 'eks',
    key: /^cluster\/endpoint$/,
    reachable: 'eks-endpoint-config',
    description: 'EKS API endpoint answers HTTPS (when public)',
  },
];

/** What a check of a private endpoint reports instead of a probe that cannot reach it. */
export const NOT_CHECKED_PRIVATE = 'not checked from here: private endpoint, reachable only from the VPC';

/** Published webapp values (keys below `/fastish/<env>/webapp/`) the deep check needs besides the API URL. */
export const HEALTH_CLIENT_KEYS = {
  userPoolId: 'user-pool/id',
  domain: 'user-pool/domain',
  clientId: 'user-pool/health-client-id',
} as const;

/**
 * Role purposes (`naming.roleName`) of the pipeline's deep-check step (in the pipeline environment) and of
 * the role it assumes in each environment to read the health client's secret. Both stacks derive the
 * names from here, so the trust and the role match without a cross-account reference.
 */
export const HEALTH_CHECK_ROLES = {
  pipeline: 'release-health-check',
  reader: 'webapp-health-reader',
} as const;

const PARAMETER = /^\/fastish\/[^/]+\/([^/]+)\/(.+)$/;

/** Architecture and key of a published SSM parameter name. */
export function publishedKey(parameterName: string): { architecture: string; key: string } | undefined {
  const m = PARAMETER.exec(parameterName);
  return m ? { architecture: m[1] as string, key: m[2] as string } : undefined;
}

/** The health target a published SSM parameter name stands for, if any. */
export function healthTargetOf(parameterName: string): HealthTarget | undefined {
  const p = publishedKey(parameterName);
  if (!p) return undefined;
  return HEALTH_TARGETS.find((t) => t.architecture === p.architecture && t.key.test(p.key));
}

/** Published values carry their parameter in the output description: `… (SSM: /fastish/…)`. */
export function parameterOfOutputDescription(description: unknown): string | undefined {
  if (typeof description !== 'string') return undefined;
  return /\(SSM: (\/fastish\/[^)\s]+)\)$/.exec(description)?.[1];
}

/** The deep health URL of an API invoke URL (`https://…/prod/` → `https://…/prod/health/deep`). */
export function deepHealthUrl(apiUrl: string): string {
  return `${apiUrl.replace(/\/+$/, '')}${HEALTH_DEEP_PATH}`;
}

/** The OAuth token endpoint under a Cognito domain URL. */
export function tokenUrl(cognitoDomain: string): string {
  return `${cognitoDomain.replace(/\/+$/, '')}/oauth2/token`;
}

export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}
export interface HttpResponse {
  readonly status: number;
  readonly body: string;
}
export type HttpExchange = (request: HttpRequest, timeoutMs: number) => Promise<HttpResponse>;

export interface DeepCheckTarget {
  readonly apiUrl: string;
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface DeepCheckResult {
  readonly passed: boolean;
  /** The dependency that failed: `token` (Cognito), `authorizer`, `sts`, `dynamodb`, `isolation` or `api`. */
  readonly failed?: string;
  readonly detail: string;
}

function parse(body: string): Record<string, unknown> {
  try {
    const v = JSON.parse(body) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const errorCode = (body: Record<string, unknown>) =>
  String(
    (body.error as { code?: unknown } | undefined)?.code ??
      (typeof body.error === 'string' ? body.error : ''),
  );

/**
 * The deep check as a client: a client-credentials token from the user pool, then `GET /health/deep`. The
 * answer names the failed dependency: the token endpoint (`token`), API Gateway's authorizer answers
 * (401/403: `authorizer`), the handler's own report (503: `sts`, `dynamodb`, `isolation`), anything else `api`.
 */
export async function deepHealthCheck(
  target: DeepCheckTarget,
  http: HttpExchange,
  timeoutMs: number,
): Promise<DeepCheckResult> {
  const basic = Buffer.from(`${target.clientId}:${target.clientSecret}`).toString('base64');
  const token = await http(
    {
      method: 'POST',
      url: target.tokenUrl,
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: HEALTH_CLIENT.scope }).toString(),
    },
    timeoutMs,
  );
  const tokenBody = parse(token.body);
  if (token.status !== 200 || typeof tokenBody.access_token !== 'string') {
    return {
      passed: false,
      failed: 'token',
      detail: `token endpoint returned ${token.status} ${errorCode(tokenBody)}`.trim(),
    };
  }
  const res = await http(
    {
      method: 'GET',
      url: deepHealthUrl(target.apiUrl),
      headers: { authorization: `Bearer ${tokenBody.access_token}` },
    },
    timeoutMs,
  );
  const body = parse(res.body);
  const checks = Array.isArray(body.checks)
    ? (body.checks as { name: string; status: string; detail?: string }[])
    : [];
  if (res.status === 200 && body.status === 'ok') {
    return { passed: true, detail: `${checks.map((c) => c.name).join(', ')} passed` };
  }
  if (res.status === 503 && typeof body.failed === 'string') {
    const failure = checks.find((c) => c.name === body.failed);
    return {
      passed: false,
      failed: body.failed,
      detail: `${body.failed} failed${failure?.detail ? `: ${failure.detail}` : ''}`,
    };
  }
  const failed = res.status === 401 || res.status === 403 ? 'authorizer' : 'api';
  return { passed: false, failed, detail: `GET returned ${res.status} ${errorCode(body)}`.trim() };
}

/** Environment variables the pipeline's deep-check step reads (from the webapp stack's outputs). */
export const DEEP_CHECK_VARIABLES = {
  apiUrl: 'TARGET_URL',
  userPoolId: 'USER_POOL_ID',
  clientId: 'HEALTH_CLIENT_ID',
  domain: 'COGNITO_DOMAIN',
} as const;

/**
 * The deep check as POSIX shell for a pipeline step (CodeBuild runs `sh`). The client secret is read with
 * the target account's health-check role (`DescribeUserPoolClient` on that pool only) and passed to curl on
 * stdin, never on a command line or in the log; the answer's JSON (which dependency failed) is printed.
 */
export function deepHealthShellCommands(options: {
  readonly region: string;
  /** Role in the target account allowed to read the health client's secret. */
  readonly readerRoleArn: string;
  /** curl retries of the token and deep-check requests (transient errors, 5xx while a deploy settles). @default 5 */
  readonly retries?: number;
}): string[] {
  const v = DEEP_CHECK_VARIABLES;
  const retry = `--retry ${options.retries ?? 5} --retry-delay 10`;
  const accessToken =
    'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>{const t=JSON.parse(s||"{}").access_token;if(!t){console.error(s);process.exit(1)}process.stdout.write(t)})';
  return [
    `creds=$(aws sts assume-role --role-arn '${options.readerRoleArn}' --role-session-name fastish-health-check --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text)`,
    `secret=$(set -- $creds; AWS_ACCESS_KEY_ID="$1" AWS_SECRET_ACCESS_KEY="$2" AWS_SESSION_TOKEN="$3" aws cognito-idp describe-user-pool-client --region ${options.region} --user-pool-id "$${v.userPoolId}" --client-id "$${v.clientId}" --query UserPoolClient.ClientSecret --output text)`,
    `token=$(printf 'user = "%s:%s"\\n' "$${v.clientId}" "$secret" | curl --config - -sS ${retry} --max-time 15 -d grant_type=client_credentials -d scope=${HEALTH_CLIENT.scope} "\${${v.domain}%/}/oauth2/token" | node -e '${accessToken}')`,
    `url="\${${v.apiUrl}%/}${HEALTH_DEEP_PATH}"`,
    `code=$(printf 'header = "Authorization: Bearer %s"\\n' "$token" | curl --config - -sS -o deep-health.json -w "%{http_code}" ${retry} --max-time 30 "$url" || true)`,
    'echo "GET $url -> $code"; cat deep-health.json 2>/dev/null; echo',
    'test "$code" = "200"',
  ];
}
