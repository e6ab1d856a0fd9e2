import { httpHandler } from '../../core/http-handler';
import { loginDeps } from '../deps';
import { loginWithCode } from '../login-with-code';
import { authRoutes } from '../routes';
import { clientInfo } from './client-info';

export const handler = httpHandler(authRoutes.verifySms, loginDeps, async (request, deps) => ({
  body: await loginWithCode(deps.auth, { ...request.body, client: clientInfo(request) }),
}));
