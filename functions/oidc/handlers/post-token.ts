import { httpHandler } from '../../core/http-handler';
import { ipPrefix } from '../../kernel/network';
import { credentialsOf } from '../client-auth';
import { oidcGroupDeps } from '../deps';
import { oidcRoutes } from '../routes';
import { exchangeCode } from '../tokens';

export const handler = httpHandler(oidcRoutes.oidcToken, oidcGroupDeps, async (request, deps) => ({
  body: await exchangeCode(deps.oidc, {
    ...credentialsOf(request),
    grantType: request.body.grant_type,
    code: request.body.code,
    redirectUri: request.body.redirect_uri,
    codeVerifier: request.body.code_verifier,
    ipPrefix: ipPrefix(request.sourceIp),
  }),
  headers: { pragma: 'no-cache' },
}));
