import type { Clock } from '../core/clock';
import type { OidcConfig, OidcScope } from '../core/config';
import type { BlindIndexer } from '../crypto/blind-index';
import type { Assurance } from '../identity';
import type { AuditEvent, AuditLog } from '../kernel/audit/ports';
import type { ConsentEntry, ConsentStore } from '../kernel/consent/consents';
import type { Random } from '../kernel/random';
import type { RateLimiter } from '../kernel/rate/ports';
import type { TokenSigner } from '../kernel/tokens/ports';
import type { AssuranceLevel } from './assurance-levels';

/** An app's authorization request, waiting for the person to sign in, step up and decide. */
export interface AuthorizationRequest {
  readonly requestId: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scopes: readonly OidcScope[];
  readonly state?: string | undefined;
  readonly nonce?: string | undefined;
  /** PKCE (RFC 7636), S256 only. */
  readonly codeChallenge: string;
  readonly requiredLevel?: AssuranceLevel | undefined;
  /** Seconds: the sign-in must be at most this old when the code is issued. */
  readonly maxAge?: number | undefined;
  /** `prompt=login`: a sign-in after the request was made; `prompt=consent`: ask again. */
  readonly prompt: readonly ('login' | 'consent')[];
  /** Epoch milliseconds. */
  readonly createdAt: number;
  readonly expiresAt: number;
}

/** What an issued code stands for, until redeemed once. */
export interface AuthorizationCode {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly codeChallenge: string;
  readonly nonce?: string | undefined;
  readonly grant: Grant;
  readonly expiresAt: number;
}

/** What an app's tokens stand for: looked up by their `sid` for userinfo and introspection. */
export interface Grant {
  readonly grantId: string;
  readonly userId: string;
  readonly clientId: string;
  /** Our session the person signed in with: ending it ends the grant. */
  readonly sessionId: string;
  readonly scopes: readonly OidcScope[];
  readonly level: AssuranceLevel;
  readonly amr: readonly string[];
  /** When the person signed in (epoch ms). */
  readonly authTime: number;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly revokedAt?: number | undefined;
}

export type Redemption =
  | { readonly kind: 'redeemed' }
  /** Redeemed before (or by a parallel request): a replay, whose grant is to be revoked. */
  | { readonly kind: 'replayed' };

export interface OidcStore {
  putRequest(request: AuthorizationRequest): Promise<void>;
  getRequest(requestId: string, now: number): Promise<AuthorizationRequest | undefined>;
  /** Ends a request without a code (denied); false when it was already gone. */
  endRequest(requestId: string): Promise<boolean>;
  /**
   * Uses the request up and stores the code (by hash), with the consent entry when one is given
   * and the audit entry, in one transaction: false when the request was used already.
   */
  issueCode(
    requestId: string,
    codeHash: string,
    code: AuthorizationCode,
    also: { readonly consent?: ConsentEntry; readonly audit: AuditEvent },
  ): Promise<boolean>;
  getCode(
    codeHash: string,
  ): Promise<(AuthorizationCode & { readonly usedAt?: number | undefined }) | undefined>;
  /** Marks the code used and stores its grant, with the audit entry, in one transaction. */
  redeemCode(codeHash: string, code: AuthorizationCode, now: number, audit: AuditEvent): Promise<Redemption>;
  getGrant(grantId: string): Promise<Grant | undefined>;
  /** Revokes a grant (its tokens stop at userinfo and introspection), audited; false if it already was. */
  revokeGrant(grantId: string, at: number, audit: AuditEvent): Promise<boolean>;
}

/** What the provider needs of the rest: sessions, assurance, the account's details, consent. */
export interface OidcPeople {
  /** The session's sign-in time and methods, when it is live. */
  liveSession(
    userId: string,
    sessionId: string,
  ): Promise<{ authTime: number; amr: readonly string[] } | undefined>;
  /** Ends a session (RP-initiated logout), audited. */
  endSession(userId: string, sessionId: string, audit: AuditEvent): Promise<void>;
  assurance(userId: string): Promise<Assurance>;
  /** The claims of the scopes asked, from the account (phone) and its verified identity (name). */
  claims(userId: string, scopes: readonly OidcScope[]): Promise<Record<string, string | boolean>>;
}

export interface OidcDeps {
  readonly config: OidcConfig;
  /** The issuer identifier: the configured one, or the local server's origin. */
  readonly issuer: string;
  /** Where the person signs in and decides: the web client's consent page. */
  readonly consentPage: string;
  /** Where a logout with nowhere registered to go sends the browser. */
  readonly home: string;
  readonly clock: Clock;
  readonly random: Random;
  readonly store: OidcStore;
  readonly people: OidcPeople;
  readonly consents: Pick<ConsentStore, 'sharing' | 'history' | 'record'>;
  readonly policyVersion: string;
  readonly signer: TokenSigner;
  readonly indexer: BlindIndexer;
  readonly limiter: RateLimiter;
  readonly audit: AuditLog;
}
