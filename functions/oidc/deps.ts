import { StartupRefusedError } from '../core/errors';
import type { EdgeDeps } from '../core/http-handler';
import { consentLedger } from '../kernel/consent/dynamo-consent-store';
import { auditLog, edge, indexer, platform, rateLimiter, sealedTable, tokenSigner } from '../platform/deps';
import { once } from '../platform/runtime';
import type { OidcDeps } from './ports';
import { oidcPeople, oidcStore } from './stores';

/** Where the provider lives: its configured issuer, or (npm start, the rehearsal) the local origin. */
function origins(): { issuer: string; consentPage: string; home: string } {
  return once('oidcOrigins', () => resolveOrigins());
}

function resolveOrigins(): { issuer: string; consentPage: string; home: string } {
  const { config, env } = platform();
  const { oidc } = config;
  if (!oidc.issuerIsLocalOrigin) {
    return { issuer: oidc.issuer, consentPage: oidc.consentPage, home: new URL('/', oidc.consentPage).href };
  }
  const local = env.LOCAL_ORIGIN;
  if (!local) throw new StartupRefusedError('LOCAL_ORIGIN is not set: the local issuer is the server origin');
  return { issuer: local, consentPage: new URL(oidc.consentPage, local).href, home: `${local}/` };
}

/** The OpenID provider's composition root (group `oidc`). */
export function oidcDeps(): Promise<OidcDeps> {
  return once<Promise<OidcDeps>>('oidcDeps', async () => {
    const { config, clock, random } = platform();
    const [table, audit, signer, index] = await Promise.all([
      sealedTable(),
      auditLog(),
      tokenSigner(),
      indexer(),
    ]);
    const people = oidcPeople(table, audit, { auth: config.auth, clock });
    return {
      config: config.oidc,
      ...origins(),
      clock,
      random,
      store: oidcStore(table, audit),
      people,
      consents: consentLedger(table, audit),
      policyVersion: config.auth.policy.version,
      signer,
      indexer: index,
      limiter: rateLimiter(),
      audit,
    };
  });
}

/** Discovery names the issuer's endpoints: no table, no keys (a cold start reads nothing). */
export async function discoveryDeps(): Promise<{ edge: EdgeDeps; oidc: Pick<OidcDeps, 'issuer'> }> {
  return { edge: edge(), oidc: { issuer: origins().issuer } };
}

export async function oidcGroupDeps(): Promise<{ edge: EdgeDeps; oidc: OidcDeps }> {
  return { edge: edge(), oidc: await oidcDeps() };
}
