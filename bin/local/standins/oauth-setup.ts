import { type OAuthProviderName, oauthProviderNames } from '../../../functions/core/config';
import { recordOf } from '../../../functions/core/records';
import { standinCredentials } from '../../../functions/providers/credentials';
import { localConfig } from '../site';
import { type OAuthStandin, startQqStandin, startWeChatStandin, startWeiboStandin } from './oauth';

/** App id -> secret for one provider, from the stage's app ids and the stand-in credentials. */
export function standinAppSecrets(provider: OAuthProviderName): Record<string, string> {
  const { appIds } = localConfig.oauth.providers[provider];
  const secrets: Record<string, string> = {};
  for (const [client, appId] of Object.entries(appIds)) {
    const secret = standinCredentials.oauth[`${provider}:${client}`];
    if (appId && secret) secrets[appId] = secret;
  }
  return secrets;
}

/** Each provider's stand-in, speaking its wire format: one line a provider. */
const standins: Record<OAuthProviderName, (appSecrets: Record<string, string>) => Promise<OAuthStandin>> = {
  wechat: startWeChatStandin,
  qq: startQqStandin,
  weibo: startWeiboStandin,
};

/** Every OAuth provider's stand-in, as `npm start` and the tests run them. */
export async function startOAuthStandins(): Promise<Record<OAuthProviderName, OAuthStandin>> {
  const started = await Promise.all(
    oauthProviderNames.map((name) => standins[name](standinAppSecrets(name))),
  );
  return recordOf(oauthProviderNames, (name) => started[oauthProviderNames.indexOf(name)] as OAuthStandin);
}
