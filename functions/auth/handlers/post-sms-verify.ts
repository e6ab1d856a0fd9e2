import { httpHandler } from '../../core/http-handler';
import { clientInfo } from '../../kernel/client-info';
import { loginDeps } from '../deps';
import { loginWithCode } from '../login-with-code';
import { authRoutes } from '../routes';

export const handler = httpHandler(authRoutes.verifySms, loginDeps, async (request, deps) => ({
  body: await loginWithCode(deps.auth, { ...request.body, client: clientInfo(request) }),
}));
