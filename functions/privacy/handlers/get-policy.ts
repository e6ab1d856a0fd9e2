import { separatePurposes } from '../../core/config';
import { httpHandler } from '../../core/http-handler';
import { currentPolicy } from '../../kernel/consent/consents';
import { policyDeps } from '../deps';
import { privacyRoutes } from '../routes';

export const handler = httpHandler(privacyRoutes.currentPolicy, policyDeps, async (_request, deps) => {
  const policy = currentPolicy(deps.edge.config.privacy);
  return {
    body: { ...policy, purposes: [...policy.purposes], separatePurposes: [...separatePurposes] },
    headers: { 'cache-control': 'public, max-age=300' },
  };
});
