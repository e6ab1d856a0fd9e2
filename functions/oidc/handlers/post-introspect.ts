import { httpHandler } from '../../core/http-handler';
import { ipPrefix } from '../../kernel/network';
import { oidcGroupDeps } from '../deps';
import { oidcRoutes } from '../routes';
import { introspect } from '../tokens';

export const handler = httpHandler(oidcRoutes.oidcIntrospect, oidcGroupDeps, async (request, deps) => ({
  body: await introspect(deps.oidc, {
    authorization: request.headers.authorization,
    clientId: request.body.client_id,
    clientSecret: request.body.client_secret,
    token: request.body.token,
    ipPrefix: ipPrefix(request.sourceIp),
  }),
}));
