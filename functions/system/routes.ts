import type { RouteDefinition } from '../core/route';
import { healthResponse, openApiResponse } from './schema';

/** Health and the API's own description (group `system`, which also answers unknown paths). */
export const systemRoutes = {
  getHealth: {
    method: 'GET',
    path: '/health',
    group: 'system',
    auth: 'none',
    summary: 'Liveness: whether this instance can reach its store (details in the local stage only)',
    handler: 'system/get-health',
    responses: {
      200: { body: healthResponse, description: 'Serving' },
      503: { body: healthResponse, description: 'Degraded: the store cannot be reached' },
    },
    problems: [],
    touches: { table: 'read' },
  },
  getOpenApi: {
    method: 'GET',
    path: '/openapi.json',
    group: 'system',
    auth: 'none',
    summary: 'This API as an OpenAPI 3.1 document, generated from the route table',
    handler: 'system/get-openapi',
    responses: { 200: { body: openApiResponse, description: 'The document' } },
    problems: [],
    touches: {},
  },
} as const satisfies Record<string, RouteDefinition>;
