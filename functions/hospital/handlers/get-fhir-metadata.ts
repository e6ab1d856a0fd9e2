import { httpHandler } from '../../core/http-handler';
import { metadataDeps } from '../deps';
import { capabilityStatement, fhirBase } from '../fhir';
import { hospitalRoutes } from '../routes';

export const handler = httpHandler(hospitalRoutes.fhirMetadata, metadataDeps, async (request) => {
  const base = fhirBase(request.headers);
  return {
    body: capabilityStatement(base, `${base.replace(/\/fhir\/r4$/, '')}${hospitalRoutes.hospitalToken.path}`),
  };
});
