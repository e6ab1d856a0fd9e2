import { separatePurposes } from '../../core/config';
import { httpHandler } from '../../core/http-handler';
import { currentPolicy } from '../consents';

export const handler = httpHandler('currentPolicy', async (_request, deps) => {
  const policy = currentPolicy(deps.config.privacy);
  return {
    body: { ...policy, purposes: [...policy.purposes], separatePurposes: [...separatePurposes] },
    headers: { 'cache-control': 'public, max-age=300' },
  };
});
