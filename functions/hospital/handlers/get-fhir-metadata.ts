import { httpHandler } from '../../core/http-handler';
import { metadataDeps } from '../deps';
import { apiOrigin, capabilityStatement, fhirBase } from '../fhir';
import { hospitalRoutes } from '../routes';

export const handler = httpHandler(hospitalRoutes.fhirMetadata, metadataDeps, async (request) => {
  const tokenUrl = `${apiOrigin(request.headers)}${hospitalRoutes.hospitalToken.path}`;
  return { body: capabilityStatement(fhirBase(request.headers), tokenUrl) };
});
