import { httpHandler } from '../../core/http-handler';
import { submitMyRequest } from '../rights-requests';

export const handler = httpHandler('submitMyRequest', async (request, deps) => ({
  status: 202,
  body: await submitMyRequest(await deps.rightsRequests(), request.identity, request.body),
}));
