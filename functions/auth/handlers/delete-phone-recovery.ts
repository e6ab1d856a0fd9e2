import { httpHandler } from '../../core/http-handler';
import { accountDeps } from '../deps';
import { cancelPhoneRecovery } from '../phone-recovery';
import { authRoutes } from '../routes';

export const handler = httpHandler(authRoutes.cancelPhoneRecovery, accountDeps, async (request, deps) => {
  await cancelPhoneRecovery({ auth: deps.auth }, request.identity);
  return {};
});
