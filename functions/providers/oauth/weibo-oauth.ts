import type { OAuthClient } from '../../core/config';
import { ConfiguredOAuthProvider } from './configured-provider';
import { parseJsonOrJsonp, providerFetch } from './http';
import { type OAuthProfile, OAuthProviderError } from './ports';

/** Weibo errors that mean the authorization code is bad (21325: expired or used). */
const CODE_ERRORS = new Set([21325, 21323, 21327]);

/**
 * Weibo: `POST oauth2/access_token` (form) gives a token and the uid, `GET 2/users/show.json`
 * the profile; the id is `idstr` (the numeric `id` overflows). The uid travels through this call
 * only, never through shared state, so concurrent logins cannot mix people up.
 */
export class WeiboOAuth extends ConfiguredOAuthProvider {
  readonly name = 'weibo';

  authorizeUrl(input: { client: OAuthClient; redirectUri: string; state: string }): string | undefined {
    const appId = this.config.appIds[input.client];
    if (!appId || input.client !== 'web') return undefined;
    const query = new URLSearchParams({
      client_id: appId,
      redirect_uri: input.redirectUri,
      state: input.state,
      response_type: 'code',
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
    const { text } = await providerFetch(this.name, `${this.config.apiBase}oauth2/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: appId,
        client_secret: this.secret(input.client),
        grant_type: 'authorization_code',
        code: input.code,
        redirect_uri: input.redirectUri ?? this.config.appRedirectUri ?? '',
      }).toString(),
    });
    const token = parseJsonOrJsonp(this.name, text);
    if (token.error_code !== undefined || !token.access_token) throw errorFrom(token);
    const uid = String(token.uid ?? '');
    const show = await providerFetch(
      this.name,
      `${this.config.apiBase}2/users/show.json?${new URLSearchParams({ access_token: String(token.access_token), uid })}`,
    );
    const user = parseJsonOrJsonp(this.name, show.text);
    if (user.error_code !== undefined) throw errorFrom(user);
    const openId = typeof user.idstr === 'string' ? user.idstr : '';
    if (!openId || openId !== uid) throw new OAuthProviderError(this.name, 'provider_error', 'uid_mismatch');
    return {
      provider: 'weibo',
      appId,
      openId,
      nickname: typeof user.screen_name === 'string' ? user.screen_name : undefined,
      avatarUrl:
        typeof user.avatar_large === 'string'
          ? user.avatar_large
          : (user.profile_image_url as string | undefined),
    };
  }
}

function errorFrom(body: Record<string, unknown>): OAuthProviderError {
  const code = Number(body.error_code ?? -1);
  return new OAuthProviderError(
    'weibo',
    CODE_ERRORS.has(code) ? 'code_invalid' : 'provider_error',
    String(code),
  );
}
