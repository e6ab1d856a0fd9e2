import { httpHandler } from '../../core/http-handler';
import { changePhone } from '../account';
import { clientInfo } from './client-info';

export const handler = httpHandler('changePhone', async (request, deps) => ({
  body: await changePhone(await deps.auth(), request.identity, request.body, clientInfo(request)),
}));
