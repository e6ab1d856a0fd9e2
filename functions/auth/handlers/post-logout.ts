import { httpHandler } from '../../core/http-handler';
import { revokeSession } from '../sessions';

export const handler = httpHandler('logout', async (request, deps) => {
  await revokeSession(await deps.auth(), request.identity.userId, request.identity.sessionId, 'logout');
  return { status: 204 };
});
