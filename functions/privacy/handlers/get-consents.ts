import { httpHandler } from '../../core/http-handler';
import { consentView } from '../consents';

export const handler = httpHandler('listConsents', async (request, deps) => {
  const history = await (await deps.consents()).store.history(request.identity.userId);
  return { body: { consents: history.sort((a, b) => a.at - b.at).map(consentView) } };
});
