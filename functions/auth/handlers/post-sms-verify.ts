import { httpHandler } from '../../core/http-handler';
import { loginWithCode } from '../login-with-code';
import { clientInfo } from './client-info';

export const handler = httpHandler('verifySms', async (request, deps) => ({
  body: await loginWithCode(await deps.auth(), { ...request.body, client: clientInfo(request) }),
}));
