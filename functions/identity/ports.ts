import type { Clock } from '../core/clock';
import type { IdentityConfig } from '../core/config';
import type { BlindIndexer } from '../crypto/blind-index';
import type { AuditEvent, AuditLog } from '../kernel/audit/ports';
import type { ConsentStore } from '../kernel/consent/consents';
import type { IdType } from '../kernel/person/id-number';
import type { RateLimiter } from '../kernel/rate/ports';
import type { VerificationProvider } from '../providers/verification/ports';

export interface VerifiedIdentity {
  readonly userId: string;
  readonly idToken: string;
  readonly idType: IdType;
  readonly name: string;
  readonly idNumber: string;
  readonly nameMasked: string;
  readonly idNumberMasked: string;
  readonly birthDate: string;
  readonly verifiedAt: number;
  readonly provider: string;
}

/** The assurance an account holds: `real_person` when a face check passed or a counter attested it. */
export interface Assurance {
  readonly level: 'none' | 'two_element' | 'real_person';
  readonly at?: number | undefined;
  readonly method?: string | undefined;
}

/** The account's verification as shown to it: masked identity, time, assurance. */
export interface IdentityStatus {
  readonly verified: boolean;
  readonly nameMasked?: string | undefined;
  readonly idNumberMasked?: string | undefined;
  readonly verifiedAt?: number | undefined;
  readonly assurance: Assurance;
}

/** The verified identity as stored: the claim it holds and the opened name, number and birth date. */
export interface StoredIdentity {
  readonly idNumberToken: string;
  readonly idType: IdType;
  readonly name: string;
  readonly idNumber: string;
  readonly birthDate: string | undefined;
  readonly verifiedAt: number;
  readonly provider: string;
  readonly assurance: Assurance;
}

export interface IdentityStore {
  /** The account an ID number is verified on, if any. */
  verifiedOwner(idToken: string): Promise<string | undefined>;
  /** The account's verified identity, opened (its owner's export, recovery, deletion). */
  verifiedIdentity(userId: string): Promise<StoredIdentity | undefined>;
  /** The verification and its assurance, read without opening anything sealed. */
  status(userId: string): Promise<IdentityStatus>;
  isVerified(userId: string): Promise<boolean>;
  /**
   * The blind index of the account's verified ID number and whether a real-person check (face or
   * counter) confirmed it, read without opening anything sealed.
   */
  verifiedPerson(userId: string): Promise<{ token: string; realPerson: boolean } | undefined>;
  /** A provider `match` remembered for this (name, ID) pair, so the same person does not cost twice. */
  cachedMatch(pairToken: string): Promise<{ provider: string } | undefined>;
  rememberMatch(pairToken: string, provider: string, at: number): Promise<void>;
  /** Claims the ID for the account and marks the profile verified, with the audit entry, in one transaction. */
  recordVerified(identity: VerifiedIdentity, audit: AuditEvent): Promise<'verified' | 'taken'>;
}

export interface IdentityDeps {
  readonly config: IdentityConfig;
  readonly clock: Clock;
  readonly store: IdentityStore;
  readonly limiter: RateLimiter;
  readonly audit: AuditLog;
  readonly provider: VerificationProvider;
  readonly indexer: BlindIndexer;
  /** Verification processes sensitive personal information: it needs the separate consent. */
  readonly consents: Pick<ConsentStore, 'current'>;
}
