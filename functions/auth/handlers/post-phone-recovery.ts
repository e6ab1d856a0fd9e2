import { httpHandler } from '../../core/http-handler';
import { startPhoneRecovery } from '../phone-recovery';
import { clientInfo } from './client-info';

export const handler = httpHandler('startPhoneRecovery', async (request, deps) => ({
  status: 202,
  body: await startPhoneRecovery(
    await deps.phoneRecovery(),
    request.identity,
    request.body,
    clientInfo(request),
  ),
}));
