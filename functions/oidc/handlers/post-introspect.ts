import { httpHandler } from '../../core/http-handler';
import { ipPrefix } from '../../kernel/network';
import { credentialsOf } from '../client-auth';
import { oidcGroupDeps } from '../deps';
import { oidcRoutes } from '../routes';
import { introspect } from '../tokens';

export const handler = httpHandler(oidcRoutes.oidcIntrospect, oidcGroupDeps, async (request, deps) => ({
  body: await introspect(deps.oidc, {
    ...credentialsOf(request),
    token: request.body.token,
    ipPrefix: ipPrefix(request.sourceIp),
  }),
}));
