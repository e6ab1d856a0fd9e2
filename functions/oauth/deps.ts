import { authDeps, oauthStore } from '../auth/deps';
import type { OAuthProviderConfig, OAuthProviderName } from '../core/config';
import { oauthProviderNames } from '../core/config';
import type { EdgeDeps } from '../core/http-handler';
import { recordOf } from '../core/records';
import { cryptoRandom, edge, indexer, platform, providerCredentials, sealedTable } from '../platform/deps';
import { once } from '../platform/runtime';
import { AlipayMiniProgram } from '../providers/miniprogram/alipay-miniprogram';
import { PlatformAccessTokens } from '../providers/miniprogram/platform-tokens';
import { MiniProgramError } from '../providers/miniprogram/ports';
import { WeChatMiniProgram } from '../providers/miniprogram/wechat-miniprogram';
import { OAuthProviderError } from '../providers/oauth/ports';
import { oauthBaseVariable, oauthProviders } from '../providers/oauth/registry';
import { DynamoPlatformTokenStore } from './dynamo-platform-token-store';
import type { MiniProgramDeps } from './miniprogram';
import type { OAuthDeps } from './oauth-login';

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
      const base = env[oauthBaseVariable(name)];
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
      providers: recordOf(oauthProviderNames, (name) =>
        oauthProviders[name](withBase(name, providers[name]), secretFor(name)),
      ),
      store,
      indexer: index,
      localOrigin: env.LOCAL_ORIGIN,
    };
  });
}

export async function oauthGroupDeps(): Promise<{ edge: EdgeDeps; oauth: OAuthDeps }> {
  return { edge: edge(), oauth: await oauthDeps() };
}

/** The mini-program logins (group `oauth`): both platforms, the shared WeChat access token. */
export function miniProgramDeps(): Promise<MiniProgramDeps> {
  return once<Promise<MiniProgramDeps>>('miniProgramDeps', async () => {
    const { env, config, clock } = platform();
    const [oauth, credentials] = await Promise.all([oauthDeps(), providerCredentials()]);
    const mini = config.oauth.miniPrograms;
    const secrets = credentials.miniPrograms ?? {};
    const wechat = new WeChatMiniProgram(
      {
        apiBase: env.WECHAT_MP_BASE ?? mini.wechatApiBase,
        secretFor: (appId) => {
          const secret = secrets.wechat?.[appId];
          if (!secret) throw new MiniProgramError('wechat', 'unavailable', 'no_secret');
          return secret;
        },
      },
      new PlatformAccessTokens({
        platform: 'wechat',
        store: new DynamoPlatformTokenStore(await sealedTable()),
        clock,
        random: cryptoRandom,
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        fetch: (appId, force) => wechat.fetchToken(appId, force),
        refreshAheadMs: mini.tokenRefreshAheadSeconds * 1000,
      }),
    );
    const alipay = new AlipayMiniProgram(
      {
        gateway: env.ALIPAY_GATEWAY ?? mini.alipayGateway,
        keysFor: (appId) => {
          const keys = secrets.alipay?.[appId];
          if (!keys) throw new MiniProgramError('alipay', 'unavailable', 'no_keys');
          return keys;
        },
      },
      clock,
    );
    return { oauth, config: mini, platforms: { wechat, alipay } };
  });
}

export async function miniProgramGroupDeps(): Promise<{ edge: EdgeDeps; miniPrograms: MiniProgramDeps }> {
  return { edge: edge(), miniPrograms: await miniProgramDeps() };
}
