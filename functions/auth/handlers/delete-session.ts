import { httpHandler } from '../../core/http-handler';
import { accountDeps } from '../deps';
import { authRoutes } from '../routes';
import { revokeSession } from '../sessions';

export const handler = httpHandler(authRoutes.deleteSession, accountDeps, async (request, deps) => {
  await revokeSession(deps.auth, request.identity.userId, request.params.sessionId, 'user');
  return {};
});
