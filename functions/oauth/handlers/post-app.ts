import { httpHandler } from '../../core/http-handler';
import { clientInfo } from '../../kernel/client-info';
import { oauthGroupDeps } from '../deps';
import { completeApp } from '../oauth-login';
import { oauthRoutes } from '../routes';

export const handler = httpHandler(oauthRoutes.oauthApp, oauthGroupDeps, async (request, deps) => ({
  body: await completeApp(deps.oauth, {
    provider: request.params.provider,
    code: request.body.code,
    client: clientInfo(request),
  }),
}));
