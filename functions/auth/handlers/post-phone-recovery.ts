import { httpHandler } from '../../core/http-handler';
import { recoveryDeps } from '../deps';
import { startPhoneRecovery } from '../phone-recovery';
import { authRoutes } from '../routes';
import { clientInfo } from './client-info';

export const handler = httpHandler(authRoutes.startPhoneRecovery, recoveryDeps, async (request, deps) => ({
  body: await startPhoneRecovery(deps.recovery, request.identity, request.body, clientInfo(request)),
}));
