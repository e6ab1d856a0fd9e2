import type { LivenessCheck, LivenessStore } from '../assurance';
import { type AttestationCodeStore, attestationCodeToken } from '../assurance';
import type { CardRecord, CardStore } from '../cards';
import { proveBinding } from '../cards';
import type { Clock } from '../core/clock';
import { AppError } from '../core/errors';
import type { BlindIndexer } from '../crypto/blind-index';
import { normaliseIdNumber } from '../crypto/normalise';
import type { IdentityStore } from '../identity';
import { newId } from '../kernel/ids';
import type { Random } from '../kernel/random';
import type { RateLimiter } from '../kernel/rate/ports';
import { rateScopes } from '../store/keys';
import type { HospitalCaller } from './hospital-auth';

export const attestedDocuments = [
  'resident_id_card',
  'temporary_resident_id_card',
  'household_register',
  'hk_mo_tw_permit',
  'foreign_permanent_residence',
  'passport',
] as const;

export interface AttestationDeps {
  readonly clock: Clock;
  readonly random: Random;
  readonly codes: Pick<AttestationCodeStore, 'redeem'>;
  readonly identities: Pick<IdentityStore, 'verifiedIdentity'>;
  readonly cards: Pick<CardStore, 'get' | 'replace'>;
  readonly indexer: BlindIndexer;
  readonly checks: Pick<LivenessStore, 'attest'>;
  readonly limiter: RateLimiter;
}

/** Codes a hospital client may get wrong in 10 minutes before it must wait. */
const FAILURES = { seconds: 600, max: 20 } as const;

/**
 * The non-face alternative (人脸识别技术应用安全管理办法: another way must exist): staff at the
 * hospital's counter saw the person with an identity document and say so. It names the person
 * at the desk, never "whoever holds this patient id":
 * 1. every request counts against the client's failures first (a right one gives it back), so a
 *    client cannot try codes without end;
 * 2. the attestation code the person's app shows is used up: live, issued for this hospital,
 *    once. It stands for that account's verified person, or for one of its cards' person;
 * 3. the document number the staff read must be that person's (blind index): otherwise 422 and
 *    nothing is recorded (the code is spent);
 * 4. it reaches the same assurance as a passed face check: for the account holder the account
 *    becomes `real_person`; for a relative's card the attestation is recorded for that card's
 *    person, and a binding that was waiting for proof (the HIS had the patient already) is proven.
 * The staff id is sealed; the audit entry names the hospital client, the subject and the document.
 */
export async function attestAtCounter(
  deps: AttestationDeps,
  caller: Pick<HospitalCaller, 'clientId' | 'hospitalId'>,
  input: {
    attestationCode: string;
    staffId: string;
    documentType: (typeof attestedDocuments)[number];
    documentNumber: string;
  },
) {
  const now = deps.clock.now().getTime();
  const failures = { scope: rateScopes.attestationFailures, key: caller.clientId, ...FAILURES };
  const attempt = await deps.limiter.hit(failures, now);
  if (!attempt.allowed) throw new AppError('rate_limited', { retryAfter: attempt.retryAfter });

  const code = await deps.codes.redeem(
    attestationCodeToken(deps.indexer, input.attestationCode),
    caller.hospitalId,
    now,
  );
  if (!code) throw new AppError('attestation_code_invalid');
  await deps.limiter.undo(failures, now);

  const card = code.cardId === undefined ? undefined : await deps.cards.get(code.userId, code.cardId);
  if (code.cardId !== undefined && (!card || card.hospitalId !== caller.hospitalId)) {
    throw new AppError('attestation_code_invalid');
  }
  const subjectToken = card
    ? card.personToken
    : (await deps.identities.verifiedIdentity(code.userId))?.idNumberToken;
  if (subjectToken === undefined) throw new AppError('attestation_code_invalid');
  if (deps.indexer.token('id-number', normaliseIdNumber(input.documentNumber)) !== subjectToken) {
    throw new AppError('attestation_document_mismatch');
  }

  const self = card === undefined || card.relationship === '01';
  const checkId = newId(deps.random);
  const check: LivenessCheck = {
    userId: code.userId,
    checkId,
    provider: 'counter',
    channel: 'counter',
    subject: self ? { kind: 'self' } : { kind: 'card', cardId: (card as CardRecord).cardId },
    status: 'passed',
    createdAt: now,
    expiresAt: now,
    completedAt: now,
    transactionId: `counter:${caller.hospitalId}`,
    outcome: { kind: 'passed', code: `counter:${input.documentType}`, billed: false },
    attestation: { hospitalId: caller.hospitalId, documentType: input.documentType, staffId: input.staffId },
  };
  await deps.checks.attest(check, {
    event: 'identity.attested',
    userId: code.userId,
    detail: {
      livenessId: checkId,
      clientId: caller.clientId,
      hospitalId: caller.hospitalId,
      ...(card ? { cardId: card.cardId } : {}),
      documentType: input.documentType,
      subject: self ? 'self' : `card:${(card as CardRecord).cardId}`,
    },
    at: now,
  });
  const bound =
    card?.status === 'awaiting_proof'
      ? await proveBinding({ ...deps, store: deps.cards }, card, 'counter')
      : card;
  return {
    subject: self ? ('account_holder' as const) : ('family_member' as const),
    assurance: 'real_person' as const,
    attestedAt: new Date(now).toISOString(),
    hisPatientId: bound?.status === 'active' ? (bound.hisPatientId ?? null) : null,
  };
}
