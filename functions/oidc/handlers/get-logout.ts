import { httpHandler } from '../../core/http-handler';
import { oidcGroupDeps } from '../deps';
import { oidcRoutes } from '../routes';
import { logout } from '../tokens';

export const handler = httpHandler(oidcRoutes.oidcLogout, oidcGroupDeps, async (request, deps) => {
  const next = await logout(deps.oidc, request.query);
  return { status: 303 as const, headers: { location: next.location } };
});
