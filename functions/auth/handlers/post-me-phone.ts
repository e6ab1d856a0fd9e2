import { httpHandler } from '../../core/http-handler';
import { changePhone } from '../account';
import { accountDeps } from '../deps';
import { authRoutes } from '../routes';
import { clientInfo } from './client-info';

export const handler = httpHandler(authRoutes.changePhone, accountDeps, async (request, deps) => ({
  body: await changePhone(deps.auth, request.identity, request.body, clientInfo(request)),
}));
