import { authStores, isSessionLive } from '../auth';
import type { OidcScope } from '../core/config';
import { StartupRefusedError } from '../core/errors';
import type { EdgeDeps } from '../core/http-handler';
import { identityStore } from '../identity';
import { consentLedger } from '../kernel/consent/dynamo-consent-store';
import { auditLog, edge, indexer, platform, rateLimiter, sealedTable, tokenSigner } from '../platform/deps';
import { once } from '../platform/runtime';
import type { OidcDeps, OidcPeople } from './ports';
import { oidcStore } from './stores';

/** Where the provider lives: its configured issuer, or (npm start, the rehearsal) the local origin. */
function origins(): { issuer: string; consentPage: string; home: string } {
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
    const auth = authStores(table, audit);
    const identities = identityStore(table);
    const people: OidcPeople = {
      async liveSession(userId, sessionId) {
        const session = await auth.sessions.getSession(userId, sessionId);
        if (!session || !isSessionLive({ config: config.auth }, session, clock.now().getTime()))
          return undefined;
        return { authTime: session.createdAt, amr: session.amr };
      },
      async endSession(userId, sessionId, event) {
        await auth.sessions.revokeSession(userId, sessionId, event);
      },
      async assurance(userId) {
        return (await identities.status(userId)).assurance;
      },
      async claims(userId, scopes: readonly OidcScope[]) {
        const claims: Record<string, string | boolean> = {};
        if (scopes.includes('phone')) {
          const user = await auth.accounts.getUser(userId);
          if (user) {
            claims.phone_number = user.phone;
            claims.phone_number_verified = true;
          }
        }
        if (scopes.includes('profile')) {
          // Only a name the real-name check confirmed; the ID number is never given to an app.
          const identity = await identities.verifiedIdentity(userId);
          if (identity) {
            claims.name = identity.name;
            if (identity.birthDate) claims.birthdate = identity.birthDate;
          }
        }
        return claims;
      },
    };
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

export async function oidcGroupDeps(): Promise<{ edge: EdgeDeps; oidc: OidcDeps }> {
  return { edge: edge(), oidc: await oidcDeps() };
}
