import type { OAuthClient } from '../../core/config';
import { ConfiguredOAuthProvider } from './configured-provider';
import { parseJsonOrJsonp, providerFetch } from './http';
import { type OAuthProfile, OAuthProviderError } from './ports';

/** QQ error codes that mean the authorization code is bad. */
const CODE_ERRORS = new Set([100019, 100020, 100030]);

/**
 * QQ Connect: `oauth2.0/token` answers urlencoded on success and JSONP on error (asked for JSON
 * with `fmt=json`, but both are parsed), `oauth2.0/me` answers JSONP (`unionid=1` for the
 * unionid), `user/get_user_info` reports errors as `ret != 0`. No shape crashes the parser.
 */
export class QqOAuth extends ConfiguredOAuthProvider {
  readonly name = 'qq';

  authorizeUrl(input: { client: OAuthClient; redirectUri: string; state: string }): string | undefined {
    const appId = this.config.appIds[input.client];
    if (!appId || input.client !== 'web') return undefined;
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: appId,
      redirect_uri: input.redirectUri,
      state: input.state,
      scope: 'get_user_info',
    });
    return `${this.config.authorizeUrl}?${query}`;
  }

  async exchange(input: {
    client: OAuthClient;
    code: string;
    redirectUri?: string | undefined;
  }): Promise<OAuthProfile> {
    const appId = this.config.appIds[input.client];
    if (!appId) throw new OAuthProviderError(this.name, 'provider_error', 'no_app_for_client');
    const redirectUri = input.redirectUri ?? this.config.appRedirectUri ?? '';
    const tokenText = await this.#get('oauth2.0/token', {
      grant_type: 'authorization_code',
      client_id: appId,
      client_secret: this.secret(input.client),
      code: input.code,
      redirect_uri: redirectUri,
      fmt: 'json',
    });
    const token = parseTokenBody(tokenText);
    const accessToken = token.access_token;
    if (!accessToken) throw errorFrom(token);
    const me = parseJsonOrJsonp(
      this.name,
      await this.#get('oauth2.0/me', { access_token: accessToken, unionid: '1', fmt: 'json' }),
    );
    if (me.error !== undefined) throw errorFrom(me);
    const openId = String(me.openid ?? '');
    if (!openId) throw new OAuthProviderError(this.name, 'provider_error', 'no_openid');
    const info = parseJsonOrJsonp(
      this.name,
      await this.#get('user/get_user_info', {
        access_token: accessToken,
        oauth_consumer_key: appId,
        openid: openId,
      }),
    );
    if (Number(info.ret ?? -1) !== 0)
      throw new OAuthProviderError(this.name, 'provider_error', `ret_${String(info.ret)}`);
    return {
      provider: 'qq',
      appId,
      openId,
      unionId: typeof me.unionid === 'string' && me.unionid ? me.unionid : undefined,
      nickname: typeof info.nickname === 'string' ? info.nickname : undefined,
      avatarUrl:
        typeof info.figureurl_qq_2 === 'string'
          ? info.figureurl_qq_2
          : (info.figureurl_qq_1 as string | undefined),
    };
  }

  async #get(path: string, query: Record<string, string>): Promise<string> {
    return (await providerFetch(this.name, `${this.config.apiBase}${path}?${new URLSearchParams(query)}`))
      .text;
  }
}

/** `access_token=...&expires_in=...` or JSON or JSONP, whichever QQ chose to send. */
function parseTokenBody(text: string): Record<string, string> {
  const trimmed = text.trim();
  if (/^(callback\(|\{)/.test(trimmed)) {
    return Object.fromEntries(
      Object.entries(parseJsonOrJsonp('qq', trimmed)).map(([k, v]) => [k, String(v)]),
    );
  }
  return Object.fromEntries(new URLSearchParams(trimmed));
}

function errorFrom(body: Record<string, unknown>): OAuthProviderError {
  const code = Number(body.error ?? body.code ?? -1);
  return new OAuthProviderError(
    'qq',
    CODE_ERRORS.has(code) ? 'code_invalid' : 'provider_error',
    String(code),
  );
}
