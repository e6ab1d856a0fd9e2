import { httpHandler } from '../../core/http-handler';
import { metadataDeps } from '../deps';
import { apiOrigin, smartConfiguration } from '../fhir';
import { hospitalRoutes } from '../routes';

export const handler = httpHandler(
  hospitalRoutes.smartConfiguration,
  metadataDeps,
  async (request, deps) => ({
    body: smartConfiguration(
      apiOrigin(request.headers),
      deps.edge.config.auth.tokens.issuer,
      hospitalRoutes.hospitalToken.path,
    ),
  }),
);
