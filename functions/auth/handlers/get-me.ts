import { httpHandler } from '../../core/http-handler';
import { policyStatus } from '../../core/policy-status';
import { getMe } from '../account';

export const handler = httpHandler('getMe', async (request, deps) => {
  const auth = await deps.auth();
  const [me, accepted] = await Promise.all([
    getMe(auth, request.identity),
    auth.store.acceptedPolicyVersion(request.identity.userId),
  ]);
  return { body: { ...me, policy: policyStatus(deps.config.privacy.policies, accepted) } };
});
