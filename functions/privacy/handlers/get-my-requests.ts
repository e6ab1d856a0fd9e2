import { httpHandler } from '../../core/http-handler';
import { requestsDeps } from '../deps';
import { listMyRequests } from '../rights-requests';
import { privacyRoutes } from '../routes';

export const handler = httpHandler(privacyRoutes.listMyRequests, requestsDeps, async (request, deps) => ({
  body: await listMyRequests(deps.rightsRequests, request.identity, request.query),
}));
