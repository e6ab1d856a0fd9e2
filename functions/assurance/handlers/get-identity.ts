import { httpHandler } from '../../core/http-handler';
import { livenessGroupDeps } from '../deps';
import { identityStatus } from '../liveness';
import { assuranceRoutes } from '../routes';

export const handler = httpHandler(assuranceRoutes.getIdentity, livenessGroupDeps, async (request, deps) => ({
  body: await identityStatus(deps.liveness, request.identity),
}));
