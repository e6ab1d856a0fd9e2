import { httpHandler } from '../../core/http-handler';
import { refreshSession } from '../sessions';

export const handler = httpHandler('refreshToken', async (request, deps) => ({
  body: await refreshSession(await deps.auth(), request.body.refreshToken),
}));
