import { httpHandler } from '../../core/http-handler';
import { ipPrefix } from '../../kernel/network';
import { tokenDeps } from '../deps';
import { issueHospitalToken } from '../hospital-auth';
import { hospitalRoutes } from '../routes';

export const handler = httpHandler(hospitalRoutes.hospitalToken, tokenDeps, async (request, deps) => ({
  body: await issueHospitalToken(deps.hospitalAuth, {
    authorization: request.headers.authorization,
    grantType: request.body.grant_type,
    scope: request.body.scope,
    ipPrefix: ipPrefix(request.sourceIp),
  }),
}));
