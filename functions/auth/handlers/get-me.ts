import { httpHandler } from '../../core/http-handler';
import { getMe } from '../account';

export const handler = httpHandler('getMe', async (request, deps) => ({
  body: await getMe(await deps.auth(), request.identity),
}));
