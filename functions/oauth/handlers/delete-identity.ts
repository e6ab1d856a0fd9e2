import { httpHandler } from '../../core/http-handler';
import { unlinkIdentity } from '../oauth-login';

export const handler = httpHandler('unlinkIdentity', async (request, deps) => {
  await unlinkIdentity(await deps.oauth(), request.identity, request.params.provider);
  return { status: 204 };
});
