import { httpHandler } from '../../core/http-handler';
import { readDeps } from '../deps';
import { readFhirBinding } from '../patient-reads';
import { hospitalRoutes } from '../routes';

export const handler = httpHandler(hospitalRoutes.fhirRelatedPerson, readDeps, async (request, deps) => ({
  body: await readFhirBinding(deps.hospitalReads, request.hospital, 'RelatedPerson', request.params.id),
}));
