import { type OAuthProviderName, stages } from '../../../functions/core/config';
import { standinCredentials } from '../../../functions/providers/credentials';
import { type OAuthStandin, startQqStandin, startWeChatStandin, startWeiboStandin } from './oauth';

/** App id -> secret for one provider, from the stage's app ids and the stand-in credentials. */
export function standinAppSecrets(provider: OAuthProviderName): Record<string, string> {
  const { appIds } = stages.local.oauth.providers[provider];
  const secrets: Record<string, string> = {};
  for (const [client, appId] of Object.entries(appIds)) {
    const secret = standinCredentials.oauth[`${provider}:${client}`];
    if (appId && secret) secrets[appId] = secret;
  }
  return secrets;
}

/** The three OAuth stand-ins, as `npm start` and the tests run them. */
export async function startOAuthStandins(): Promise<Record<OAuthProviderName, OAuthStandin>> {
  const [wechat, qq, weibo] = await Promise.all([
    startWeChatStandin(standinAppSecrets('wechat')),
    startQqStandin(standinAppSecrets('qq')),
    startWeiboStandin(standinAppSecrets('weibo')),
  ]);
  return { wechat, qq, weibo };
}
