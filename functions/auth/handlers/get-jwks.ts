import { httpHandler } from '../../core/http-handler';
import { jwksDeps } from '../deps';
import { authRoutes } from '../routes';

export const handler = httpHandler(authRoutes.getJwks, jwksDeps, async (_request, deps) => ({
  body: await deps.signer.jwks(),
}));
