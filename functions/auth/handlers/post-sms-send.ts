import { AppError } from '../../core/errors';
import { httpHandler } from '../../core/http-handler';
import { requireBindToken } from '../../oauth/oauth-login';
import { ipPrefix } from '../ip';
import { sendCode } from '../send-code';

export const handler = httpHandler('sendSms', async (request, deps) => {
  const { bindToken, ...input } = request.body;
  // A `bind` code is only for someone in the middle of a third-party login.
  if (input.purpose === 'bind') await requireBindToken(await deps.oauth(), bindToken);
  else if (bindToken !== undefined) throw new AppError('invalid_request');
  const result = await sendCode(await deps.auth(), {
    ...input,
    sourceIp: request.sourceIp,
    ipPrefix: ipPrefix(request.sourceIp),
  });
  return { body: result };
});
