import { httpHandler } from '../../core/http-handler';
import { readDeps } from '../deps';
import { readPatientJson } from '../patient-reads';
import { hospitalRoutes } from '../routes';

export const handler = httpHandler(hospitalRoutes.hospitalPatient, readDeps, async (request, deps) => ({
  body: await readPatientJson(
    deps.hospitalReads,
    request.hospital,
    request.params.hisPatientId,
    request.query.binding,
  ),
}));
