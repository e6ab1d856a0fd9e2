import { clientInfo } from '../../auth/handlers/client-info';
import { httpHandler } from '../../core/http-handler';
import { completeCallback } from '../oauth-login';

export const handler = httpHandler('oauthCallback', async (request, deps) => ({
  body: await completeCallback(await deps.oauth(), {
    provider: request.params.provider,
    ...request.body,
    client: clientInfo(request),
  }),
}));
