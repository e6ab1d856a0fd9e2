import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { exampleConfig } from '../../bin/local/site';
import type { OAuthStandin } from '../../bin/local/standins/oauth';
import { startOAuthStandins } from '../../bin/local/standins/oauth-setup';
import {
  type OAuthProviderConfig,
  type OAuthProviderName,
  oauthProviderNames,
} from '../../functions/core/config';
import { recordOf } from '../../functions/core/records';
import type { OAuthDeps } from '../../functions/oauth/oauth-login';
import { standinCredentials } from '../../functions/providers/credentials';
import { oauthProviders } from '../../functions/providers/oauth/registry';
import { type AuthHarness, authHarness } from './auth-harness';

export const REDIRECT = exampleConfig.oauth.redirectUris[0] as string;

/** Points a provider's configured hosts at its stand-in. */
function at(standin: OAuthStandin, cfg: OAuthProviderConfig): OAuthProviderConfig {
  const move = (u: string | undefined) => (u ? `${standin.url}${new URL(u).pathname.slice(1)}` : undefined);
  return {
    ...cfg,
    apiBase: standin.url,
    authorizeUrl: move(cfg.authorizeUrl) as string,
    ...(cfg.browserAuthorizeUrl ? { browserAuthorizeUrl: move(cfg.browserAuthorizeUrl) as string } : {}),
  };
}

export async function oauthStandins() {
  return startOAuthStandins();
}

/** OAuth deps over the auth harness, with the real adapters pointed at the stand-ins. */
export async function oauthHarness(
  client: DynamoDBClient,
  standins: Record<OAuthProviderName, OAuthStandin>,
): Promise<{ h: AuthHarness; deps: OAuthDeps }> {
  const h = await authHarness(client);
  const secret = (provider: string) => (kind: string) =>
    standinCredentials.oauth[`${provider}:${kind}`] as string;
  const { providers } = exampleConfig.oauth;
  const deps: OAuthDeps = {
    auth: h.deps,
    config: exampleConfig.oauth,
    providers: recordOf(oauthProviderNames, (name) =>
      oauthProviders[name](at(standins[name], providers[name]), secret(name)),
    ),
    store: h.stores.links,
    indexer: h.indexer,
  };
  return { h, deps };
}

/** Plays the browser: opens the authorize page, clicks approve, reads code and state off the redirect. */
export async function approve(authorizeUrl: string): Promise<{ code: string; state: string }> {
  const page = await (await fetch(authorizeUrl)).text();
  const href = /id="approve" href="([^"]+)"/.exec(page)?.[1];
  if (!href) throw new Error(`no approve link: ${authorizeUrl} ${page.slice(0, 200)}`);
  const response = await fetch(new URL(href.replaceAll('&amp;', '&'), authorizeUrl), { redirect: 'manual' });
  const location = new URL(response.headers.get('location') ?? '');
  return { code: location.searchParams.get('code') ?? '', state: location.searchParams.get('state') ?? '' };
}
