import type { CodeDeps, CodeUse } from '../auth';
import type { Clock } from '../core/clock';
import type { CardsConfig, HospitalConfig, IdentityConfig } from '../core/config';
import type { BlindIndexer } from '../crypto/blind-index';
import type { IdentityStore } from '../identity';
import type { AuditEvent, AuditLog } from '../kernel/audit/ports';
import type { ConsentEntry, ConsentStore } from '../kernel/consent/consents';
import type { RateLimiter } from '../kernel/rate/ports';
import type { HisClient } from '../providers/his/ports';
import type { JobQueue } from '../providers/jobs/ports';
import type { VerificationProvider } from '../providers/verification/ports';
import type { IdTypeCode, InsuranceCode, RelationshipCode } from './codes';

/**
 * `awaiting_proof`: the HIS answered with a patient it already had (not made for this card), and
 * the binding is not proven yet: it shows no HIS id or card number and nothing reaches the HIS.
 */
export const cardStatuses = ['pending', 'active', 'failed', 'awaiting_proof'] as const;
export type CardStatus = (typeof cardStatuses)[number];

/**
 * How a binding to a patient the HIS already had is proven: a code to the mobile the HIS holds
 * for that patient, or (no mobile on file) the hospital counter.
 */
export const proofMethods = ['sms', 'counter'] as const;
export type ProofMethod = (typeof proofMethods)[number];

export interface CardRecord {
  readonly userId: string;
  readonly cardId: string;
  readonly hospitalId: string;
  readonly relationship: RelationshipCode;
  readonly idType: IdTypeCode;
  readonly insuranceType: InsuranceCode;
  readonly status: CardStatus;
  readonly reason?: string | undefined;
  /** Blind index of the patient's ID number: the same person once per account and hospital. */
  readonly personToken: string;
  readonly birthDate?: string | undefined;
  readonly sex?: 'male' | 'female' | undefined;
  /** Under 14 at creation: sensitive personal information with guardian consent (PIPL art. 28, 31). */
  readonly minor: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly attempts: number;
  /** The creating request's fingerprint: a replay of its Idempotency-Key must carry the same body. */
  readonly bodyHash?: string | undefined;
  /**
   * The HIS made the patient for this card (false: it had the patient already). Only a patient
   * this binding made is ever rewritten or deactivated at the HIS. Cards from before this was
   * recorded have none and are taken as made by them.
   */
  readonly hisOwned?: boolean | undefined;
  /** While `awaiting_proof`: how the binding can be proven. */
  readonly proofMethod?: ProofMethod | undefined;
  /** How the binding was proven, when the HIS had the patient already. */
  readonly provenBy?: 'identity' | ProofMethod | undefined;
  // Sealed:
  readonly name: string;
  readonly idNumber: string;
  readonly phone: string;
  readonly hisPatientId?: string | undefined;
  readonly cardNo?: string | undefined;
  /** The mobile the HIS holds for a patient it already had: where the proof code goes. */
  readonly phoneOnFile?: string | undefined;
}

/** Blind index of the HIS patient id, for the hospital's lookups. */
export interface HospitalIndex {
  readonly patientToken: string;
}

export interface RegistrationJob {
  readonly userId: string;
  readonly cardId: string;
  readonly attempt: number;
}

/** Port: deferred HIS registrations (SQS in AWS, a queue kept on disk under `npm start`). */
export type RegistrationQueue = JobQueue<RegistrationJob>;

export type CreateOutcome =
  | { readonly kind: 'created' }
  | { readonly kind: 'person_exists' }
  | { readonly kind: 'limit_reached' }
  | { readonly kind: 'replayed'; readonly cardId: string; readonly sameBody: boolean };

export interface CardStore {
  /**
   * Card, the account's count and people at the hospital (cardLimit, once per person), the audit
   * entry (and a guardian's consent) in one transaction. A card of this id already there is a
   * replay of its Idempotency-Key.
   */
  create(
    card: CardRecord,
    options: { limit: number; consent?: ConsentEntry; audit: AuditEvent },
  ): Promise<CreateOutcome>;
  get(userId: string, cardId: string): Promise<CardRecord | undefined>;
  list(userId: string): Promise<CardRecord[]>;
  /**
   * Replaces a card if it is still in the expected status, with its audit entry; an active card
   * passes `hospitalIndex` (its HIS patient id's blind index) so its hospital can find it.
   */
  replace(
    card: CardRecord,
    expectedStatus: CardStatus,
    audit: AuditEvent,
    hospitalIndex?: HospitalIndex,
    also?: { readonly code?: CodeUse },
  ): Promise<boolean>;
  /** Removes the card and counts it out of its hospital's, with its audit entry. */
  remove(card: CardRecord, audit: AuditEvent): Promise<void>;
  /**
   * Every active binding a hospital has to one of its patients (blind index of the patient id),
   * within that hospital only: several accounts may bind one patient (both parents of a child).
   */
  findByHospitalPatient(
    hospitalId: string,
    patientToken: string,
  ): Promise<{ userId: string; cardId: string }[]>;
  /** The cards a hospital has for one ID number (blind index). */
  findByHospitalIdNumber(
    hospitalId: string,
    personToken: string,
  ): Promise<{ userId: string; cardId: string }[]>;
}

export interface CardsDeps {
  readonly config: CardsConfig;
  readonly hospitals: readonly HospitalConfig[];
  readonly policyVersion: string;
  readonly clock: Clock;
  readonly store: CardStore;
  readonly identities: IdentityStore;
  readonly indexer: BlindIndexer;
  readonly audit: AuditLog;
  readonly queue: RegistrationQueue;
  his(hospitalId: string): HisClient;
  /** The paid two-element check, for hospitals that require relatives to pass it too. */
  readonly verifier: VerificationProvider;
  /** Attempt limits for that check, the same as real-name verification's. */
  readonly verificationLimits: IdentityConfig['limits'];
  /** One-time codes, for proving a binding by the mobile the HIS holds for the patient. */
  readonly codes: CodeDeps;
  readonly limiter: RateLimiter;
  /** Cards send health-related data to a hospital: they need the `medical_card` consent. */
  readonly consents: Pick<ConsentStore, 'current'>;
  /**
   * A card's id: derived (keyed) from the account and the Idempotency-Key of the request that
   * creates it, so a retried request finds its card by key alone.
   */
  cardIdFor(userId: string, idempotencyKey: string): string;
}
