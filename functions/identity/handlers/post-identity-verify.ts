import { httpHandler } from '../../core/http-handler';
import { verifyIdentity } from '../verify-identity';

export const handler = httpHandler('verifyIdentity', async (request, deps) => ({
  body: await verifyIdentity(await deps.identity(), request.identity, request.body),
}));
