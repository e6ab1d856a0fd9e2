import { clientInfo } from '../../auth/handlers/client-info';
import { httpHandler } from '../../core/http-handler';
import { requestAccountDeletion } from '../rights-requests';

export const handler = httpHandler('requestDeletion', async (request, deps) => ({
  status: 202,
  body: await requestAccountDeletion(
    await deps.rightsRequests(),
    request.identity,
    request.body,
    clientInfo(request),
  ),
}));
