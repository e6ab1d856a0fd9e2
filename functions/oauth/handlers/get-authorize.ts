import { httpHandler } from '../../core/http-handler';
import { ipPrefix } from '../../kernel/network';
import { oauthGroupDeps } from '../deps';
import { startAuthorize } from '../oauth-login';
import { oauthRoutes } from '../routes';

export const handler = httpHandler(oauthRoutes.oauthAuthorize, oauthGroupDeps, async (request, deps) => ({
  body: await startAuthorize(
    deps.oauth,
    { provider: request.params.provider, ...request.query },
    { sourceIp: request.sourceIp, ipPrefix: ipPrefix(request.sourceIp) },
  ),
}));
