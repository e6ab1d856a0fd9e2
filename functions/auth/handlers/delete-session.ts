import { httpHandler } from '../../core/http-handler';
import { revokeSession } from '../sessions';

export const handler = httpHandler('deleteSession', async (request, deps) => {
  await revokeSession(await deps.auth(), request.identity.userId, request.params.sessionId, 'user');
  return { status: 204 };
});
