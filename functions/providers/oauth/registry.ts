import type { OAuthClient, OAuthProviderConfig, OAuthProviderName } from '../../core/config';
import type { OAuthProvider } from './ports';
import { QqOAuth } from './qq-oauth';
import { WeChatOAuth } from './wechat-oauth';
import { WeiboOAuth } from './weibo-oauth';

type Build = (config: OAuthProviderConfig, secret: (client: OAuthClient) => string) => OAuthProvider;

/**
 * The OAuth logins, one line each. The names themselves are `oauthProviderNames` (core/config,
 * beneath every layer, since the stage config is keyed by them); the schemas, the secret names,
 * the stand-ins and the web session's routes are all derived from that list, and this record
 * must name each (the type says so).
 */
export const oauthProviders: Readonly<Record<OAuthProviderName, Build>> = {
  wechat: (config, secret) => new WeChatOAuth(config, secret),
  qq: (config, secret) => new QqOAuth(config, secret),
  weibo: (config, secret) => new WeiboOAuth(config, secret),
};

/** The variable that points a provider at its stand-in under `npm start` (`OAUTH_WECHAT_BASE`). */
export function oauthBaseVariable(name: OAuthProviderName): string {
  return `OAUTH_${name.toUpperCase()}_BASE`;
}
