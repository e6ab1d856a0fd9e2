import { httpHandler } from '../../core/http-handler';
import { oidcGroupDeps } from '../deps';
import { oidcRoutes } from '../routes';
import { userInfo } from '../tokens';

export const handler = httpHandler(oidcRoutes.oidcUserInfo, oidcGroupDeps, async (request, deps) => ({
  body: await userInfo(deps.oidc, request.headers.authorization),
}));
