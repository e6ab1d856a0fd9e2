import { authStores, isSessionLive } from '../auth';
import type { Clock } from '../core/clock';
import type { AuthConfig, OidcScope } from '../core/config';
import { identityStore } from '../identity';
import type { AuditWriter } from '../kernel/audit/ports';
import { consentLedger } from '../kernel/consent/dynamo-consent-store';
import type { SealedTable } from '../store/sealed-table';
import { DynamoOidcStore } from './dynamo-oidc-store';
import type { OidcPeople } from './ports';

/** The OpenID provider's store, its consent writes going to the ledger in its own transactions. */
export function oidcStore(table: SealedTable, audit: AuditWriter): DynamoOidcStore {
  const ledger = consentLedger(table, audit);
  return new DynamoOidcStore(table, { audit, consent: (entry) => ledger.entryWrite(entry) });
}

/** What the provider asks of accounts, sessions and identities, through their features' faces. */
export function oidcPeople(
  table: SealedTable,
  audit: AuditWriter,
  parts: { readonly auth: AuthConfig; readonly clock: Clock },
): OidcPeople {
  const auth = authStores(table, audit);
  const identities = identityStore(table);
  return {
    async liveSession(userId, sessionId) {
      const session = await auth.sessions.getSession(userId, sessionId);
      if (!session || !isSessionLive({ config: parts.auth }, session, parts.clock.now().getTime()))
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
      // The account and its verified identity are read at once, each only when a scope asks.
      const [user, identity] = await Promise.all([
        scopes.includes('phone') ? auth.accounts.getUser(userId) : undefined,
        // Only a name the real-name check confirmed; the ID number is never given to an app.
        scopes.includes('profile') ? identities.verifiedIdentity(userId) : undefined,
      ]);
      const claims: Record<string, string | boolean> = {};
      if (user) {
        claims.phone_number = user.phone;
        claims.phone_number_verified = true;
      }
      if (identity) {
        claims.name = identity.name;
        if (identity.birthDate) claims.birthdate = identity.birthDate;
      }
      return claims;
    },
  };
}
