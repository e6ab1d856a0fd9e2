import { httpHandler } from '../../core/http-handler';
import { clientInfo } from '../../kernel/client-info';
import { miniProgramGroupDeps } from '../deps';
import { miniProgramLogin } from '../miniprogram';
import { oauthRoutes } from '../routes';

export const handler = httpHandler(
  oauthRoutes.wechatMiniLogin,
  miniProgramGroupDeps,
  async (request, deps) => ({
    body: await miniProgramLogin(deps.miniPrograms, 'wechat', {
      appId: request.body.appId,
      code: request.body.code,
      client: clientInfo(request),
    }),
  }),
);
