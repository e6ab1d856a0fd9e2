import { httpHandler } from '../../core/http-handler';
import { describeRequest } from '../decide';
import { oidcGroupDeps } from '../deps';
import { oidcRoutes } from '../routes';

export const handler = httpHandler(oidcRoutes.oidcRequest, oidcGroupDeps, async (request, deps) => ({
  body: await describeRequest(deps.oidc, request.identity, request.params.requestId),
}));
