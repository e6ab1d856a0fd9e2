import type { Clock } from '../core/clock';
import type { AuthConfig } from '../core/config';
import type { MetricsSink } from '../core/metrics';
import type { AuditEvent, AuditLog } from '../kernel/audit/ports';
import type { PolicyAcceptance } from '../kernel/consent/consents';
import type { Random } from '../kernel/random';
import type { RateLimiter } from '../kernel/rate/ports';
import type { TokenSigner } from '../kernel/tokens/ports';
import type { CaptchaVerifier } from '../providers/captcha/ports';
import type { SmsSender } from '../providers/sms/ports';
import type { OtpPurpose } from './otp';

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
  /** Random, per session: keys the derivation of each successor token (see sessions.ts). */
  readonly chainSalt?: string;
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

export type WrongCodeOutcome = { readonly attemptsLeft: number } | 'burned';

/** What the login path needs to know about a number, read at once from the number's partition. */
export interface NumberState {
  /** The account the number belongs to (its claim), if it has one. */
  readonly accountId?: string | undefined;
  /** The number's live challenge for the purpose asked. */
  readonly challenge?: Challenge | undefined;
}

/** A checked code, to be used up in the same transaction as the change it allows. */
export interface CodeUse {
  readonly challenge: Challenge;
  readonly maxAttempts: number;
  readonly now: number;
}

/**
 * Port: one-time-code challenges. Guessing is bounded by each challenge's attempts and the
 * number's sends a day; nothing here locks a number or a network (a stranger could use a lock).
 */
export interface ChallengeStore {
  /** The number's claim and live challenge for the purpose, in one read. */
  numberState(phoneToken: string, purpose: Challenge['purpose']): Promise<NumberState>;
  /**
   * Stores the number's challenge for a purpose, replacing the earlier one (given back), unless
   * that one was created less than `resendAfterMs` ago (the resend gate): false then.
   */
  putChallenge(challenge: Challenge, resendAfterMs: number): Promise<{ previous?: Challenge } | false>;
  /**
   * Takes back a challenge whose code was not sent, if it is still the number's: the one it
   * replaced comes back (its code still works), or with none the number may ask again at once.
   */
  withdrawChallenge(challenge: Challenge, previous?: Challenge): Promise<void>;
  /** Counts a wrong code (never past maxAttempts) with its audit entry, in one transaction. */
  recordWrongCode(challenge: Challenge, maxAttempts: number, audit: AuditEvent): Promise<WrongCodeOutcome>;
  /** Uses the code up if it is still unused, unexpired, unburned and holds this MAC. */
  consumeChallenge(use: CodeUse): Promise<boolean>;
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
  /** The profile; `eventual` reads are half the price and may miss the last second's changes. */
  getUser(userId: string, options?: { eventual?: boolean }): Promise<UserRecord | undefined>;
  /**
   * Creates user, phone claim, policy acceptance, first session, audit entry (and a provider
   * link, and the use of the code that proved the number) at once; says which condition failed:
   * the number or the provider identity already has an account, or the code was used meanwhile.
   */
  createUser(
    user: UserRecord,
    acceptance: PolicyAcceptance,
    session: SessionRecord,
    also: { readonly audit: AuditEvent; readonly link?: NewLink; readonly code?: CodeUse },
  ): Promise<'created' | 'phone_taken' | 'identity_taken' | 'code_used'>;
  /**
   * Moves the account to another number; `phone_taken` if that number has an account. With a
   * recovery, it must still be pending (not cancelled) and due at `now`, and it is used up.
   */
  changePhone(
    user: UserRecord,
    next: { phoneToken: string; phone: string },
    also: {
      readonly audit: AuditEvent;
      readonly recovery?: { recoveryId: string; now: number };
      /** The step-up codes that proved the numbers, used up with the move. */
      readonly codes?: readonly CodeUse[];
    },
  ): Promise<'changed' | 'phone_taken' | 'recovery_gone' | 'code_used'>;
  /** The account's pending move to a new number after a lost one, if any. */
  getPhoneRecovery(userId: string): Promise<PhoneRecovery | undefined>;
  /**
   * Records a recovery and its audit entry; `pending` when the account already has one, `blocked`
   * (until epoch ms) while a cancelled one still bars new ones, unless `overrideBlock` (the caller
   * proved the account's current number).
   */
  startPhoneRecovery(
    recovery: PhoneRecovery,
    audit: AuditEvent,
    options: { readonly overrideBlock: boolean },
  ): Promise<'started' | 'pending' | { readonly blockedUntil: number }>;
  /**
   * Cancels a pending recovery with its audit entry: the new number is forgotten, new recoveries
   * are barred until `blockUntil`, and the session that asked (if still live) is revoked in the
   * same transaction. False when there was none.
   */
  cancelPhoneRecovery(
    recovery: PhoneRecovery,
    audit: AuditEvent,
    options: { readonly blockUntil: number; readonly revokeRequester: boolean },
  ): Promise<boolean>;
}

/** Port: sessions (refresh-token families). */
export interface SessionStore {
  /**
   * Stores a new session with its audit entry (and the use of the code that allowed it, in the
   * same transaction): `code_used` when another request used the code first.
   */
  putSession(
    session: SessionRecord,
    also: { readonly audit: AuditEvent; readonly code?: CodeUse },
  ): Promise<'created' | 'code_used'>;
  getSession(userId: string, familyId: string): Promise<SessionRecord | undefined>;
  /**
   * Replaces the current refresh hash if it is still `expectedHash` and the session is live; the
   * replaced one becomes the previous.
   */
  rotateSession(
    session: SessionRecord,
    expectedHash: string,
    next: { hash: string; now: number },
  ): Promise<boolean>;
  /** Revokes a live session, with its audit entry; false when it was already revoked or gone. */
  revokeSession(userId: string, familyId: string, audit: AuditEvent): Promise<boolean>;
  listSessions(userId: string): Promise<SessionRecord[]>;
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

/** What sending and checking one-time codes needs: no accounts, sessions or token signer. */
export type CodeDeps = Pick<
  AuthDeps,
  | 'config'
  | 'clock'
  | 'random'
  | 'challenges'
  | 'limiter'
  | 'sms'
  | 'captcha'
  | 'audit'
  | 'metrics'
  | 'phoneToken'
  | 'otpPepper'
>;
