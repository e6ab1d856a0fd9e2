import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { CodeUse } from '../auth';
import { type CodeCaller, checkCode, codeUse, sendCode } from '../auth';
import type { Identity } from '../core/authorizer-context';
import type { HospitalConfig } from '../core/config';
import { AppError } from '../core/errors';
import { logger } from '../core/logger';
import { type PageQuery, pageOf, timeKey } from '../core/pagination';
import { maskIdNumber, maskName, maskPhone } from '../crypto/mask';
import { checkPerson, countVerificationAttempt, outcomeError, parseName, parsePerson } from '../identity';
import { requireConsent } from '../kernel/consent/consents';
import { isDocumentKind, parseDocumentNumber } from '../kernel/person/document-number';
import { ageOn } from '../kernel/person/id-number';
import { requireMobile } from '../kernel/person/phone-rules';
import {
  type HisPatient,
  type HisRegistration,
  HisRejectedError,
  HisUnavailableError,
} from '../providers/his/ports';
import { rateScopes } from '../store/keys';
import {
  type IdTypeCode,
  type InsuranceCode,
  idTypes,
  insuranceTypes,
  minorRelationships,
  type RelationshipCode,
  relationships,
} from './codes';
import type { CardRecord, CardStore, CardsDeps, ProofMethod } from './ports';

export interface CreateCardInput {
  readonly hospitalId: string;
  readonly relationship: RelationshipCode;
  readonly name: string;
  readonly idType: IdTypeCode;
  readonly idNumber: string;
  readonly phone: string;
  readonly insuranceType: InsuranceCode;
  /** Needed for documents that do not carry one (passports, travel permits). */
  readonly birthDate?: string | undefined;
  /** With relationship 97 (other relative): the account holder is the child's legal guardian. */
  readonly guardian?: boolean | undefined;
  readonly guardianConsent?: { readonly accepted: boolean; readonly policyVersion: string } | undefined;
}

const MINOR_AGE = 14;

export function cardView(card: CardRecord) {
  return {
    id: card.cardId,
    hospitalId: card.hospitalId,
    relationship: { code: card.relationship, label: relationships[card.relationship] },
    nameMasked: maskName(card.name),
    idType: { code: card.idType, label: { zh: idTypes[card.idType].zh, en: idTypes[card.idType].en } },
    idNumberMasked: maskIdNumber(card.idNumber),
    phoneMasked: maskPhone(card.phone),
    insuranceType: {
      code: card.insuranceType,
      label: { zh: insuranceTypes[card.insuranceType].zh, en: insuranceTypes[card.insuranceType].en },
    },
    status: card.status,
    ...(card.reason ? { reason: card.reason } : {}),
    ...(card.status === 'awaiting_proof' && card.proofMethod
      ? {
          proof: {
            method: card.proofMethod,
            ...(card.phoneOnFile ? { phoneMasked: maskPhone(card.phoneOnFile) } : {}),
          },
        }
      : {}),
    minor: card.minor,
    createdAt: new Date(card.createdAt).toISOString(),
  };
}

export function cardDetail(card: CardRecord) {
  return {
    ...cardView(card),
    name: card.name,
    idNumber: card.idNumber,
    phone: card.phone,
    birthDate: card.birthDate ?? null,
    // The hospital's ids belong to a proven binding only.
    hisPatientId: card.status === 'active' ? (card.hisPatientId ?? null) : null,
    cardNo: card.status === 'active' ? (card.cardNo ?? null) : null,
  };
}

/** `YYYY-MM-DD`, a real date, not in the future. */
function isPastDate(value: string, now: Date): boolean {
  const at = Date.parse(`${value}T00:00:00Z`);
  return (
    /^\d{4}-\d{2}-\d{2}$/.test(value) &&
    !Number.isNaN(at) &&
    new Date(at).toISOString().slice(0, 10) === value &&
    at <= now.getTime()
  );
}

function hospital(deps: CardsDeps, hospitalId: string) {
  const found = deps.hospitals.find((h) => h.id === hospitalId);
  if (!found) throw new AppError('hospital_not_found');
  return found;
}

/**
 * The request's fingerprint: SHA-256 of its RFC 8785 canonical JSON, nested objects included, so
 * the same body in another key order is the same request and any changed field is another.
 */
export function bodyHash(input: CreateCardInput): string {
  return createHash('sha256')
    .update(canonicalize(input) ?? '')
    .digest('base64url');
}

function hisPatient(card: CardRecord): HisPatient {
  return {
    cardId: card.cardId,
    name: card.name,
    idTypeCode: card.idType,
    idNumber: card.idNumber,
    residentId: idTypes[card.idType].rule === 'resident',
    birthDate: card.birthDate,
    sex: card.sex,
    phone: card.phone,
    insuranceCode: card.insuranceType,
    insutype: insuranceTypes[card.insuranceType].insutype,
    relationship: card.relationship,
  };
}

/**
 * Creates a medical card for the account holder or a relative.
 * 1. the hospital exists; the account is real-name verified (and, where the hospital asks for it,
 *    a real person: face check or counter) and consents to `medical_card` (read at once);
 * 2. name, ID number (same rules as real-name) and phone are valid; a `01 self` card is the
 *    verified person; a patient under 14 is a child or grandchild (or 97 with the guardian flag)
 *    and comes with the guardian's consent to the current policy;
 * 3. the card (its id derived from the account and the Idempotency-Key), the account's count and
 *    people at the hospital and the audit entry are written in one transaction: parallel requests
 *    cannot pass the limits; the same key and body gives back the same card, another body with
 *    that key is 409;
 * 4. the HIS is asked at once; if it does not answer in time the card stays `pending` (202) and
 *    the job the card's creation started (the table's stream) retries with backoff; the HIS
 *    deduplicates on our card id, so retries never make a second patient.
 */
export async function createCard(
  deps: CardsDeps,
  who: Identity,
  input: CreateCardInput,
  idempotencyKey: string,
): Promise<{ outcome: 'registered' | 'pending' | 'replayed'; card: ReturnType<typeof cardView> }> {
  const now = deps.clock.now();
  const target = hospital(deps, input.hospitalId);
  // Every new card asks the HIS about a person: counted per account and day, whether or not the
  // card survives, so create-and-unbind cannot ask about people without end. Counted with the
  // first reads (no round trip of its own) and given back on any refusal before the card exists.
  const lookups = {
    scope: rateScopes.cardHisLookups,
    key: who.userId,
    seconds: 86_400,
    max: deps.config.hisLookupsPerAccountDaily,
  };
  const [person, consent, lookup] = await Promise.allSettled([
    deps.identities.verifiedPerson(who.userId),
    requireConsent(deps.consents, who.userId, 'medical_card'),
    deps.limiter.hit(lookups, now.getTime()),
  ]);
  const giveBack = async () => {
    if (lookup.status === 'fulfilled' && lookup.value.allowed)
      await deps.limiter.undo(lookups, now.getTime());
  };
  let prepared: Awaited<ReturnType<typeof prepareCard>>;
  try {
    const verified = settled(person);
    settled(consent);
    if (verified === undefined) throw new AppError('real_name_required');
    // A hospital may ask for the real person (face check or counter) before it opens cards.
    if (target.requiredAssurance === 'real_person' && !verified.realPerson) {
      throw new AppError('real_person_required', { extensions: { hospitalId: target.id } });
    }
    const counted = settled(lookup);
    if (!counted.allowed) throw new AppError('too_many_attempts', { retryAfter: counted.retryAfter });
    prepared = await prepareCard(deps, who, input, { target, verifiedPerson: verified.token, now });
  } catch (error) {
    await giveBack();
    throw error;
  }
  const { name, idNumber, birthDate, sex, phone, personToken, minor } = prepared;

  const card: CardRecord = {
    userId: who.userId,
    cardId: deps.cardIdFor(who.userId, idempotencyKey),
    hospitalId: target.id,
    relationship: input.relationship,
    idType: input.idType,
    insuranceType: input.insuranceType,
    status: 'pending',
    personToken,
    birthDate,
    sex,
    minor,
    createdAt: now.getTime(),
    updatedAt: now.getTime(),
    attempts: 0,
    bodyHash: bodyHash(input),
    name,
    idNumber,
    phone,
  };
  const outcome = await deps.store.create(card, {
    limit: target.cardLimit,
    audit: {
      event: 'card.created',
      userId: who.userId,
      detail: { cardId: card.cardId, hospitalId: card.hospitalId, relationship: card.relationship, minor },
      at: now.getTime(),
    },
    ...(minor
      ? {
          consent: {
            userId: who.userId,
            purpose: 'guardian_minor',
            policyVersion: deps.policyVersion,
            accepted: true,
            at: now.getTime(),
            by: 'guardian',
          },
        }
      : {}),
  });
  // Nothing new was asked of the HIS: the lookup is given back.
  if (outcome.kind !== 'created') await giveBack();
  if (outcome.kind === 'person_exists') throw new AppError('card_exists');
  if (outcome.kind === 'limit_reached')
    throw new AppError('card_limit_reached', { extensions: { cardLimit: target.cardLimit } });
  if (outcome.kind === 'replayed') {
    if (!outcome.sameBody) throw new AppError('idempotency_key_reused');
    const existing = await deps.store.get(who.userId, outcome.cardId);
    if (!existing) throw new AppError('idempotency_key_reused');
    return { outcome: 'replayed', card: cardView(existing) };
  }

  // One attempt now, bounded by the sync timeout; if the HIS does not answer, the card stays
  // pending and the job its creation started (the table's stream) registers it later.
  const registered = await registerCard(
    deps,
    { userId: who.userId, cardId: card.cardId, attempt: 1 },
    { timeoutMs: deps.config.registration.syncTimeoutMs, written: card, schedule: false },
  );
  const current = registered ?? card;
  const done = current.status === 'active' || current.status === 'failed';
  return { outcome: done ? 'registered' : 'pending', card: cardView(current) };
}

/** A settled promise's value, or its rejection thrown. */
function settled<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

/**
 * The card's person, checked by the same local rules as real-name verification (a typo costs
 * nothing and reaches no HIS): a `01 self` card is the verified person; where the hospital asks,
 * a relative passes the paid check; a child under 14 comes with the guardian's consent.
 */
async function prepareCard(
  deps: CardsDeps,
  who: Identity,
  input: CreateCardInput,
  context: { target: HospitalConfig; verifiedPerson: string; now: Date },
) {
  const { target, verifiedPerson, now } = context;
  const rule = idTypes[input.idType].rule;
  let name: string;
  let idNumber: string;
  let birthDate: string;
  let sex: 'male' | 'female' | undefined;
  if (!isDocumentKind(rule)) {
    const person = parsePerson(
      { ...input, idType: rule },
      { upgradeLegacy: true, today: now },
      'card_invalid',
    );
    ({ name, idNumber, birthDate, sex } = person);
  } else {
    name = parseName(input.name, 'card_invalid');
    const parsed = parseDocumentNumber(rule, input.idNumber);
    if (parsed === 'format') throw new AppError('card_invalid', { extensions: { reason: 'id_format' } });
    idNumber = parsed;
    const given = input.birthDate;
    if (!given || !isPastDate(given, now)) {
      throw new AppError('card_invalid', { extensions: { reason: 'birth_date_required' } });
    }
    birthDate = given;
  }
  const phone = requireMobile(input.phone).e164;
  const personToken = personTokenFor(deps, idNumber);

  if (input.relationship === '01' && personToken !== verifiedPerson) throw new AppError('self_mismatch');
  if (target.verifyRelatives && input.relationship !== '01' && !isDocumentKind(rule)) {
    // The paid check, with real-name verification's cost controls and outcome answers.
    await countVerificationAttempt(
      deps.limiter,
      deps.verificationLimits,
      who.userId,
      personToken,
      now.getTime(),
    );
    const checked = await checkPerson(
      { store: deps.identities, provider: deps.verifier, indexer: deps.indexer, clock: deps.clock },
      { name, idNumber, idType: rule },
    );
    if (checked.outcome !== 'match') throw outcomeError(checked.outcome);
  }
  const minor = ageOn(birthDate, now) < MINOR_AGE;
  if (minor) {
    const allowed =
      minorRelationships.has(input.relationship) && (input.relationship !== '97' || input.guardian === true);
    if (!allowed) throw new AppError('minor_relationship');
    if (
      input.guardianConsent?.accepted !== true ||
      input.guardianConsent.policyVersion !== deps.policyVersion
    ) {
      throw new AppError('guardian_consent_required', { extensions: { policyVersion: deps.policyVersion } });
    }
  }

  return { name, idNumber, birthDate, sex, phone, personToken, minor };
}

function personTokenFor(deps: Pick<CardsDeps, 'indexer'>, idNumber: string): string {
  return deps.indexer.token('id-number', idNumber);
}

/** Blind index of a hospital's patient id (scoped to the hospital: ids of two HIS may collide). */
export function hisPatientToken(
  deps: Pick<CardsDeps, 'indexer'>,
  hospitalId: string,
  hisPatientId: string,
): string {
  return deps.indexer.token('his-patient', `${hospitalId}|${hisPatientId}`);
}

/**
 * One registration attempt (create request or worker): active with the HIS's ids, failed on a
 * refusal or after the last attempt; otherwise the worker queues the next attempt with
 * exponential backoff, and the create request leaves the card pending for the job its creation
 * started. The card's status change and its audit entry commit together; its event follows from
 * the table's stream.
 */
export async function registerCard(
  deps: CardsDeps,
  job: { userId: string; cardId: string; attempt: number },
  options: {
    timeoutMs?: number;
    /** The card as just written, when the caller has it (saves a read). */
    written?: CardRecord;
    /** Queue the next attempt after a retryable failure (the worker); else leave it pending. */
    schedule: boolean;
  } = { schedule: true },
): Promise<CardRecord | undefined> {
  const { timeoutMs, written } = options;
  const card = written ?? (await deps.store.get(job.userId, job.cardId));
  if (card?.status !== 'pending') return card;
  const { registration } = deps.config;
  const now = () => deps.clock.now().getTime();
  let next: CardRecord;
  try {
    const client = deps.his(card.hospitalId);
    const registered = await (timeoutMs === undefined
      ? client.registerPatient(hisPatient(card))
      : Promise.race([
          client.registerPatient(hisPatient(card)),
          new Promise<never>((_, reject) =>
            setTimeout(() => reject(new HisUnavailableError('timeout')), timeoutMs).unref(),
          ),
        ]));
    // A patient the HIS already had is someone's record: a self card is proven by the account's
    // own verified identity (its ID number is the verified one); a relative's waits for proof.
    const proven = registered.ours || card.relationship === '01';
    next = {
      ...card,
      status: proven ? 'active' : 'awaiting_proof',
      hisPatientId: registered.hisPatientId,
      cardNo: registered.cardNo,
      hisOwned: registered.ours,
      ...(registered.ours ? {} : proven ? { provenBy: 'identity' as const } : proofNeeded(registered)),
      attempts: job.attempt,
      updatedAt: now(),
    };
  } catch (error) {
    if (error instanceof HisRejectedError) {
      next = {
        ...card,
        status: 'failed',
        reason: `his_rejected:${error.reason}`,
        attempts: job.attempt,
        updatedAt: now(),
      };
    } else if (error instanceof HisUnavailableError && job.attempt < registration.maxAttempts) {
      const delay = Math.min(
        registration.maxDelaySeconds,
        registration.baseDelaySeconds * 2 ** (job.attempt - 1),
      );
      logger.warn('HIS registration deferred', {
        cardId: card.cardId,
        attempt: job.attempt,
        ...(options.schedule ? { delaySeconds: delay } : {}),
      });
      if (options.schedule) {
        await deps.queue.enqueue({ userId: job.userId, cardId: job.cardId, attempt: job.attempt + 1 }, delay);
      }
      return card;
    } else if (error instanceof HisUnavailableError) {
      next = {
        ...card,
        status: 'failed',
        reason: 'his_unavailable',
        attempts: job.attempt,
        updatedAt: now(),
      };
    } else {
      throw error;
    }
  }
  const audit = {
    event: {
      active: 'card.registered',
      awaiting_proof: 'card.proof_required',
      failed: 'card.registration_failed',
      pending: 'card.registration_failed',
    }[next.status],
    userId: card.userId,
    detail: { cardId: card.cardId, attempt: job.attempt },
    at: now(),
  };
  if (!(await deps.store.replace(next, 'pending', audit, hospitalIndex(deps, next)))) {
    const current = await deps.store.get(job.userId, job.cardId);
    // Unbound or deleted with its account while the HIS was registering it: the HIS must not keep it.
    if (!current && next.hisPatientId) {
      await deps
        .his(card.hospitalId)
        .unbindPatient(next.hisPatientId)
        .catch((error: unknown) =>
          logger.warn('HIS unbind of a card removed during registration failed', {
            cardId: card.cardId,
            error: error instanceof Error ? error.name : 'unknown',
          }),
        );
    }
    return current;
  }
  return next;
}

function proofNeeded(registered: HisRegistration) {
  return registered.phoneOnFile
    ? { proofMethod: 'sms' as const, phoneOnFile: registered.phoneOnFile }
    : { proofMethod: 'counter' as const };
}

/** Whether changes of this card reach its patient at the HIS: a proven binding to a patient it made. */
function reachesHis(card: CardRecord): card is CardRecord & { hisPatientId: string } {
  return card.status === 'active' && card.hisPatientId !== undefined && card.hisOwned !== false;
}

/** Where an active card is filed for its hospital's lookups (none for others). */
function hospitalIndex(deps: Pick<CardsDeps, 'indexer'>, card: CardRecord) {
  return card.status === 'active' && card.hisPatientId
    ? { patientToken: hisPatientToken(deps, card.hospitalId, card.hisPatientId) }
    : undefined;
}

/** Whether another binding (another account's card) holds this card's patient at its hospital. */
async function othersBind(deps: CardsDeps, card: CardRecord & { hisPatientId: string }): Promise<boolean> {
  const refs = await deps.store.findByHospitalPatient(
    card.hospitalId,
    hisPatientToken(deps, card.hospitalId, card.hisPatientId),
  );
  return refs.some((ref) => ref.cardId !== card.cardId || ref.userId !== card.userId);
}

/** A binding waiting for a code to the patient's mobile on file, or a refusal saying why not. */
async function awaitingSmsProof(deps: CardsDeps, who: Identity, cardId: string) {
  const card = await deps.store.get(who.userId, cardId);
  if (!card) throw new AppError('card_not_found');
  if (card.status !== 'awaiting_proof') throw new AppError('card_proof_not_needed');
  if (card.proofMethod !== 'sms' || !card.phoneOnFile) throw new AppError('card_proof_at_counter');
  return { card, phoneOnFile: card.phoneOnFile };
}

/**
 * Sends the code that proves a binding: to the mobile the HIS holds for the patient (never one the
 * caller gives), with login's challenges, limits and captcha.
 */
export async function sendCardProof(
  deps: CardsDeps,
  who: Identity,
  cardId: string,
  caller: { sourceIp: string; ipPrefix: string; captchaTicket?: string | undefined },
) {
  const { phoneOnFile } = await awaitingSmsProof(deps, who, cardId);
  const sent = await sendCode(deps.codes, { phone: phoneOnFile, purpose: 'card_proof', ...caller });
  return { ...sent, phoneMasked: maskPhone(phoneOnFile) };
}

/**
 * Proves a binding with the code sent to the patient's mobile on file: the card becomes active,
 * filed for its hospital's lookups, with the code used up and the audit entry in one transaction.
 */
export async function verifyCardProof(
  deps: CardsDeps,
  who: Identity,
  cardId: string,
  input: { challengeId: string; code: string },
  caller: CodeCaller,
) {
  const { card, phoneOnFile } = await awaitingSmsProof(deps, who, cardId);
  const checked = await checkCode(
    deps.codes,
    { challengeId: input.challengeId, phone: phoneOnFile, code: input.code, purpose: 'card_proof' },
    caller,
  );
  const proven = await proveBinding(deps, card, 'sms', codeUse(deps.codes, checked));
  return cardView(proven);
}

/**
 * Marks a binding proven (by a code to the mobile on file, or at the counter): active, filed for
 * the hospital's lookups, the phone on file forgotten, with its audit entry and (a code) the use of
 * the code in one transaction; `card_changed` when it is no longer awaiting proof.
 */
export async function proveBinding(
  deps: { readonly store: Pick<CardStore, 'replace'> } & Pick<CardsDeps, 'indexer' | 'clock'>,
  card: CardRecord,
  method: ProofMethod,
  code?: CodeUse,
): Promise<CardRecord> {
  const now = deps.clock.now().getTime();
  const { phoneOnFile: _forgotten, proofMethod: _done, ...rest } = card;
  const next: CardRecord = { ...rest, status: 'active', provenBy: method, updatedAt: now };
  const audit = {
    event: 'card.proven',
    userId: card.userId,
    detail: { cardId: card.cardId, method },
    at: now,
  };
  if (!(await deps.store.replace(next, 'awaiting_proof', audit, hospitalIndex(deps, next), { code }))) {
    throw new AppError(code ? 'otp_invalid' : 'card_changed');
  }
  return next;
}

/** The account's cards, oldest first, a page at a time. */
export async function listCards(deps: CardsDeps, who: Identity, page?: PageQuery) {
  const cards = await deps.store.list(who.userId);
  const chosen = pageOf(cards, (c) => `${timeKey(c.createdAt)}#${c.cardId}`, page);
  return { cards: chosen.items.map(cardView), next: chosen.next };
}

/** The owner's full view of one card; every such read is audited. */
export async function readCard(deps: CardsDeps, who: Identity, cardId: string) {
  const card = await deps.store.get(who.userId, cardId);
  if (!card) throw new AppError('card_not_found');
  await deps.audit.record({
    event: 'card.read',
    userId: who.userId,
    detail: { cardId, actor: 'owner', fields: 'all' },
    at: deps.clock.now().getTime(),
  });
  return cardDetail(card);
}

/** Changes phone or insurance type: the HIS first (an active card), then ours. */
export async function updateCard(
  deps: CardsDeps,
  who: Identity,
  cardId: string,
  changes: { phone?: string | undefined; insuranceType?: InsuranceCode | undefined },
) {
  const card = await deps.store.get(who.userId, cardId);
  if (!card) throw new AppError('card_not_found');
  const next: CardRecord = {
    ...card,
    phone: changes.phone === undefined ? card.phone : requireMobile(changes.phone).e164,
    insuranceType: changes.insuranceType ?? card.insuranceType,
    updatedAt: deps.clock.now().getTime(),
  };
  if (reachesHis(card)) {
    try {
      await deps.his(card.hospitalId).updatePatient(card.hisPatientId, {
        phone: next.phone,
        insuranceCode: next.insuranceType,
        insutype: insuranceTypes[next.insuranceType].insutype,
      });
    } catch (error) {
      if (error instanceof HisUnavailableError || error instanceof HisRejectedError)
        throw new AppError('his_unavailable', { cause: error, retryAfter: 60 });
      throw error;
    }
  }
  const audit = { event: 'card.updated', userId: who.userId, detail: { cardId }, at: next.updatedAt };
  if (!(await deps.store.replace(next, card.status, audit, hospitalIndex(deps, next)))) {
    throw new AppError('card_changed');
  }
  return cardView(next);
}

/** Unbinds a card: the HIS is told first (an active card), then the card goes. */
export async function unbindCard(deps: CardsDeps, who: Identity, cardId: string): Promise<void> {
  const card = await deps.store.get(who.userId, cardId);
  if (!card) throw new AppError('card_not_found');
  try {
    await releaseCard(deps, card, { reason: 'owner' });
  } catch (error) {
    if (error instanceof HisUnavailableError || error instanceof HisRejectedError)
      throw new AppError('his_unavailable', { cause: error, retryAfter: 60 });
    throw error;
  }
}

/**
 * Ends a card: the HIS is told to unbind the patient when this binding made it and no other
 * binding holds it (its errors propagate, except a refusal when `reason` is `account_deleted`: the
 * HIS no longer holding the patient is what we want); a patient the HIS already had, or one
 * another account also binds, is left as it is. Then the card goes and is counted out of its
 * hospital's, with its audit entry; its event follows from the table's stream.
 */
export async function releaseCard(
  deps: CardsDeps,
  card: CardRecord,
  options: { reason: 'owner' | 'account_deleted' },
): Promise<void> {
  if (reachesHis(card) && !(await othersBind(deps, card))) {
    try {
      await deps.his(card.hospitalId).unbindPatient(card.hisPatientId);
    } catch (error) {
      if (!(options.reason === 'account_deleted' && error instanceof HisRejectedError)) throw error;
      logger.warn('HIS refused an unbind during account deletion', { cardId: card.cardId });
    }
  }
  await deps.store.remove(card, {
    event: 'card.unbound',
    userId: card.userId,
    detail: { cardId: card.cardId, reason: options.reason },
    at: deps.clock.now().getTime(),
  });
}
