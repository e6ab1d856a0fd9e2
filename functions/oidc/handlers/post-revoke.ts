import { httpHandler } from '../../core/http-handler';
import { ipPrefix } from '../../kernel/network';
import { credentialsOf } from '../client-auth';
import { oidcGroupDeps } from '../deps';
import { oidcRoutes } from '../routes';
import { revokeToken } from '../tokens';

export const handler = httpHandler(oidcRoutes.oidcRevoke, oidcGroupDeps, async (request, deps) => {
  await revokeToken(deps.oidc, {
    ...credentialsOf(request),
    token: request.body.token,
    ipPrefix: ipPrefix(request.sourceIp),
  });
  return {};
});
