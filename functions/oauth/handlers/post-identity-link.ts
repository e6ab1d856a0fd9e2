import { clientInfo } from '../../auth/handlers/client-info';
import { httpHandler } from '../../core/http-handler';
import { linkFromSettings } from '../oauth-login';

export const handler = httpHandler('linkIdentity', async (request, deps) => ({
  status: 201,
  body: await linkFromSettings(
    await deps.oauth(),
    request.identity,
    { provider: request.params.provider, ...request.body },
    clientInfo(request),
  ),
}));
