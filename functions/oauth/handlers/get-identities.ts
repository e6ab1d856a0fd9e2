import { httpHandler } from '../../core/http-handler';
import { oauthGroupDeps } from '../deps';
import { listIdentities } from '../oauth-login';
import { oauthRoutes } from '../routes';

export const handler = httpHandler(oauthRoutes.listIdentities, oauthGroupDeps, async (request, deps) => ({
  body: { identities: await listIdentities(deps.oauth, request.identity) },
}));
