import { httpHandler } from '../../core/http-handler';
import { cancelPhoneRecovery } from '../phone-recovery';

export const handler = httpHandler('cancelPhoneRecovery', async (request, deps) => {
  await cancelPhoneRecovery({ auth: await deps.auth() }, request.identity);
  return { status: 204 };
});
