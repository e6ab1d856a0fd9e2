import { httpHandler } from '../../core/http-handler';
import { accountDeps } from '../deps';
import { authRoutes } from '../routes';
import { listSessions } from '../sessions';

export const handler = httpHandler(authRoutes.listSessions, accountDeps, async (request, deps) => ({
  body: await listSessions(deps.auth, request.identity.userId, request.identity.sessionId, request.query),
}));
