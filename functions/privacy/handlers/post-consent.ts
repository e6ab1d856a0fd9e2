import { clientInfo } from '../../auth/handlers/client-info';
import { httpHandler } from '../../core/http-handler';
import { consentView, recordConsent } from '../consents';
import { consentDeps } from '../deps';
import { privacyRoutes } from '../routes';

export const handler = httpHandler(privacyRoutes.recordConsent, consentDeps, async (request, deps) => ({
  body: {
    consent: consentView(
      await recordConsent(deps.consents, request.identity, request.body, clientInfo(request)),
    ),
  },
}));
