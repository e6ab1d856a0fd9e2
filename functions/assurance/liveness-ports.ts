import type { CardRecord } from '../cards';
import type { Clock } from '../core/clock';
import type { HospitalConfig, LivenessConfig, LivenessProviderName } from '../core/config';
import type { MetricsSink } from '../core/metrics';
import type { BlindIndexer } from '../crypto/blind-index';
import type { IdentityStore } from '../identity';
import type { AuditEvent, AuditLog } from '../kernel/audit/ports';
import type { ConsentEntry, ConsentStore } from '../kernel/consent/consents';
import type { RateLimiter } from '../kernel/rate/ports';
import type { LivenessOutcome } from '../providers/liveness/outcomes';
import type { LivenessChannel, LivenessProvider } from '../providers/liveness/ports';

/** Who is checked: the account holder, or (from a guardian's account) a child on one of its cards. */
export type LivenessSubject = { readonly kind: 'self' } | { readonly kind: 'card'; readonly cardId: string };

export const checkStatuses = ['started', 'pending', 'passed', 'failed'] as const;
export type CheckStatus = (typeof checkStatuses)[number];

/** A check as stored: codes and times only, the provider's transaction id sealed. */
export interface LivenessCheck {
  readonly userId: string;
  readonly checkId: string;
  readonly provider: LivenessProviderName | 'counter';
  readonly channel: LivenessChannel | 'counter';
  readonly subject: LivenessSubject;
  readonly status: CheckStatus;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly transactionId: string;
  /** Set when the outcome is known. */
  readonly outcome?: LivenessOutcome | undefined;
  readonly completedAt?: number | undefined;
  /** A counter attestation: the hospital, what the staff saw; the staff id is sealed. */
  readonly attestation?:
    | { readonly hospitalId: string; readonly documentType: string; readonly staffId: string }
    | undefined;
}

export interface LivenessStore {
  /** Records a started check, with its audit entry and a guardian's consent if any, in one transaction. */
  start(check: LivenessCheck, audit: AuditEvent, guardianConsent?: ConsentEntry): Promise<void>;
  get(userId: string, checkId: string): Promise<LivenessCheck | undefined>;
  /**
   * Records an outcome once: only a check still `started` or `pending` changes, and a pass raises
   * the subject's assurance in the same transaction with its audit entry. `false` when another
   * request recorded it first.
   */
  finish(check: LivenessCheck, outcome: LivenessOutcome, at: number, audit: AuditEvent): Promise<boolean>;
  /** A counter attestation: a passed check of its own, the assurance raised, audited, in one transaction. */
  attest(check: LivenessCheck, audit: AuditEvent): Promise<void>;
  /** The account's checks, newest first (its export). */
  list(userId: string): Promise<LivenessCheck[]>;
}

export interface LivenessDeps {
  readonly config: LivenessConfig;
  readonly hospitals: readonly HospitalConfig[];
  readonly clock: Clock;
  readonly random: { bytes(n: number): Uint8Array; int(min: number, max: number): number };
  readonly store: LivenessStore;
  readonly providers: Readonly<Record<LivenessProviderName, LivenessProvider>>;
  readonly limiter: RateLimiter;
  readonly audit: AuditLog;
  readonly indexer: BlindIndexer;
  readonly metrics: MetricsSink;
  readonly consents: Pick<ConsentStore, 'current'>;
  /** The verified identity (opened: the provider compares the face with its photo) and the assurance. */
  readonly identities: Pick<IdentityStore, 'verifiedIdentity' | 'status'>;
  /** One of the account's cards, opened (a guardian checking a child). */
  card(userId: string, cardId: string): Promise<CardRecord | undefined>;
  /** The current policy version: a guardian's consent names it. */
  readonly policyVersion: string;
  /** `npm start`: the local server's own origin, whose pages may be returned to. */
  readonly localOrigin?: string | undefined;
}
