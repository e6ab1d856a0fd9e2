import { httpHandler } from '../../core/http-handler';
import { livenessGroupDeps } from '../deps';
import { livenessResult } from '../liveness';
import { assuranceRoutes } from '../routes';

export const handler = httpHandler(
  assuranceRoutes.livenessResult,
  livenessGroupDeps,
  async (request, deps) => ({
    body: await livenessResult(deps.liveness, request.identity, request.params.livenessId),
  }),
);
