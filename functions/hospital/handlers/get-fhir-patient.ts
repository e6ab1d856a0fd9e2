import { httpHandler } from '../../core/http-handler';
import { readDeps } from '../deps';
import { readFhirPatient } from '../patient-reads';
import { hospitalRoutes } from '../routes';

export const handler = httpHandler(hospitalRoutes.fhirPatient, readDeps, async (request, deps) => ({
  body: await readFhirPatient(deps.hospitalReads, request.hospital, request.params.id),
}));
