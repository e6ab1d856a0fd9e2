import type { RouteDefinition } from './core/route';
import { healthResponse, openApiResponse } from './system/schema';

/**
 * THE route table. CDK makes one function per group and one API route per entry from it, the
 * local server serves it, and docs/openapi.json is generated from it. Handlers are named by module
 * path, not imported, so reading this table stays cheap (CDK synth, the OpenAPI build).
 */
export const routes = {
  getHealth: {
    method: 'GET',
    path: '/health',
    group: 'system',
    auth: 'none',
    summary: 'Liveness and dependencies: region, store reachability, key source, version',
    handler: 'system/get-health',
    response: { status: 200, body: healthResponse },
    touches: { table: 'read' },
  },
  getOpenApi: {
    method: 'GET',
    path: '/openapi.json',
    group: 'system',
    auth: 'none',
    summary: 'This API as an OpenAPI 3.1 document, generated from the route table',
    handler: 'system/get-openapi',
    response: { status: 200, body: openApiResponse },
    touches: {},
  },
} as const satisfies Record<string, RouteDefinition>;

export type RouteId = keyof typeof routes;

export const routeList: ReadonlyArray<RouteDefinition & { readonly id: RouteId }> = Object.entries(
  routes,
).map(([id, route]) => ({ ...route, id: id as RouteId }));

/**
 * Requests that match no route (unknown path, or a known path with another method) go to this
 * handler: API Gateway's `$default` route in AWS, the same module locally.
 */
export const fallbackRoute = { group: 'system', handler: 'system/fallback' } as const;
