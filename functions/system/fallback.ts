import { AppError } from '../core/errors';
import { edgePipeline } from '../core/http-handler';
import { matchRoute } from '../core/route-match';
import { routeList } from '../routes';
import { systemDeps } from './deps';

/**
 * Everything no route matched: 405 with `Allow` when the path exists under other methods, 404
 * otherwise, both as problem+json. API Gateway's `$default` route invokes this in AWS.
 */
export const handler = edgePipeline('fallback', undefined, systemDeps, async (event) => {
  const match = matchRoute(routeList, event.requestContext.http.method, event.rawPath);
  if (match.kind === 'method_not_allowed') {
    throw new AppError('method_not_allowed', { headers: { allow: match.allow.join(', ') } });
  }
  throw new AppError('not_found');
});
