import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { z } from 'zod';
import { ApiError } from '../errors';

/** Largest request body the API accepts (API Gateway itself allows 10 MB). */
export const MAX_BODY_BYTES = 64 * 1024;

/** Header lookup that ignores case, as HTTP does; API Gateway passes headers as the client sent them. */
export function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}

/** Issues without input values: messages never echo what the client sent (it may be huge or hostile). */
function issues(error: z.ZodError): { path: string; message: string }[] {
  // Record keys are client input too: a path segment that is not a plain name is shown as `*`.
  const segment = (p: PropertyKey) =>
    typeof p === 'number' ? String(p) : /^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(String(p)) ? String(p) : '*';
  return error.issues.slice(0, 20).map((i) => ({ path: i.path.map(segment).join('.'), message: i.message }));
}

export function parseBody<S extends z.ZodType>(event: APIGatewayProxyEvent, schema: S): z.output<S> {
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > MAX_BODY_BYTES) {
    throw new ApiError('payload_too_large', `Request body exceeds ${MAX_BODY_BYTES} bytes`);
  }
  const contentType = (header(event, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (contentType !== 'application/json') {
    throw new ApiError('unsupported_media_type', 'Content-Type must be application/json');
  }
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ApiError('malformed_json', 'Request body is not valid JSON');
  }
  const result = schema.safeParse(value);
  if (!result.success)
    throw new ApiError('validation_failed', 'Request body is invalid', issues(result.error));
  return result.data;
}

export function parseQuery<S extends z.ZodType>(event: APIGatewayProxyEvent, schema: S): z.output<S> {
  const multi = event.multiValueQueryStringParameters ?? {};
  for (const [key, values] of Object.entries(multi)) {
    if ((values?.length ?? 0) > 1) throw new ApiError('invalid_query', `Query parameter ${key} is repeated`);
  }
  const result = schema.safeParse(event.queryStringParameters ?? {});
  if (!result.success)
    throw new ApiError('invalid_query', 'Query parameters are invalid', issues(result.error));
  return result.data;
}

export function parseParam<S extends z.ZodType>(
  value: string | undefined,
  schema: S,
  name: string,
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ApiError('invalid_parameter', `Path parameter ${name} is invalid`);
  return result.data;
}
