import { httpHandler } from '../../core/http-handler';
import { policyStatus } from '../../core/policy-status';
import { getMe } from '../account';

// The accepted version comes with the authorizer's verdict (read fresh, no cache): no second read.
export const handler = httpHandler('getMe', async (request, deps) => ({
  body: {
    ...(await getMe(await deps.auth(), request.identity)),
    policy: policyStatus(deps.config.privacy.policies, request.identity.policyVersion),
  },
}));
