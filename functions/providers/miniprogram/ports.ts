import type { OAuthProfile } from '../oauth/ports';

export type MiniProgramPlatform = 'wechat' | 'alipay';

/** Why a platform call failed; each becomes its own problem code. */
export type MiniProgramFailure =
  | 'code_invalid'
  | 'code_used'
  | 'rate_limited'
  | 'risk'
  | 'unavailable'
  | 'phone_code_invalid'
  | 'phone_payload_invalid'
  | 'phone_not_authorized';

export class MiniProgramError extends Error {
  readonly reason: MiniProgramFailure;
  readonly providerCode: string;
  constructor(
    platform: string,
    reason: MiniProgramFailure,
    providerCode: string,
    options?: { cause?: unknown },
  ) {
    super(`${platform}: ${reason} (${providerCode})`, options);
    this.name = 'MiniProgramError';
    this.reason = reason;
    this.providerCode = providerCode;
  }
}

/** The number a platform vouches for, and the app that obtained it (checked against the login's). */
export interface VouchedPhone {
  /** National number, without the country code. */
  readonly number: string;
  readonly countryCode: string;
  readonly appId: string;
}

/** Port: one mini-program platform. Session keys and platform tokens never leave the adapter. */
export interface MiniProgramClient {
  readonly platform: MiniProgramPlatform;
  /** `wx.login` code / `my.getAuthCode` auth code -> who the person is. */
  login(appId: string, code: string): Promise<OAuthProfile>;
  /** WeChat: the phone button's code; Alipay: `my.getPhoneNumber`'s signed, encrypted response. */
  phone(appId: string, proof: string): Promise<VouchedPhone>;
}

/** A platform access token as stored: sealed, with its expiry and the lease of whoever refreshes it. */
export interface StoredPlatformToken {
  readonly token?: string | undefined;
  readonly expiresAt?: number | undefined;
  readonly leaseUntil?: number | undefined;
}

/** Port: the shared platform access token per app (one item, sealed). */
export interface PlatformTokenStore {
  read(platform: MiniProgramPlatform, appId: string): Promise<StoredPlatformToken | undefined>;
  /**
   * Takes the refresh lease if nobody holds a live one and the token is still the one the caller
   * saw (by its expiry; none seen: none stored), so a refresh that landed meanwhile is not redone.
   */
  lease(
    platform: MiniProgramPlatform,
    appId: string,
    lease: { owner: string; now: number; leaseMs: number; seenExpiresAt: number | undefined },
  ): Promise<boolean>;
  /** Stores a new token if the lease is still ours, and lets the lease go. */
  save(
    platform: MiniProgramPlatform,
    appId: string,
    owner: string,
    token: string,
    expiresAt: number,
  ): Promise<boolean>;
}
