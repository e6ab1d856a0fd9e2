import type { CardRecord } from '../cards';
import type { Identity } from '../core/authorizer-context';
import type { Clock } from '../core/clock';
import type { HospitalConfig } from '../core/config';
import { AppError } from '../core/errors';
import type { BlindIndexer } from '../crypto/blind-index';
import type { IdentityStore } from '../identity';
import type { Random } from '../kernel/random';
import type { RateLimiter } from '../kernel/rate/ports';
import { rateScopes } from '../store/keys';

/**
 * What an attestation code stands for: the signed-in account's own verified person, or one card's
 * person, at one hospital's counter. Staff who saw that person with a document redeem it.
 */
export interface AttestationCode {
  readonly userId: string;
  readonly hospitalId: string;
  /** The card whose person is at the desk; none: the account holder. */
  readonly cardId?: string | undefined;
  readonly expiresAt: number;
}

/** Port: attestation codes, kept by keyed hash until used or expired. */
export interface AttestationCodeStore {
  /** Stores a code; false when a live code has that hash already (draw another). */
  put(codeToken: string, code: AttestationCode): Promise<boolean>;
  /** Uses a code up if it is live and for this hospital; what it stood for, or undefined. */
  redeem(codeToken: string, hospitalId: string, now: number): Promise<AttestationCode | undefined>;
}

export interface AttestationCodeDeps {
  readonly clock: Clock;
  readonly random: Random;
  readonly hospitals: readonly HospitalConfig[];
  readonly identities: Pick<IdentityStore, 'verifiedPerson'>;
  card(userId: string, cardId: string): Promise<CardRecord | undefined>;
  readonly attestationCodes: AttestationCodeStore;
  readonly indexer: Pick<BlindIndexer, 'token'>;
  readonly limiter: RateLimiter;
}

/** Ten minutes: long enough to walk to the desk, short enough to be worthless when overheard. */
export const ATTESTATION_CODE_SECONDS = 600;
const CODES_PER_DAY = 10;

/** Eight digits, as staff type them; only the keyed hash is stored. */
export function attestationCodeToken(indexer: Pick<BlindIndexer, 'token'>, code: string): string {
  return indexer.token('attestation-code', code.replace(/\D/g, ''));
}

/** What the app shows as a QR code for the counter's scanner: the same code, with its scheme. */
export const attestationQr = (code: string) => `po-attest:1:${code}`;

/**
 * A short-lived attestation code for the hospital counter (the non-face way to real-person
 * assurance, and the way to prove a card binding where the hospital holds no phone):
 * 1. for the account holder, the account must be real-name verified (the code stands for that
 *    person); for a card, the card must be the account's, at that hospital, active or awaiting proof;
 * 2. at most 10 a day per account;
 * 3. a random 8-digit code, stored by keyed hash for 10 minutes with what it stands for; only the
 *    staff of that hospital can redeem it, once.
 */
export async function issueAttestationCode(
  deps: AttestationCodeDeps,
  who: Identity,
  input: { hospitalId?: string | undefined; cardId?: string | undefined },
) {
  const now = deps.clock.now().getTime();
  let hospitalId = input.hospitalId;
  let forHolder = input.cardId === undefined;
  if (input.cardId !== undefined) {
    const card = await deps.card(who.userId, input.cardId);
    if (!card || (card.status !== 'active' && card.status !== 'awaiting_proof')) {
      throw new AppError('card_not_found');
    }
    if (hospitalId !== undefined && hospitalId !== card.hospitalId) throw new AppError('card_not_found');
    hospitalId = card.hospitalId;
    forHolder = card.relationship === '01';
  } else if ((await deps.identities.verifiedPerson(who.userId)) === undefined) {
    throw new AppError('real_name_required');
  }
  if (!hospitalId || !deps.hospitals.some((h) => h.id === hospitalId))
    throw new AppError('hospital_not_found');

  const hit = await deps.limiter.hit(
    { scope: rateScopes.attestationCodes, key: who.userId, seconds: 86_400, max: CODES_PER_DAY },
    now,
  );
  if (!hit.allowed) throw new AppError('too_many_attempts', { retryAfter: hit.retryAfter });
  const record: AttestationCode = {
    userId: who.userId,
    hospitalId,
    ...(input.cardId === undefined ? {} : { cardId: input.cardId }),
    expiresAt: now + ATTESTATION_CODE_SECONDS * 1000,
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    const code = String(deps.random.int(0, 100_000_000)).padStart(8, '0');
    if (await deps.attestationCodes.put(attestationCodeToken(deps.indexer, code), record)) {
      return {
        code,
        qr: attestationQr(code),
        hospitalId,
        subject: forHolder ? ('account_holder' as const) : ('family_member' as const),
        expiresAt: new Date(record.expiresAt).toISOString(),
      };
    }
  }
  throw new Error('no free attestation code after 5 draws');
}
