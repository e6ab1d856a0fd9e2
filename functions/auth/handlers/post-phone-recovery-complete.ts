import { httpHandler } from '../../core/http-handler';
import { completePhoneRecovery } from '../phone-recovery';

export const handler = httpHandler('completePhoneRecovery', async (request, deps) => ({
  body: await completePhoneRecovery({ auth: await deps.auth() }, request.identity),
}));
