import { httpHandler } from '../../core/http-handler';
import { oauthGroupDeps } from '../deps';
import { unlinkIdentity } from '../oauth-login';
import { oauthRoutes } from '../routes';

export const handler = httpHandler(oauthRoutes.unlinkIdentity, oauthGroupDeps, async (request, deps) => {
  await unlinkIdentity(deps.oauth, request.identity, request.params.provider);
  return {};
});
