import { httpHandler } from '../../core/http-handler';
import { accountDeps } from '../deps';
import { completePhoneRecovery } from '../phone-recovery';
import { authRoutes } from '../routes';

export const handler = httpHandler(authRoutes.completePhoneRecovery, accountDeps, async (request, deps) => ({
  body: await completePhoneRecovery({ auth: deps.auth }, request.identity),
}));
