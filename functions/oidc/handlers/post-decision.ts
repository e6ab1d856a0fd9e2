import { httpHandler } from '../../core/http-handler';
import { clientInfo } from '../../kernel/client-info';
import { decide } from '../decide';
import { oidcGroupDeps } from '../deps';
import { oidcRoutes } from '../routes';

export const handler = httpHandler(oidcRoutes.oidcDecision, oidcGroupDeps, async (request, deps) => {
  const next = await decide(
    deps.oidc,
    request.identity,
    request.params.requestId,
    request.body.decision,
    clientInfo(request),
  );
  return { body: { redirectTo: next.location } };
});
