import { httpHandler } from '../../core/http-handler';
import { listMyRequests } from '../rights-requests';

export const handler = httpHandler('listMyRequests', async (request, deps) => ({
  body: await listMyRequests(await deps.rightsRequests(), request.identity),
}));
