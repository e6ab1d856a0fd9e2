import { httpHandler } from '../../core/http-handler';
import { connectedApps } from '../connected-apps';
import { oidcGroupDeps } from '../deps';
import { oidcRoutes } from '../routes';

export const handler = httpHandler(oidcRoutes.listConnectedApps, oidcGroupDeps, async (request, deps) => ({
  body: await connectedApps(deps.oidc, request.identity),
}));
