import { clientInfo } from '../../auth/handlers/client-info';
import { httpHandler } from '../../core/http-handler';
import { completeApp } from '../oauth-login';

export const handler = httpHandler('oauthApp', async (request, deps) => ({
  body: await completeApp(await deps.oauth(), {
    provider: request.params.provider,
    code: request.body.code,
    client: clientInfo(request),
  }),
}));
