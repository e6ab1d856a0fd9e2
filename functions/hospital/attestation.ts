import { newId } from '../auth/ids';
import type { Random } from '../auth/otp';
import type { CardStore } from '../cards/ports';
import type { Clock } from '../core/clock';
import type { BlindIndexer } from '../crypto/blind-index';
import type { LivenessCheck, LivenessStore } from '../identity/liveness-ports';
import type { HospitalCaller } from './hospital-auth';
import { ownCard } from './patient-reads';

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
  readonly cards: Pick<CardStore, 'findByHospitalPatient' | 'get'>;
  readonly indexer: BlindIndexer;
  readonly checks: Pick<LivenessStore, 'attest'>;
}

/**
 * The non-face alternative (人脸识别技术应用安全管理办法: another way must exist): staff at the
 * hospital's counter saw the person with an identity document and say so. It reaches the same
 * assurance as a passed face check: for the account holder's own card the account becomes
 * `real_person`; for a relative's card the attestation is recorded for that card's person. The
 * staff id is sealed, the audit entry names the hospital client, card and document seen.
 */
export async function attestAtCounter(
  deps: AttestationDeps,
  caller: Pick<HospitalCaller, 'clientId' | 'hospitalId'>,
  hisPatientId: string,
  input: { staffId: string; documentType: (typeof attestedDocuments)[number] },
) {
  const card = await ownCard(deps, caller, hisPatientId);
  const now = deps.clock.now().getTime();
  const checkId = newId(deps.random);
  const self = card.relationship === '01';
  const check: LivenessCheck = {
    userId: card.userId,
    checkId,
    provider: 'counter',
    channel: 'counter',
    subject: self ? { kind: 'self' } : { kind: 'card', cardId: card.cardId },
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
    userId: card.userId,
    detail: {
      livenessId: checkId,
      clientId: caller.clientId,
      hospitalId: caller.hospitalId,
      cardId: card.cardId,
      documentType: input.documentType,
      subject: self ? 'self' : `card:${card.cardId}`,
    },
    at: now,
  });
  return {
    hisPatientId,
    subject: self ? ('account_holder' as const) : ('family_member' as const),
    assurance: 'real_person' as const,
    attestedAt: new Date(now).toISOString(),
  };
}
