import { httpHandler } from '../../core/http-handler';
import { clientInfo } from '../../kernel/client-info';
import { requestsDeps } from '../deps';
import { submitRightsRequest } from '../rights-requests';
import { privacyRoutes } from '../routes';

export const handler = httpHandler(
  privacyRoutes.submitPrivacyRequest,
  requestsDeps,
  async (request, deps) => ({
    body: await submitRightsRequest(deps.rightsRequests, request.body, clientInfo(request)),
  }),
);
