import { AppError } from '../../core/errors';
import { httpHandler } from '../../core/http-handler';
import { ipPrefix } from '../../kernel/network';
import { requireBindToken } from '../bind-tokens';
import { sendDeps } from '../deps';
import { authRoutes } from '../routes';
import { sendCode } from '../send-code';

export const handler = httpHandler(authRoutes.sendSms, sendDeps, async (request, deps) => {
  const { bindToken, ...input } = request.body;
  // A `bind` code is only for someone in the middle of a third-party login.
  if (input.purpose === 'bind') await requireBindToken(deps.binds, deps.auth.clock, bindToken);
  else if (bindToken !== undefined) throw new AppError('invalid_request');
  const result = await sendCode(deps.auth, {
    ...input,
    sourceIp: request.sourceIp,
    ipPrefix: ipPrefix(request.sourceIp),
  });
  return { body: result };
});
