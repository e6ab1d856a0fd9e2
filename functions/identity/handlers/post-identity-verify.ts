import { httpHandler } from '../../core/http-handler';
import { identityGroupDeps } from '../deps';
import { identityRoutes } from '../routes';
import { verifyIdentity } from '../verify-identity';

export const handler = httpHandler(
  identityRoutes.verifyIdentity,
  identityGroupDeps,
  async (request, deps) => ({
    body: await verifyIdentity(deps.identity, request.identity, request.body),
  }),
);
