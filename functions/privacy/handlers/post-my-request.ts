import { httpHandler } from '../../core/http-handler';
import { requestsDeps } from '../deps';
import { submitMyRequest } from '../rights-requests';
import { privacyRoutes } from '../routes';

export const handler = httpHandler(privacyRoutes.submitMyRequest, requestsDeps, async (request, deps) => ({
  body: await submitMyRequest(deps.rightsRequests, request.identity, request.body),
}));
