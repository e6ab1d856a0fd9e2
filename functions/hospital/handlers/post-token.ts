import { ipPrefix } from '../../auth/ip';
import { httpHandler } from '../../core/http-handler';
import { issueHospitalToken } from '../hospital-auth';

export const handler = httpHandler('hospitalToken', async (request, deps) => ({
  body: await issueHospitalToken(await deps.hospitalAuth(), {
    authorization: request.headers.authorization,
    grantType: request.body.grant_type,
    scope: request.body.scope,
    ipPrefix: ipPrefix(request.sourceIp),
  }),
}));
