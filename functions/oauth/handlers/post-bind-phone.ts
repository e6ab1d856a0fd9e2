import { httpHandler } from '../../core/http-handler';
import { clientInfo } from '../../kernel/client-info';
import { oauthGroupDeps } from '../deps';
import { bindPhone } from '../oauth-login';
import { oauthRoutes } from '../routes';

export const handler = httpHandler(oauthRoutes.oauthBindPhone, oauthGroupDeps, async (request, deps) => ({
  body: await bindPhone(deps.oauth, { ...request.body, client: clientInfo(request) }),
}));
