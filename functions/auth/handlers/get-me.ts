import { httpHandler } from '../../core/http-handler';
import { policyStatus } from '../../core/policy-status';
import { getMe } from '../account';
import { accountDeps } from '../deps';
import { authRoutes } from '../routes';

// The accepted version comes with the authorizer's verdict (read fresh, no cache): no second read.
export const handler = httpHandler(authRoutes.getMe, accountDeps, async (request, deps) => ({
  body: {
    ...(await getMe(deps.auth, request.identity)),
    policy: policyStatus(deps.edge.config.privacy.policies, request.identity.policyVersion),
  },
}));
