import type { IdentityProviderName, OAuthClient, OAuthProviderName } from '../../core/config';

/** Who the provider says the person is. */
export interface OAuthProfile {
  readonly provider: IdentityProviderName;
  readonly appId: string;
  readonly openId: string;
  /** Shared across one open-platform account's apps (WeChat, QQ); absent for Weibo. */
  readonly unionId?: string | undefined;
  readonly nickname?: string | undefined;
  readonly avatarUrl?: string | undefined;
}

export type OAuthFailure = 'code_invalid' | 'provider_error' | 'unavailable';

/** A provider call failed; `reason` decides the problem (400 code, 502 provider, 503 unreachable). */
export class OAuthProviderError extends Error {
  readonly reason: OAuthFailure;
  readonly providerCode: string;
  constructor(provider: string, reason: OAuthFailure, providerCode: string, options?: { cause?: unknown }) {
    super(`${provider}: ${reason} (${providerCode})`, options);
    this.name = 'OAuthProviderError';
    this.reason = reason;
    this.providerCode = providerCode;
  }
}

/** Port: one OAuth provider (WeChat, QQ, Weibo) for every client kind it supports. */
export interface OAuthProvider {
  readonly name: OAuthProviderName;
  /** The page the browser goes to; `undefined` when the provider has no such client. */
  authorizeUrl(input: { client: OAuthClient; redirectUri: string; state: string }): string | undefined;
  /** Exchanges an authorization code and reads the profile. */
  exchange(input: {
    client: OAuthClient;
    code: string;
    redirectUri?: string | undefined;
  }): Promise<OAuthProfile>;
}
