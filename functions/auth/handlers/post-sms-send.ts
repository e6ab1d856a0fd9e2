import { httpHandler } from '../../core/http-handler';
import { ipPrefix } from '../ip';
import { sendCode } from '../send-code';

export const handler = httpHandler('sendSms', async (request, deps) => {
  const result = await sendCode(await deps.auth(), {
    ...request.body,
    sourceIp: request.sourceIp,
    ipPrefix: ipPrefix(request.sourceIp),
  });
  return { body: result };
});
