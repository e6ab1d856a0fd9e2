import { httpHandler } from '../../core/http-handler';
import { loginDeps } from '../deps';
import { authRoutes } from '../routes';
import { refreshSession } from '../sessions';

export const handler = httpHandler(authRoutes.refreshToken, loginDeps, async (request, deps) => ({
  body: await refreshSession(deps.auth, request.body.refreshToken),
}));
