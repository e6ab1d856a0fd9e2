import type { AuditLog } from '../audit/ports';
import type { Clock } from '../core/clock';
import type { AuthConfig } from '../core/config';
import type { MetricsSink } from '../core/metrics';
import type { OtpPurpose, Random } from './otp';

/** Ports of the login feature. Adapters: DynamoDB (functions/auth/dynamo-*.ts), providers/. */

export interface Challenge {
  readonly challengeId: string;
  readonly phoneToken: string;
  readonly purpose: OtpPurpose;
  readonly codeMac: string;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly attempts: number;
  readonly consumed: boolean;
}

export interface UserRecord {
  readonly userId: string;
  readonly phoneToken: string;
  readonly phone: string;
  readonly createdAt: number;
  readonly realNameVerified: boolean;
}

export interface SessionRecord {
  readonly userId: string;
  readonly familyId: string;
  readonly currentHash: string;
  readonly previousHash?: string;
  /** When the current token replaced the previous one (epoch ms). */
  readonly rotatedAt: number;
  readonly createdAt: number;
  readonly lastUsedAt: number;
  readonly absoluteExpiresAt: number;
  readonly revokedAt?: number;
  readonly amr: readonly string[];
  readonly ipPrefix: string;
  readonly userAgent: string;
}

/**
 * A move to a new number for someone who lost the old one: it waits (`dueAt`) while the old
 * number is told, and any session of the account may cancel it.
 */
export interface PhoneRecovery {
  readonly userId: string;
  readonly recoveryId: string;
  readonly phoneToken: string;
  /** E.164, sealed. */
  readonly phone: string;
  /** The session that asked; only it may complete the move. */
  readonly sessionId: string;
  readonly startedAt: number;
  readonly dueAt: number;
}

export type LockKind = 'sms-login' | 'verify-ip';

export type WrongCodeOutcome = { readonly attemptsLeft: number } | 'burned';

/** Port: one-time-code challenges and the locks that stop guessing. */
export interface ChallengeStore {
  /** Stores the number's live challenge for a purpose, replacing any earlier one. */
  putChallenge(challenge: Challenge): Promise<void>;
  getChallenge(phoneToken: string, purpose: Challenge['purpose']): Promise<Challenge | undefined>;
  /** Counts a wrong code with a conditional update; never lets more than maxAttempts count. */
  recordWrongCode(challenge: Challenge, maxAttempts: number): Promise<WrongCodeOutcome>;
  /** Marks the challenge used if it is still unused, unexpired, unburned and holds this MAC. */
  consumeChallenge(challenge: Challenge, maxAttempts: number, now: number): Promise<boolean>;
  /**
   * A lock until epoch ms, or undefined: `sms-login` on a number's code login, `verify-ip` on
   * verifying codes from an IP prefix.
   */
  getLock(kind: LockKind, key: string): Promise<number | undefined>;
  lock(kind: LockKind, key: string, until: number): Promise<void>;
}

/** What accepting the privacy policy at registration records. */
export interface PolicyAcceptance {
  readonly policyVersion: string;
  /** What the policy itself covers (registration): one consent record each. */
  readonly purposes: readonly string[];
  readonly at: number;
  readonly ipPrefix: string;
  readonly userAgent: string;
}

/** A third-party identity to link in the same transaction as the account (oauth's port builds it). */
export interface NewLink {
  readonly userId: string;
  readonly provider: string;
  readonly identityToken: string;
  readonly appId: string;
  readonly linkedAt: number;
  readonly nickname?: string | undefined;
  readonly avatarUrl?: string | undefined;
}

/** Port: accounts, the phone claim that names each, and moves to another number. */
export interface AccountStore {
  findUserIdByPhone(phoneToken: string): Promise<string | undefined>;
  getUser(userId: string): Promise<UserRecord | undefined>;
  /**
   * Creates user, phone claim, policy acceptance, first session (and a provider link) at once;
   * says which uniqueness failed when the number, or the provider identity, already has an account.
   */
  createUser(
    user: UserRecord,
    acceptance: PolicyAcceptance,
    session: SessionRecord,
    link?: NewLink,
  ): Promise<'created' | 'phone_taken' | 'identity_taken'>;
  /**
   * Moves the account to another number; `phone_taken` if that number has an account. With a
   * recovery, it must still be pending (not cancelled) and due at `now`, and it is used up.
   */
  changePhone(
    user: UserRecord,
    next: { phoneToken: string; phone: string },
    recovery?: { recoveryId: string; now: number },
  ): Promise<'changed' | 'phone_taken' | 'recovery_gone'>;
  /** The account's pending move to a new number after a lost one, if any. */
  getPhoneRecovery(userId: string): Promise<PhoneRecovery | undefined>;
  /** Records a recovery; `pending` when the account already has one. */
  startPhoneRecovery(recovery: PhoneRecovery): Promise<'started' | 'pending'>;
  /** Removes a pending recovery; false when there was none. */
  cancelPhoneRecovery(userId: string): Promise<boolean>;
}

/** Port: sessions (refresh-token families). */
export interface SessionStore {
  putSession(session: SessionRecord): Promise<void>;
  getSession(userId: string, familyId: string): Promise<SessionRecord | undefined>;
  /** Replaces the current refresh hash if it is still `expectedHash` and the session is live. */
  rotateSession(
    session: SessionRecord,
    expectedHash: string,
    next: { hash: string; now: number; keepPrevious: boolean },
  ): Promise<boolean>;
  revokeSession(userId: string, familyId: string, now: number): Promise<void>;
  listSessions(userId: string): Promise<SessionRecord[]>;
}

export interface RateWindowKey {
  /** e.g. `number-3600`, `ip-600`, `global-86400`. */
  readonly scope: string;
  readonly key: string;
  /**
   * Counts apart under one key: a per-(ID number, account) window is keyed by the account with
   * the number as `subKey`, so everything counted for an account lives in its own partition.
   */
  readonly subKey?: string;
  readonly seconds: number;
  readonly max: number;
}

export type HitOutcome =
  | { readonly allowed: true; readonly count: number }
  | { readonly allowed: false; readonly retryAfter: number };

/** Fixed-window counters kept in the table and updated atomically (shared by every instance). */
export interface RateLimiter {
  hit(window: RateWindowKey, now: number): Promise<HitOutcome>;
  /** Whether a window is already full, without counting (a read). */
  peek(window: RateWindowKey, now: number): Promise<HitOutcome>;
  /** Gives back one hit (a later limit refused the request). */
  undo(window: RateWindowKey, now: number): Promise<void>;
  /** Passes at most once per `seconds` for a number and purpose (the resend gate). */
  resendGate(phoneToken: string, purpose: string, seconds: number, now: number): Promise<HitOutcome>;
  releaseResendGate(phoneToken: string, purpose: string): Promise<void>;
}

/** A one-time code. */
export interface CodeSms {
  readonly kind?: 'code';
  /** E.164. */
  readonly phone: string;
  readonly code: string;
  readonly ttlMinutes: number;
}

/** A security notice (no code): its own registered template at each provider. */
export interface NoticeSms {
  readonly kind: 'notice';
  /** E.164. */
  readonly phone: string;
  /** `phone_recovery`: someone asked to move the account off this number, effective in `hours`. */
  readonly notice: 'phone_recovery';
  readonly hours: number;
}

export type SmsMessage = CodeSms | NoticeSms;

export interface SmsSender {
  readonly name: string;
  send(message: SmsMessage): Promise<void>;
}

export interface CaptchaVerifier {
  /** True when the ticket was issued to this user IP and has not been used. */
  verify(ticket: string, userIp: string): Promise<boolean>;
}

export interface AccessClaims {
  readonly sub: string;
  readonly sid: string;
  readonly amr: readonly string[];
}

export interface TokenSigner {
  readonly kid: string;
  sign(payload: Record<string, unknown>): Promise<string>;
  /** Public keys that tokens may be signed with (current and still-trusted previous). */
  jwks(): Promise<{ keys: Record<string, unknown>[] }>;
}

export interface AuthDeps {
  readonly config: AuthConfig;
  readonly clock: Clock;
  readonly random: Random;
  readonly challenges: ChallengeStore;
  readonly accounts: AccountStore;
  readonly sessions: SessionStore;
  /** The privacy-policy version an account last accepted (the consent store's state). */
  acceptedPolicyVersion(userId: string): Promise<string | undefined>;
  readonly limiter: RateLimiter;
  readonly sms: SmsSender;
  readonly captcha: CaptchaVerifier;
  readonly signer: TokenSigner;
  readonly audit: AuditLog;
  readonly metrics: MetricsSink;
  /** Blind index of a normalised phone number. */
  phoneToken(e164: string): string;
  otpPepper: Uint8Array;
}
