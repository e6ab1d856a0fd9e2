import { httpHandler } from '../../core/http-handler';
import { consentView } from '../../kernel/consent/consents';
import { consentDeps } from '../deps';
import { privacyRoutes } from '../routes';

export const handler = httpHandler(privacyRoutes.listConsents, consentDeps, async (request, deps) => {
  const history = await deps.consents.store.history(request.identity.userId);
  return { body: { consents: history.sort((a, b) => a.at - b.at).map(consentView) } };
});
