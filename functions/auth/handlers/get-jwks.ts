import { httpHandler } from '../../core/http-handler';

export const handler = httpHandler('getJwks', async (_request, deps) => ({
  body: await (await deps.auth()).signer.jwks(),
  headers: { 'cache-control': 'public, max-age=300' },
}));
