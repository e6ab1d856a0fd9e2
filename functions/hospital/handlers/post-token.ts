import { httpHandler } from '../../core/http-handler';
import { ipPrefix } from '../../kernel/network';
import { tokenDeps } from '../deps';
import { apiOrigin } from '../fhir';
import { issueHospitalToken } from '../hospital-auth';
import { hospitalRoutes } from '../routes';

export const handler = httpHandler(hospitalRoutes.hospitalToken, tokenDeps, async (request, deps) => {
  const path = hospitalRoutes.hospitalToken.path;
  return {
    body: await issueHospitalToken(deps.hospitalAuth, {
      authorization: request.headers.authorization,
      grantType: request.body.grant_type,
      scope: request.body.scope,
      clientAssertionType: request.body.client_assertion_type,
      clientAssertion: request.body.client_assertion,
      // The token URL as the caller reached it (the CapabilityStatement's), or under our issuer.
      audiences: [`${apiOrigin(request.headers)}${path}`, `${deps.hospitalAuth.issuer}${path}`],
      ipPrefix: ipPrefix(request.sourceIp),
    }),
  };
});
