import { httpHandler } from '../../core/http-handler';
import { pageOf, timeKey } from '../../core/pagination';
import { consentView } from '../../kernel/consent/consents';
import { consentDeps } from '../deps';
import { privacyRoutes } from '../routes';

export const handler = httpHandler(privacyRoutes.listConsents, consentDeps, async (request, deps) => {
  const history = await deps.consents.store.history(request.identity.userId);
  // Oldest first: the ledger as it grew; an entry is one purpose (and card or app) at one time.
  const page = pageOf(
    history,
    (e) => `${timeKey(e.at)}#${e.purpose}#${e.cardId ?? e.recipient ?? ''}`,
    request.query,
  );
  return { body: { consents: page.items.map(consentView), next: page.next } };
});
