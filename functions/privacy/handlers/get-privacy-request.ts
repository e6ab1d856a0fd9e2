import { httpHandler } from '../../core/http-handler';
import { requestStatus } from '../rights-requests';

export const handler = httpHandler('privacyRequestStatus', async (request, deps) => ({
  body: await requestStatus(await deps.rightsRequests(), request.params.requestId),
}));
