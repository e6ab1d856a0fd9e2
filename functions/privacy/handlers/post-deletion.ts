import { httpHandler } from '../../core/http-handler';
import { clientInfo } from '../../kernel/client-info';
import { requestsDeps } from '../deps';
import { requestAccountDeletion } from '../rights-requests';
import { privacyRoutes } from '../routes';

export const handler = httpHandler(privacyRoutes.requestDeletion, requestsDeps, async (request, deps) => ({
  body: await requestAccountDeletion(
    deps.rightsRequests,
    request.identity,
    request.body,
    clientInfo(request),
  ),
}));
