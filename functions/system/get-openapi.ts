import { httpHandler } from '../core/http-handler';
import { systemDeps } from './deps';
import { routeList } from './route-table';
import { systemRoutes } from './routes';

let document: Promise<Record<string, unknown>> | undefined;

export const handler = httpHandler(systemRoutes.getOpenApi, systemDeps, async (_request, deps) => {
  // Built on first use and kept for the instance: the route table cannot change at run time. The
  // builder (zod-openapi) is loaded here, not at import, so the group's other routes (/health,
  // the fallback) do not pay for it on a cold start.
  document ??= import('../core/openapi').then(
    ({ buildOpenApiDocument }) =>
      buildOpenApiDocument(routeList, deps.version) as unknown as Record<string, unknown>,
  );
  return { body: await document, headers: { 'cache-control': 'public, max-age=300' } };
});
