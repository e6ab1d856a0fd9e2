import { clientInfo } from '../../auth/handlers/client-info';
import { httpHandler } from '../../core/http-handler';
import { submitRightsRequest } from '../rights-requests';

export const handler = httpHandler('submitPrivacyRequest', async (request, deps) => ({
  status: 202,
  body: await submitRightsRequest(await deps.rightsRequests(), request.body, clientInfo(request)),
}));
