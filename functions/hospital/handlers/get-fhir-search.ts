import { httpHandler } from '../../core/http-handler';
import { readDeps } from '../deps';
import { fhirBase } from '../fhir';
import { searchFhirPatients } from '../patient-reads';
import { hospitalRoutes } from '../routes';

export const handler = httpHandler(hospitalRoutes.fhirPatientSearch, readDeps, async (request, deps) => ({
  body: await searchFhirPatients(
    deps.hospitalReads,
    request.hospital,
    request.query,
    fhirBase(request.headers),
  ),
}));
