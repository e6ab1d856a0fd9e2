import { httpHandler } from '../../core/http-handler';
import { clientInfo } from '../../kernel/client-info';
import { changePhone } from '../account';
import { accountDeps } from '../deps';
import { authRoutes } from '../routes';

export const handler = httpHandler(authRoutes.changePhone, accountDeps, async (request, deps) => ({
  body: await changePhone(deps.auth, request.identity, request.body, clientInfo(request)),
}));
