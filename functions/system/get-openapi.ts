import { httpHandler } from '../core/http-handler';
import { buildOpenApiDocument } from '../core/openapi';
import { routeList } from '../routes';
import { systemDeps } from './deps';
import { systemRoutes } from './routes';

let document: ReturnType<typeof buildOpenApiDocument> | undefined;

export const handler = httpHandler(systemRoutes.getOpenApi, systemDeps, async (_request, deps) => {
  // Built on first use and kept for the instance: the route table cannot change at run time.
  document ??= buildOpenApiDocument(routeList, deps.version);
  return {
    body: document as unknown as Record<string, unknown>,
    headers: { 'cache-control': 'public, max-age=300' },
  };
});
