import { httpHandler } from '../../core/http-handler';
import { clientInfo } from '../../kernel/client-info';
import { disconnectApp } from '../connected-apps';
import { oidcGroupDeps } from '../deps';
import { oidcRoutes } from '../routes';

export const handler = httpHandler(oidcRoutes.disconnectApp, oidcGroupDeps, async (request, deps) => {
  await disconnectApp(deps.oidc, request.identity, request.params.clientId, clientInfo(request));
  return {};
});
