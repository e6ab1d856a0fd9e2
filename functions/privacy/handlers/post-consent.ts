import { httpHandler } from '../../core/http-handler';
import { clientInfo } from '../../kernel/client-info';
import { consentView, recordConsent } from '../../kernel/consent/consents';
import { consentDeps } from '../deps';
import { privacyRoutes } from '../routes';

export const handler = httpHandler(privacyRoutes.recordConsent, consentDeps, async (request, deps) => ({
  body: {
    consent: consentView(
      await recordConsent(deps.consents, request.identity, request.body, clientInfo(request)),
    ),
  },
}));
