import { clientInfo } from '../../auth/handlers/client-info';
import { httpHandler } from '../../core/http-handler';
import { bindPhone } from '../oauth-login';

export const handler = httpHandler('oauthBindPhone', async (request, deps) => ({
  body: await bindPhone(await deps.oauth(), { ...request.body, client: clientInfo(request) }),
}));
