import { httpHandler } from '../../core/http-handler';
import { clientInfo } from '../../kernel/client-info';
import { recoveryDeps } from '../deps';
import { startPhoneRecovery } from '../phone-recovery';
import { authRoutes } from '../routes';

export const handler = httpHandler(authRoutes.startPhoneRecovery, recoveryDeps, async (request, deps) => ({
  body: await startPhoneRecovery(deps.recovery, request.identity, request.body, clientInfo(request)),
}));
