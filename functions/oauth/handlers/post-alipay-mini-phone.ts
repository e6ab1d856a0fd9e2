import { httpHandler } from '../../core/http-handler';
import { clientInfo } from '../../kernel/client-info';
import { miniProgramGroupDeps } from '../deps';
import { miniProgramPhone } from '../miniprogram';
import { oauthRoutes } from '../routes';

export const handler = httpHandler(
  oauthRoutes.alipayMiniPhone,
  miniProgramGroupDeps,
  async (request, deps) => ({
    body: await miniProgramPhone(deps.miniPrograms, 'alipay', {
      bindToken: request.body.bindToken,
      proof: request.body.response,
      acceptPolicyVersion: request.body.acceptPolicyVersion,
      client: clientInfo(request),
    }),
  }),
);
