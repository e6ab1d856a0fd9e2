import type { OidcClientConfig, OidcConfig, OidcScope } from '../core/config';
import { httpsOrLoopback } from '../core/deployment';
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

/**
 * What is wrong with the registered apps, each naming the client and the field: an id in the
 * form the schemas accept, once; redirect URIs that are absolute `https` (plain `http` on
 * loopback only), without fragments; a pairwise sector; secret hashes in their SHA-256 form.
 * The CDK app refuses to synthesize with any (bin/app.ts).
 */
export function clientProblems(config: OidcConfig): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const [n, client] of config.clients.entries()) {
    const at = `oidc.clients[${n}] (${client.clientId})`;
    if (!/^[a-z0-9-]{1,64}$/.test(client.clientId))
      problems.push(`${at}.clientId: lower-case letters, digits and -`);
    if (seen.has(client.clientId)) problems.push(`${at}.clientId: registered twice`);
    seen.add(client.clientId);
    if (client.redirectUris.length === 0) problems.push(`${at}.redirectUris: at least one`);
    for (const [field, uris] of [
      ['redirectUris', client.redirectUris],
      ['postLogoutRedirectUris', client.postLogoutRedirectUris],
    ] as const) {
      for (const uri of uris) {
        let url: URL;
        try {
          url = new URL(uri);
        } catch {
          problems.push(`${at}.${field}: ${uri} is not an absolute URL`);
          continue;
        }
        if (!httpsOrLoopback(url))
          problems.push(`${at}.${field}: ${uri} must be https (http on loopback only)`);
        if (url.hash) problems.push(`${at}.${field}: ${uri} must not have a fragment`);
      }
    }
    if (client.subjectType === 'pairwise') {
      try {
        sectorOf(client);
      } catch (error) {
        problems.push(`${at}.sector: ${(error as Error).message}`);
      }
    }
    for (const hash of client.secretHashes)
      if (!/^[\w-]{43}$/.test(hash))
        problems.push(`${at}.secretHashes: a SHA-256 in base64url (43 characters)`);
    if (!client.scopes.includes('openid')) problems.push(`${at}.scopes: must include openid`);
  }
  return problems;
}
