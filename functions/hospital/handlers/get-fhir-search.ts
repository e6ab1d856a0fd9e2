import { httpHandler } from '../../core/http-handler';
import { searchFhirPatients } from '../patient-reads';

export const handler = httpHandler('fhirPatientSearch', async (request, deps) => ({
  body: await searchFhirPatients(await deps.hospitalReads(), request.hospital, request.query.identifier),
  headers: { 'content-type': 'application/fhir+json; charset=utf-8' },
}));
