import * as z from 'zod';
import { ROUTES, type RouteSpec } from './api/routes';
import { apiSchemas } from './schemas';

type JsonObject = Record<string, unknown>;

const ERROR_REF = { $ref: '#/components/schemas/Error' };

/** Status codes a route can answer besides its successes, derived from what the route does. */
function errorStatuses(route: RouteSpec): number[] {
  const codes = new Set<number>([500]);
  const add = (...more: number[]) => {
    for (const c of more) codes.add(c);
  };
  if (route.access !== 'public') add(401, 403);
  if (route.tenantScoped) codes.add(429);
  if (route.params) add(400, 404);
  if (route.query) codes.add(400);
  if (route.body) add(400, 413, 415, 422);
  if (route.operationId === 'createItem') add(409, 422);
  if (route.headers?.some((h) => h.name === 'If-Match')) add(400, 404, 412);
  if (route.headers?.some((h) => h.name === 'If-Match' && h.required)) codes.add(428);
  if (
    /^(onboardTenant|suspendTenant|resumeTenant|offboardTenant|inviteUser|changeUserRole|removeUser)$/.test(
      route.operationId,
    )
  ) {
    codes.add(409);
  }
  return [...codes].sort((a, b) => a - b);
}

function schemaRef(schema: z.ZodType): JsonObject {
  const id = apiSchemas.get(schema)?.id;
  if (id) return { $ref: `#/components/schemas/${id}` };
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
  }) as JsonObject;
  return rest;
}

function parameters(route: RouteSpec): JsonObject[] {
  const out: JsonObject[] = [];
  for (const [name, schema] of Object.entries(route.params ?? {})) {
    out.push({ name, in: 'path', required: true, schema: schemaRef(schema) });
  }
  if (route.query) {
    const json = z.toJSONSchema(route.query, { target: 'draft-2020-12', io: 'input' }) as {
      properties?: Record<string, JsonObject>;
      required?: string[];
    };
    for (const [name, schema] of Object.entries(json.properties ?? {})) {
      out.push({ name, in: 'query', required: json.required?.includes(name) ?? false, schema });
    }
  }
  for (const h of route.headers ?? []) {
    out.push({
      name: h.name,
      in: 'header',
      required: h.required,
      description: h.description,
      schema: { type: 'string' },
    });
  }
  return out;
}

function operation(route: RouteSpec): JsonObject {
  const responses: JsonObject = {};
  for (const [status, spec] of Object.entries(route.responses)) {
    const content: JsonObject = {};
    if (spec.schema) content['application/json'] = { schema: schemaRef(spec.schema) };
    for (const [type, schema] of Object.entries(spec.alternatives ?? {})) content[type] = { schema };
    responses[status] = {
      description: spec.description,
      ...(Object.keys(content).length ? { content } : {}),
      ...(spec.headers
        ? {
            headers: Object.fromEntries(
              Object.entries(spec.headers).map(([k, d]) => [
                k,
                { description: d, schema: { type: 'string' } },
              ]),
            ),
          }
        : {}),
    };
  }
  for (const status of errorStatuses(route)) {
    responses[String(status)] ??= {
      description: 'Error',
      content: { 'application/json': { schema: ERROR_REF } },
    };
  }
  const params = parameters(route);
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    ...(route.access === 'public' ? { security: [] } : {}),
    ...(params.length ? { parameters: params } : {}),
    ...(route.body
      ? {
          requestBody: { required: true, content: { 'application/json': { schema: schemaRef(route.body) } } },
        }
      : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document, generated from the route table and the zod schemas the handlers validate with. */
export function buildOpenApi(): JsonObject {
  const { schemas } = z.toJSONSchema(apiSchemas, {
    target: 'draft-2020-12',
    io: 'input',
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, JsonObject> };
  const components: Record<string, JsonObject> = {};
  for (const id of Object.keys(schemas).sort()) {
    const { $schema: _s, $id: _i, ...schema } = schemas[id] as JsonObject;
    components[id] = schema;
  }
  const paths: Record<string, JsonObject> = {};
  for (const route of ROUTES) {
    paths[route.path] ??= {};
    (paths[route.path] as JsonObject)[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Fastish web application API',
      version: '1.0.0',
      description:
        'Multi-tenant API. The tenant is taken from the verified ID token only. Errors are `{"error":{"code","message"}}` with stable codes.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: components,
    },
    paths,
  };
}

/** The document as written to docs/openapi.json (stable formatting, trailing newline). */
export function openApiText(): string {
  return `${JSON.stringify(buildOpenApi(), null, 2)}\n`;
}
