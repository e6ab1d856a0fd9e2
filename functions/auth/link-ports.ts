import type { IdentityProviderName, OAuthClient, OAuthProviderName } from '../core/config';
import type { AuditEvent } from '../kernel/audit/ports';
import type { OAuthProfile } from '../providers/oauth/ports';
import type { CodeUse, NewLink } from './ports';

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
