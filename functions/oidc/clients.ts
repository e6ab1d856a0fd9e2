import type { OidcClientConfig, OidcConfig, OidcScope } from '../core/config';
import type { BlindIndexer } from '../crypto/blind-index';

/** A registered, enabled app by its id; anything else is no client. */
export function registeredClient(
  config: OidcConfig,
  clientId: string | undefined,
): OidcClientConfig | undefined {
  return config.clients.find((c) => c.clientId === clientId && !c.disabled);
}

export const isPublicClient = (client: OidcClientConfig) => client.secretHashes.length === 0;

/** The sector of a client's pairwise subjects (OpenID Connect Core 8.1): its one redirect host. */
export function sectorOf(client: OidcClientConfig): string {
  if (client.sector) return client.sector;
  const hosts = new Set(client.redirectUris.map((uri) => new URL(uri).host));
  if (hosts.size !== 1)
    throw new Error(`client ${client.clientId}: redirect URIs on several hosts need a sector`);
  return [...hosts][0] as string;
}

/**
 * The subject a client sees for an account: a keyed hash of the account under the sector (or the
 * one `public` sector), so no client learns our account id, and two sectors cannot join their
 * records by subject. Keyed by the blind-index key: rotating it changes every subject (issue a
 * re-index with a subject map first).
 */
export function subjectFor(indexer: BlindIndexer, client: OidcClientConfig, userId: string): string {
  const sector = client.subjectType === 'public' ? 'public' : sectorOf(client);
  return indexer.token(`oidc-subject:${sector}`, userId);
}

/** What each scope gives the app, in the words of the consent page and the claims it carries. */
export const scopeClaims: Readonly<Record<OidcScope, readonly string[]>> = {
  openid: ['sub'],
  profile: ['name', 'birthdate'],
  phone: ['phone_number', 'phone_number_verified'],
};
