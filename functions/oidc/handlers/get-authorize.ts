import { httpHandler } from '../../core/http-handler';
import { ipPrefix } from '../../kernel/network';
import { startAuthorization } from '../authorize';
import { oidcGroupDeps } from '../deps';
import { oidcRoutes } from '../routes';

export const handler = httpHandler(oidcRoutes.oidcAuthorize, oidcGroupDeps, async (request, deps) => {
  const next = await startAuthorization(deps.oidc, request.query, { ipPrefix: ipPrefix(request.sourceIp) });
  return { status: 303 as const, headers: { location: next.location } };
});
