import { ipPrefix } from '../../auth/ip';
import { httpHandler } from '../../core/http-handler';
import { startAuthorize } from '../oauth-login';

export const handler = httpHandler('oauthAuthorize', async (request, deps) => ({
  body: await startAuthorize(
    await deps.oauth(),
    { provider: request.params.provider, ...request.query },
    { sourceIp: request.sourceIp, ipPrefix: ipPrefix(request.sourceIp) },
  ),
}));
