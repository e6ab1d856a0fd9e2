import { httpHandler } from '../../core/http-handler';
import { clientInfo } from '../../kernel/client-info';
import { oauthGroupDeps } from '../deps';
import { linkFromSettings } from '../oauth-login';
import { oauthRoutes } from '../routes';

export const handler = httpHandler(oauthRoutes.linkIdentity, oauthGroupDeps, async (request, deps) => ({
  body: await linkFromSettings(
    deps.oauth,
    request.identity,
    { provider: request.params.provider, ...request.body },
    clientInfo(request),
  ),
}));
