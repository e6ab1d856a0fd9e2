import { httpHandler } from '../../core/http-handler';
import { readFhirPatient } from '../patient-reads';

export const handler = httpHandler('fhirPatient', async (request, deps) => ({
  body: await readFhirPatient(await deps.hospitalReads(), request.hospital, request.params.id),
  headers: { 'content-type': 'application/fhir+json; charset=utf-8' },
}));
