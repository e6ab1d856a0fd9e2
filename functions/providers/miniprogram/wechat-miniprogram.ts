import type { OAuthProfile } from '../oauth/ports';
import { platformCall } from './http';
import type { PlatformAccessTokens } from './platform-tokens';
import {
  type MiniProgramClient,
  MiniProgramError,
  type MiniProgramFailure,
  type VouchedPhone,
} from './ports';

/** `jscode2session` errors: a bad code, a used one, too many calls, a user WeChat holds as risky, busy. */
const LOGIN_ERRORS: Readonly<Record<number, MiniProgramFailure>> = {
  40029: 'code_invalid',
  40163: 'code_used',
  45011: 'rate_limited',
  40226: 'risk',
  [-1]: 'unavailable',
};
/** The access token was refused (invalid, or expired early): replace it once and try again. */
const TOKEN_REFUSED = new Set([40001, 42001]);

/**
 * WeChat mini-program: `GET sns/jscode2session` turns a `wx.login` code into openid and unionid
 * (the session_key it also returns is dropped unread: no flow here decrypts with it), and `POST
 * wxa/business/getuserphonenumber` turns the phone button's code into the number, with the shared
 * access token (`cgi-bin/stable_token`, see PlatformAccessTokens).
 */
export class WeChatMiniProgram implements MiniProgramClient {
  readonly platform = 'wechat' as const;
  readonly #apiBase: string;
  readonly #secretFor: (appId: string) => string;
  readonly #tokens: PlatformAccessTokens;

  constructor(
    options: { apiBase: string; secretFor: (appId: string) => string },
    tokens: PlatformAccessTokens,
  ) {
    this.#apiBase = options.apiBase;
    this.#secretFor = options.secretFor;
    this.#tokens = tokens;
  }

  async login(appId: string, code: string): Promise<OAuthProfile> {
    const query = new URLSearchParams({
      appid: appId,
      secret: this.#secretFor(appId),
      js_code: code,
      grant_type: 'authorization_code',
    });
    const { json } = await platformCall('wechat', `${this.#apiBase}sns/jscode2session?${query}`);
    const errcode = Number(json.errcode ?? 0);
    if (errcode !== 0)
      throw new MiniProgramError('wechat', LOGIN_ERRORS[errcode] ?? 'unavailable', String(errcode));
    const openId = typeof json.openid === 'string' ? json.openid : '';
    if (!openId) throw new MiniProgramError('wechat', 'unavailable', 'no_openid');
    const unionId = typeof json.unionid === 'string' && json.unionid ? json.unionid : undefined;
    return { provider: 'wechat', appId, openId, unionId };
  }

  async phone(appId: string, code: string): Promise<VouchedPhone> {
    const ask = (token: string) =>
      platformCall(
        'wechat',
        `${this.#apiBase}wxa/business/getuserphonenumber?access_token=${encodeURIComponent(token)}`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ code }),
        },
      );
    const token = await this.#tokens.token(appId);
    let { json } = await ask(token);
    if (TOKEN_REFUSED.has(Number(json.errcode)))
      ({ json } = await ask(await this.#tokens.token(appId, { refused: token })));
    const errcode = Number(json.errcode ?? 0);
    if (errcode === 40029) throw new MiniProgramError('wechat', 'phone_code_invalid', '40029');
    if (errcode !== 0) throw new MiniProgramError('wechat', 'unavailable', String(errcode));
    const info = (json.phone_info ?? {}) as {
      purePhoneNumber?: unknown;
      countryCode?: unknown;
      watermark?: { appid?: unknown };
    };
    if (typeof info.purePhoneNumber !== 'string')
      throw new MiniProgramError('wechat', 'unavailable', 'no_phone');
    return {
      number: info.purePhoneNumber,
      countryCode: String(info.countryCode ?? ''),
      appId: String(info.watermark?.appid ?? ''),
    };
  }

  /** `POST cgi-bin/stable_token`: 7,200 s; `force_refresh` replaces a token the platform still holds. */
  async fetchToken(appId: string, force: boolean): Promise<{ token: string; expiresInSeconds: number }> {
    const { json } = await platformCall('wechat', `${this.#apiBase}cgi-bin/stable_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credential',
        appid: appId,
        secret: this.#secretFor(appId),
        force_refresh: force,
      }),
    });
    const errcode = Number(json.errcode ?? 0);
    if (errcode !== 0 || typeof json.access_token !== 'string')
      throw new MiniProgramError('wechat', 'unavailable', `stable_token_${errcode}`);
    return { token: json.access_token, expiresInSeconds: Number(json.expires_in ?? 7200) };
  }
}
