import type { CodeUse, NewLink } from '../auth/ports';
import type { IdentityProviderName, OAuthClient, OAuthProviderName } from '../core/config';
import type { AuditEvent } from '../kernel/audit/ports';

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

export interface StateRecord {
  readonly provider: OAuthProviderName;
  readonly client: OAuthClient;
  readonly redirectUri: string;
  readonly nonceHash: string;
  readonly expiresAt: number;
}

export interface BindRecord {
  readonly provider: IdentityProviderName;
  readonly identityToken: string;
  readonly expiresAt: number;
  readonly profile: OAuthProfile;
}

/** A third-party login (WeChat, QQ, Weibo) linked to an account. */
export type LinkRecord = NewLink;

/** Port: OAuth states and bind tokens (single use), and the links between identities and accounts. */
export interface OAuthStore {
  putState(stateHash: string, record: StateRecord): Promise<void>;
  consumeState(
    stateHash: string,
    expect: { provider: string; nonceHash: string; now: number },
  ): Promise<StateRecord | undefined>;
  putBind(tokenHash: string, record: BindRecord): Promise<void>;
  getBind(tokenHash: string): Promise<(BindRecord & { consumed: boolean }) | undefined>;
  consumeBind(tokenHash: string, now: number): Promise<boolean>;
  /**
   * Remembers a mini-program phone proof (by keyed hash) until `expiresAt`: false when it was
   * seen before, unless `sameIdentityMayReuse` and the same platform identity presented it then.
   */
  claimPhoneProof(
    proofToken: string,
    claim: { identityToken: string; expiresAt: number; sameIdentityMayReuse: boolean },
  ): Promise<boolean>;
  /**
   * Links a provider identity with its audit entry (and the use of the code that proved the
   * phone); refused when it belongs to someone, the account has that provider, or the code was used.
   */
  linkIdentity(
    link: NewLink,
    also: { readonly audit: AuditEvent; readonly code?: CodeUse },
  ): Promise<'linked' | 'identity_taken' | 'provider_taken' | 'code_used'>;
  findLinkedUser(provider: string, identityToken: string): Promise<string | undefined>;
  listLinks(userId: string): Promise<LinkRecord[]>;
  unlink(userId: string, provider: string, audit: AuditEvent): Promise<boolean>;
}
