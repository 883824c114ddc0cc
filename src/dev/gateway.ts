import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  APIGatewayTokenAuthorizerEvent,
} from 'aws-lambda';
import { TtlCache } from '../runtime/auth/ttl-cache';
import { GATEWAY_RESPONSES } from '../runtime/contract';

export const STAGE = 'local';
const API_ID = 'localapi';
const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
/** API Gateway's own payload limit. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
/** Identity validation expression of the TOKEN authorizer (the stack sets the same). */
export const TOKEN_VALIDATION = /^Bearer [-0-9A-Za-z._]+$/;
/** Routes without the authorizer (the stack leaves them open too). */
const PUBLIC = new Set(['GET /health', 'GET /openapi.json']);

/** The usage plans behind the API keys (the fake registry); decides each keyed request's fate. */
export interface UsagePlanEnforcer {
  admit(usageIdentifierKey: string | undefined): 'ok' | 'invalid_key' | 'throttled' | 'quota_exceeded';
}

const ADMISSION_RESPONSES: Record<Exclude<ReturnType<UsagePlanEnforcer['admit']>, 'ok'>, GatewayResponse> = {
  invalid_key: GATEWAY_RESPONSES.INVALID_API_KEY,
  throttled: GATEWAY_RESPONSES.THROTTLED,
  quota_exceeded: GATEWAY_RESPONSES.QUOTA_EXCEEDED,
};

export interface GatewayOptions {
  authorizer: (event: APIGatewayTokenAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;
  api: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;
  /** API Gateway's authorizer result cache TTL (seconds); 0 disables it. */
  authorizerTtlSeconds: number;
  /**
   * Every authorized method requires an API key (`apiKeyRequired`, key source AUTHORIZER): the key is the
   * authorizer's `usageIdentifierKey`, checked and throttled here after the policy allowed the request.
   */
  usagePlans: UsagePlanEnforcer;
}

type GatewayResponse = { status: number; body: unknown };

function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string | Buffer,
): void {
  res.writeHead(status, headers);
  res.end(body);
}

function gatewayError(res: ServerResponse, response: GatewayResponse): void {
  send(res, response.status, { 'content-type': 'application/json' }, JSON.stringify(response.body));
}

/** `*` in IAM resource patterns matches any run of characters, including `/`. */
function resourceMatches(pattern: string, arn: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return regex.test(arn);
}

/** IAM evaluation of the authorizer's policy for this method: explicit Deny wins, then Allow, else deny. */
export function policyAllows(result: APIGatewayAuthorizerResult, methodArn: string): boolean {
  let allowed = false;
  for (const statement of result.policyDocument?.Statement ?? []) {
    const s = statement as { Effect: string; Action?: string | string[]; Resource?: string | string[] };
    const actions = ([] as string[]).concat(s.Action ?? []);
    const resources = ([] as string[]).concat(s.Resource ?? []);
    const actionMatch = actions.some((a) => a === '*' || a === 'execute-api:*' || a === 'execute-api:Invoke');
    if (!actionMatch || !resources.some((r) => resourceMatches(r, methodArn))) continue;
    if (s.Effect === 'Deny') return false;
    if (s.Effect === 'Allow') allowed = true;
  }
  return allowed;
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    // Keep reading past the limit (and drop it), so the client gets the 413 instead of a reset connection.
    if (size <= MAX_PAYLOAD_BYTES) chunks.push(chunk as Buffer);
  }
  return size > MAX_PAYLOAD_BYTES ? undefined : Buffer.concat(chunks);
}

function headerMaps(req: IncomingMessage) {
  const multi: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] as string;
    multi[name] = [...(multi[name] ?? []), req.rawHeaders[i + 1] as string];
  }
  const single: Record<string, string> = {};
  for (const [k, v] of Object.entries(multi)) single[k] = v[v.length - 1] as string;
  return { single, multi };
}

function queryMaps(url: URL) {
  const multi: Record<string, string[]> = {};
  for (const [k, v] of url.searchParams) multi[k] = [...(multi[k] ?? []), v];
  const single: Record<string, string> = {};
  for (const [k, v] of Object.entries(multi)) single[k] = v[v.length - 1] as string;
  const any = Object.keys(multi).length > 0;
  return { single: any ? single : null, multi: any ? multi : null };
}

/**
 * Reproduces API Gateway REST in front of the handlers: payload limit, the TOKEN authorizer (identity
 * source `Authorization`, validation expression, result cache keyed by the token, policy evaluated against
 * each request's method ARN, context propagated into `requestContext.authorizer` as strings), the API key
 * from the authorizer (`usageIdentifierKey`) with its usage plan's throttle and daily quota, the Lambda
 * proxy event v1, and gateway responses in the API's error shape.
 */
export function createGateway(options: GatewayOptions) {
  const cache = new TtlCache<APIGatewayAuthorizerResult>(10_000);

  async function authorize(
    req: IncomingMessage,
    methodArn: string,
  ): Promise<GatewayResponse | Record<string, string>> {
    const raw = req.headers.authorization;
    if (typeof raw !== 'string' || !TOKEN_VALIDATION.test(raw)) return GATEWAY_RESPONSES.UNAUTHORIZED;
    let result = options.authorizerTtlSeconds > 0 ? cache.get(raw) : undefined;
    if (!result) {
      try {
        result = await options.authorizer({ type: 'TOKEN', authorizationToken: raw, methodArn });
      } catch (err) {
        if (err instanceof Error && err.message === 'Unauthorized') return GATEWAY_RESPONSES.UNAUTHORIZED;
        return GATEWAY_RESPONSES.DEFAULT_5XX; // AuthorizerConfigurationException
      }
      if (options.authorizerTtlSeconds > 0)
        cache.set(raw, result, Date.now() + options.authorizerTtlSeconds * 1000);
    }
    if (!policyAllows(result, methodArn)) return GATEWAY_RESPONSES.ACCESS_DENIED;
    const admission = options.usagePlans.admit(result.usageIdentifierKey ?? undefined);
    if (admission !== 'ok') return ADMISSION_RESPONSES[admission];
    const context: Record<string, string> = { principalId: result.principalId };
    for (const [k, v] of Object.entries(result.context ?? {})) {
      if (v !== null && v !== undefined) context[k] = String(v);
    }
    return context;
  }

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    if (!body) return gatewayError(res, GATEWAY_RESPONSES.REQUEST_TOO_LARGE);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname;
    const methodArn = `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API_ID}/${STAGE}/${method}${path}`;
    let authorizerContext: Record<string, string> | null = null;
    if (!PUBLIC.has(`${method} ${path}`)) {
      const outcome = await authorize(req, methodArn);
      if ('status' in outcome && 'body' in outcome && typeof outcome.status === 'number') {
        return gatewayError(res, outcome as GatewayResponse);
      }
      authorizerContext = outcome as Record<string, string>;
    }
    const headers = headerMaps(req);
    const query = queryMaps(url);
    const requestId = randomUUID();
    const event: APIGatewayProxyEvent = {
      resource: '/{proxy+}',
      path,
      httpMethod: method,
      headers: headers.single,
      multiValueHeaders: headers.multi,
      queryStringParameters: query.single,
      multiValueQueryStringParameters: query.multi,
      pathParameters: { proxy: path.replace(/^\//, '') },
      stageVariables: null,
      body: body.length > 0 ? body.toString('utf8') : null,
      isBase64Encoded: false,
      requestContext: {
        accountId: ACCOUNT,
        apiId: API_ID,
        authorizer: authorizerContext,
        httpMethod: method,
        identity: {
          sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
          userAgent: req.headers['user-agent'] ?? null,
        } as APIGatewayProxyEvent['requestContext']['identity'],
        path: `/${STAGE}${path}`,
        protocol: `HTTP/${req.httpVersion}`,
        requestId,
        requestTimeEpoch: Date.now(),
        resourceId: 'proxy',
        resourcePath: '/{proxy+}',
        stage: STAGE,
      },
    };
    let result: APIGatewayProxyResult;
    try {
      result = await options.api(event);
    } catch {
      return gatewayError(res, GATEWAY_RESPONSES.DEFAULT_5XX);
    }
    const out: Record<string, string> = { 'x-amzn-requestid': requestId };
    for (const [k, v] of Object.entries(result.headers ?? {})) out[k] = String(v);
    const payload = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body;
    send(res, result.statusCode, out, payload);
  };
}
