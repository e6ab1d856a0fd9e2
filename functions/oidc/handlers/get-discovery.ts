import { httpHandler } from '../../core/http-handler';
import { discoveryDeps } from '../deps';
import { discoveryDocument } from '../discovery';
import { oidcRoutes } from '../routes';

export const handler = httpHandler(oidcRoutes.oidcDiscovery, discoveryDeps, async (_request, deps) => ({
  body: discoveryDocument(deps.oidc),
  // Public and the same for everyone: relying parties may cache it for a while.
  headers: { 'cache-control': 'public, max-age=300' },
}));
