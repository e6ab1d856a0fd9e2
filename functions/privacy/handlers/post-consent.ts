import { clientInfo } from '../../auth/handlers/client-info';
import { httpHandler } from '../../core/http-handler';
import { consentView, recordConsent } from '../consents';

export const handler = httpHandler('recordConsent', async (request, deps) => ({
  status: 201,
  body: {
    consent: consentView(
      await recordConsent(await deps.consents(), request.identity, request.body, clientInfo(request)),
    ),
  },
}));
