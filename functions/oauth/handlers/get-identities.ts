import { httpHandler } from '../../core/http-handler';
import { listIdentities } from '../oauth-login';

export const handler = httpHandler('listIdentities', async (request, deps) => ({
  body: { identities: await listIdentities(await deps.oauth(), request.identity) },
}));
