import { authDeps, oauthStore } from '../auth/deps';
import type { OAuthProviderConfig, OAuthProviderName } from '../core/config';
import type { EdgeDeps } from '../core/http-handler';
import { edge, indexer, platform, providerCredentials } from '../platform/deps';
import { once } from '../platform/runtime';
import { QqOAuth } from '../providers/oauth/qq-oauth';
import { WeChatOAuth } from '../providers/oauth/wechat-oauth';
import { WeiboOAuth } from '../providers/oauth/weibo-oauth';
import type { OAuthDeps } from './oauth-login';
import { OAuthProviderError } from './ports';

/** Third-party login's composition root (group `oauth`): the providers and the login feature. */
export function oauthDeps(): Promise<OAuthDeps> {
  return once<Promise<OAuthDeps>>('oauthDeps', async () => {
    const { env, config } = platform();
    const [auth, index, credentials, store] = await Promise.all([
      authDeps(),
      indexer(),
      providerCredentials(),
      oauthStore(),
    ]);
    const secrets = credentials.oauth ?? {};
    const secretFor = (providerName: string) => (client: string) => {
      const secret = secrets[`${providerName}:${client}`];
      if (!secret) throw new OAuthProviderError(providerName, 'provider_error', `no_secret_${client}`);
      return secret;
    };
    // Locally the provider hosts are the stand-ins; in AWS, the configured ones.
    const withBase = (name: OAuthProviderName, cfg: OAuthProviderConfig): OAuthProviderConfig => {
      const base = env[`OAUTH_${name.toUpperCase()}_BASE`];
      if (!base) return cfg;
      return {
        ...cfg,
        apiBase: base,
        authorizeUrl: `${base}${new URL(cfg.authorizeUrl).pathname.slice(1)}`,
        ...(cfg.browserAuthorizeUrl
          ? { browserAuthorizeUrl: `${base}${new URL(cfg.browserAuthorizeUrl).pathname.slice(1)}` }
          : {}),
      };
    };
    const { providers } = config.oauth;
    return {
      auth,
      config: config.oauth,
      providers: {
        wechat: new WeChatOAuth(withBase('wechat', providers.wechat), secretFor('wechat')),
        qq: new QqOAuth(withBase('qq', providers.qq), secretFor('qq')),
        weibo: new WeiboOAuth(withBase('weibo', providers.weibo), secretFor('weibo')),
      },
      store,
      indexer: index,
      localOrigin: env.LOCAL_ORIGIN,
    };
  });
}

export async function oauthGroupDeps(): Promise<{ edge: EdgeDeps; oauth: OAuthDeps }> {
  return { edge: edge(), oauth: await oauthDeps() };
}
