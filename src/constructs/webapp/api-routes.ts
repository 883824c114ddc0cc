import { z } from 'zod';
import { ROUTES } from '../../runtime/api/routes';
import { apiSchemas } from '../../runtime/schemas';
import type { ApiMethod, ApiRoute } from './tenant-api';

/**
 * API Gateway routes from the runtime's route table (`src/runtime/api/routes.ts`): the same paths and
 * methods the handler dispatches on, public routes without the authorizer, and each JSON body's zod schema
 * as a draft-04 model. Gateway validation is a first filter that is never stricter than the handler's zod
 * validation: constraints draft-04 cannot express (e.g. record key patterns, trimming) are left to zod.
 */
export function apiRoutes(): ApiRoute[] {
  return ROUTES.map((route) => {
    const base = { method: route.method as ApiMethod, path: route.path, public: route.access === 'public' };
    if (!route.body) return base;
    const id = apiSchemas.get(route.body)?.id ?? `${route.operationId}Body`;
    const schema = z.toJSONSchema(route.body, { target: 'draft-4', io: 'input', unrepresentable: 'any' });
    return {
      ...base,
      bodyModelName: id.replace(/[^A-Za-z0-9]/g, ''),
      bodySchema: { ...schema, title: id } as Record<string, unknown>,
    };
  });
}
