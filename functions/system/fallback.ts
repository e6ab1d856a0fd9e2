import { AppError } from '../core/errors';
import { edgePipeline } from '../core/http-handler';
import { matchRoute } from '../core/route-match';
import { systemDeps } from './deps';
import { routeList } from './route-table';

/**
 * Everything no route matched: 405 with `Allow` when the path exists under other methods, 404
 * otherwise, both as problem+json (an OperationOutcome under `/fhir/`). The REST API's catch-all (`ANY /{proxy+}`) invokes this in AWS;
 * the path it matches is the API's own, without the stage or a custom domain's base path.
 */
export const handler = edgePipeline(
  'fallback',
  undefined,
  systemDeps,
  async (event) => {
    const match = matchRoute(routeList, event.httpMethod, apiPath(event));
    if (match.kind === 'method_not_allowed') {
      throw new AppError('method_not_allowed', { headers: { allow: match.allow.join(', ') } });
    }
    throw new AppError('not_found');
  },
  // Under the FHIR base a FHIR client expects an OperationOutcome, even for a path we lack.
  (event) => (apiPath(event).startsWith('/fhir/') ? 'fhir' : undefined),
);

/**
 * The path under the API's root, whatever stage or base path is in front: `{proxy+}` holds it for
 * unknown paths; on a known route's path (its `ANY` method), it is the resource with its parameters.
 */
function apiPath(event: {
  resource: string;
  pathParameters: Record<string, string | undefined> | null;
}): string {
  const params = event.pathParameters ?? {};
  if (params.proxy !== undefined) return `/${params.proxy}`;
  return event.resource.replace(/\{([^}+]+)\}/g, (_m, name: string) =>
    encodeURIComponent(params[name] ?? ''),
  );
}
