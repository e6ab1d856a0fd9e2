import { httpHandler } from '../../core/http-handler';
import { requestsDeps } from '../deps';
import { requestStatus } from '../rights-requests';
import { privacyRoutes } from '../routes';

export const handler = httpHandler(
  privacyRoutes.privacyRequestStatus,
  requestsDeps,
  async (request, deps) => ({
    body: await requestStatus(deps.rightsRequests, request.params.requestId),
  }),
);
