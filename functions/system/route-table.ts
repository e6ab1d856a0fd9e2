import { assuranceRoutes } from '../assurance/routes';
import { auditWorkers } from '../audit/routes';
import { authRoutes } from '../auth/routes';
import { cardRoutes, cardWorkers } from '../cards/routes';
import type { RouteDefinition, Touches, WorkerDefinition } from '../core/route';
import { hospitalRoutes } from '../hospital/routes';
import { identityRoutes } from '../identity/routes';
import { incidentRoutes } from '../incident/routes';
import { oauthRoutes } from '../oauth/routes';
import { oidcRoutes } from '../oidc/routes';
import { privacyRoutes, privacyWorkers } from '../privacy/routes';
import { recoveryWorkers } from '../recovery/routes';
import { systemRoutes } from './routes';

/**
 * THE route table: each feature declares its routes beside its code (`<feature>/routes.ts`) and
 * this gathers them. CDK makes one function per group and one API route per entry from it, the
 * local server serves it, and docs/openapi.json is generated from it. Handlers are named by module
 * path, not imported, so reading this table stays cheap (CDK synth, the OpenAPI build); a handler
 * imports only its own feature's entries.
 */
export const routes = {
  ...systemRoutes,
  ...authRoutes,
  ...oauthRoutes,
  ...cardRoutes,
  ...hospitalRoutes,
  ...privacyRoutes,
  ...incidentRoutes,
  ...identityRoutes,
  ...assuranceRoutes,
  ...oidcRoutes,
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

/**
 * THE worker table, gathered like the routes: each feature declares what runs behind its routes
 * (`<feature>/routes.ts`). CDK makes one function per entry and wires its trigger, the local
 * runtime runs the queues and streams from it, and the bench bundles each.
 */
export const workers = {
  ...auditWorkers,
  ...cardWorkers,
  ...privacyWorkers,
  ...recoveryWorkers,
} as const satisfies Record<string, WorkerDefinition>;

export type WorkerId = keyof typeof workers;

/** The table's stream consumers, in the order the table declares them. */
export function streamWorkers() {
  return Object.values(workers).filter(
    (w): w is Extract<(typeof workers)[WorkerId], { trigger: 'stream' }> => w.trigger === 'stream',
  );
}

/**
 * The Lambda authorizer of every `auth: 'user'` and `auth: 'hospital'` route: verifies the token
 * and its session: read-only table access and the signing key's public half, nothing else.
 */
export const authorizerFunction = {
  group: 'authorizer',
  handler: 'authorizer/handlers/authorizer',
  touches: { table: 'read', signingKey: 'verify' } satisfies Touches,
} as const;
