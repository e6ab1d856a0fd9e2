import type { OAuthClient } from '../../core/config';
import { ConfiguredOAuthProvider } from './configured-provider';
import { parseJsonOrJsonp, providerFetch } from './http';
import { type OAuthProfile, OAuthProviderError } from './ports';

/** Codes that mean the authorization code itself is bad (expired, used, wrong app). */
const CODE_ERRORS = new Set([40029, 40163, 41008]);

/**
 * WeChat: QR login (`qrconnect`, `snsapi_login`) on the web, `snsapi_userinfo` in WeChat's own
 * browser, `SendAuth` codes from the app. `sns/oauth2/access_token` then `sns/userinfo`; errors
 * come as `{errcode, errmsg}` with HTTP 200. `unionid` identifies the person across our apps.
 */
export class WeChatOAuth extends ConfiguredOAuthProvider {
  readonly name = 'wechat';

  authorizeUrl(input: { client: OAuthClient; redirectUri: string; state: string }): string | undefined {
    const appId = this.config.appIds[input.client];
    if (!appId || input.client === 'app') return undefined;
    const browser = input.client === 'wechat_browser';
    const base = browser ? this.config.browserAuthorizeUrl : this.config.authorizeUrl;
    const query = new URLSearchParams({
      appid: appId,
      redirect_uri: input.redirectUri,
      response_type: 'code',
      scope: browser ? 'snsapi_userinfo' : 'snsapi_login',
      state: input.state,
    });
    return `${base}?${query}#wechat_redirect`;
  }

  async exchange(input: { client: OAuthClient; code: string }): Promise<OAuthProfile> {
    const appId = this.config.appIds[input.client];
    if (!appId) throw new OAuthProviderError(this.name, 'provider_error', 'no_app_for_client');
    const token = await this.#get('sns/oauth2/access_token', {
      appid: appId,
      secret: this.secret(input.client),
      code: input.code,
      grant_type: 'authorization_code',
    });
    const accessToken = String(token.access_token ?? '');
    const openId = String(token.openid ?? '');
    if (!accessToken || !openId) throw new OAuthProviderError(this.name, 'provider_error', 'no_token');
    const user = await this.#get('sns/userinfo', {
      access_token: accessToken,
      openid: openId,
      lang: 'zh_CN',
    });
    const unionId = (user.unionid ?? token.unionid) as string | undefined;
    return {
      provider: 'wechat',
      appId,
      openId,
      unionId: unionId || undefined,
      nickname: typeof user.nickname === 'string' ? user.nickname : undefined,
      avatarUrl: typeof user.headimgurl === 'string' ? user.headimgurl : undefined,
    };
  }

  async #get(path: string, query: Record<string, string>): Promise<Record<string, unknown>> {
    const { text } = await providerFetch(
      this.name,
      `${this.config.apiBase}${path}?${new URLSearchParams(query)}`,
    );
    const body = parseJsonOrJsonp(this.name, text);
    const errcode = Number(body.errcode ?? 0);
    if (errcode !== 0) {
      throw new OAuthProviderError(
        this.name,
        CODE_ERRORS.has(errcode) ? 'code_invalid' : 'provider_error',
        String(errcode),
      );
    }
    return body;
  }
}
