import { httpHandler } from '../../core/http-handler';
import { livenessGroupDeps } from '../deps';
import { startLiveness } from '../liveness';
import { assuranceRoutes } from '../routes';

export const handler = httpHandler(
  assuranceRoutes.startLiveness,
  livenessGroupDeps,
  async (request, deps) => ({
    status: 201 as const,
    body: await startLiveness(deps.liveness, request.identity, request.body),
  }),
);
