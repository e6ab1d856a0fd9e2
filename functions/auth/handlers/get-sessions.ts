import { httpHandler } from '../../core/http-handler';
import { listSessions } from '../sessions';

export const handler = httpHandler('listSessions', async (request, deps) => ({
  body: {
    sessions: await listSessions(await deps.auth(), request.identity.userId, request.identity.sessionId),
  },
}));
