import { httpHandler } from '../../core/http-handler';
import { loginDeps } from '../deps';
import { authRoutes } from '../routes';
import { revokeSession } from '../sessions';

export const handler = httpHandler(authRoutes.logout, loginDeps, async (request, deps) => {
  await revokeSession(deps.auth, request.identity.userId, request.identity.sessionId, 'logout');
  return {};
});
