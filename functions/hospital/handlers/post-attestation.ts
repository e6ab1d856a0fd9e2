import { httpHandler } from '../../core/http-handler';
import { attestAtCounter } from '../attestation';
import { attestDeps } from '../deps';
import { hospitalRoutes } from '../routes';

export const handler = httpHandler(hospitalRoutes.attestIdentity, attestDeps, async (request, deps) => ({
  body: await attestAtCounter(deps.attestation, request.hospital, request.body),
}));
