import { httpHandler } from '../../core/http-handler';
import { clientInfo } from '../../kernel/client-info';
import { oauthGroupDeps } from '../deps';
import { completeCallback } from '../oauth-login';
import { oauthRoutes } from '../routes';

export const handler = httpHandler(oauthRoutes.oauthCallback, oauthGroupDeps, async (request, deps) => ({
  body: await completeCallback(deps.oauth, {
    provider: request.params.provider,
    ...request.body,
    client: clientInfo(request),
  }),
}));
