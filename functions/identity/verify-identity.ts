import type { Identity } from '../core/authorizer-context';
import { AppError } from '../core/errors';
import type { ProblemCode } from '../core/messages';
import { maskIdNumber, maskName } from '../crypto/mask';
import { requireConsent } from '../kernel/consent/consents';
import { ageOn, type IdType, parseIdNumber } from '../kernel/person/id-number';
import { normalisePersonName } from '../kernel/person/person-name';
import { type VerificationOutcome, VerificationUnavailableError } from '../providers/verification/ports';
import { rateScopes } from '../store/keys';
import type { IdentityDeps } from './ports';

export interface VerifyIdentityInput {
  readonly name: string;
  readonly idType: IdType;
  readonly idNumber: string;
}

export interface VerifiedView {
  readonly status: 'verified';
  readonly nameMasked: string;
  readonly idNumberMasked: string;
  readonly verifiedAt: string;
}

/**
 * Real-name verification of the signed-in account (name + ID number).
 * 0. the account has consented to `sensitive_identity` (separately, PIPL art. 29), else 403;
 * 1. check name and number locally (no provider is paid for a typo): 400 identity_invalid;
 * 2. refuse people under 14 (a guardian adds them as a family card) and accounts already verified;
 * 3. count the attempt before anything that depends on our records of the number: 5 per account
 *    and 3 per (ID number, account) per day, so a stranger cannot spend a person's quota;
 * 4. use a remembered match for this exact (name, number), else ask the provider;
 * 5. only a match may learn that the number is verified on another account (identity_taken):
 *    whether a person uses this app is their personal information, so a wrong name gets the
 *    mismatch answer whoever holds the number;
 * 6. on a match, claim the number, mark the profile verified and audit, in one transaction;
 * 7. audit every other outcome too (ids and result codes only).
 */
export async function verifyIdentity(
  deps: IdentityDeps,
  who: Identity,
  input: VerifyIdentityInput,
): Promise<VerifiedView> {
  const now = deps.clock.now();
  const audit = (result: string, extra: Record<string, string | number | boolean> = {}) =>
    deps.audit.record({
      event: 'identity.verification',
      userId: who.userId,
      detail: { result, provider: deps.provider.name, ...extra },
      at: now.getTime(),
    });

  await requireConsent(deps.consents, who.userId, 'sensitive_identity');
  const person = parsePerson(input, { upgradeLegacy: deps.config.upgradeLegacy, today: now });
  if (ageOn(person.birthDate, now) < deps.config.minAge) {
    throw new AppError('identity_minor', { extensions: { minAge: deps.config.minAge } });
  }
  if (await deps.store.isVerified(who.userId)) throw new AppError('identity_already_verified');

  const idToken = deps.indexer.token('id-number', person.idNumber);
  try {
    await countVerificationAttempt(deps.limiter, deps.config.limits, who.userId, idToken, now.getTime());
  } catch (error) {
    await audit('limited');
    throw error;
  }

  let checked: Awaited<ReturnType<typeof checkPerson>>;
  try {
    checked = await checkPerson(deps, person);
  } catch (error) {
    if (error instanceof AppError && error.code === 'verification_unavailable') await audit('unavailable');
    throw error;
  }
  if (checked.outcome !== 'match') {
    await audit(checked.outcome);
    throw outcomeError(checked.outcome);
  }
  const owner = await deps.store.verifiedOwner(idToken);
  if (owner !== undefined && owner !== who.userId) {
    await audit('taken');
    throw new AppError('identity_taken');
  }

  const nameMasked = maskName(person.name);
  const idNumberMasked = maskIdNumber(person.idNumber);
  const recorded = await deps.store.recordVerified(
    {
      userId: who.userId,
      idToken,
      idType: person.idType,
      name: person.name,
      idNumber: person.idNumber,
      nameMasked,
      idNumberMasked,
      birthDate: person.birthDate,
      verifiedAt: now.getTime(),
      provider: checked.provider,
    },
    {
      event: 'identity.verification',
      userId: who.userId,
      detail: { result: 'verified', provider: deps.provider.name, cached: checked.cached },
      at: now.getTime(),
    },
  );
  if (recorded === 'taken') {
    await audit('taken');
    throw new AppError(
      (await deps.store.isVerified(who.userId)) ? 'identity_already_verified' : 'identity_taken',
    );
  }
  return { status: 'verified', nameMasked, idNumberMasked, verifiedAt: now.toISOString() };
}

/** A person as the real-name check sees them: normalised name, parsed number. */
export interface CheckedPerson {
  readonly name: string;
  readonly idNumber: string;
  readonly idType: IdType;
  readonly birthDate: string;
  readonly sex: 'male' | 'female';
}

/**
 * The local rules of real-name verification, shared by everything that takes a name and an ID
 * number: the name's characters and length, the number's check character, date and region. A
 * problem is 400 `problemCode` with a `reason` (`name_length`, `id_check_character`, ...).
 */
export function parsePerson(
  input: { name: string; idNumber: string; idType: IdType },
  rules: { upgradeLegacy: boolean; today: Date },
  problemCode: 'identity_invalid' | 'card_invalid' = 'identity_invalid',
): CheckedPerson {
  const name = parseName(input.name, problemCode);
  const parsed = parseIdNumber(input.idNumber, input.idType, rules);
  if (typeof parsed === 'string') throw new AppError(problemCode, { extensions: { reason: `id_${parsed}` } });
  return {
    name,
    idNumber: parsed.number,
    idType: parsed.idType,
    birthDate: parsed.birthDate,
    sex: parsed.sex,
  };
}

/** A person's name by the real-name rules (see person-name.ts), or 400 `problemCode`. */
export function parseName(input: string, problemCode: 'identity_invalid' | 'card_invalid'): string {
  const name = normalisePersonName(input);
  if (name === 'length' || name === 'characters') {
    throw new AppError(problemCode, { extensions: { reason: `name_${name}` } });
  }
  return name;
}

/**
 * Counts one paid check against the daily limits: per account, and per (ID number, account) so
 * that a stranger's attempts never spend the number's owner's quota. 429 when a window is full.
 */
export async function countVerificationAttempt(
  limiter: IdentityDeps['limiter'],
  limits: IdentityDeps['config']['limits'],
  userId: string,
  idToken: string,
  now: number,
): Promise<void> {
  const { perAccountDaily, perIdNumberDaily } = limits;
  for (const window of [
    { scope: rateScopes.verificationAccount, key: userId, seconds: 86_400, max: perAccountDaily },
    {
      scope: rateScopes.verificationNumber,
      key: userId,
      subKey: idToken,
      seconds: 86_400,
      max: perIdNumberDaily,
    },
  ]) {
    const hit = await limiter.hit(window, now);
    if (!hit.allowed) throw new AppError('too_many_attempts', { retryAfter: hit.retryAfter });
  }
}

/**
 * Asks whether name and number belong together: a remembered match for this exact pair is free,
 * otherwise the provider is paid and a match is remembered. A provider outage is 503.
 */
export async function checkPerson(
  deps: Pick<IdentityDeps, 'store' | 'provider' | 'indexer' | 'clock'>,
  person: Pick<CheckedPerson, 'name' | 'idNumber' | 'idType'>,
): Promise<{ outcome: VerificationOutcome; provider: string; cached: boolean }> {
  const pairToken = identityPairToken(deps.indexer, person.name, person.idNumber);
  const cached = await deps.store.cachedMatch(pairToken);
  if (cached) return { outcome: 'match', provider: cached.provider, cached: true };
  let outcome: VerificationOutcome;
  try {
    outcome = await deps.provider.verify(person);
  } catch (error) {
    if (!(error instanceof VerificationUnavailableError)) throw error;
    throw new AppError('verification_unavailable', { cause: error, retryAfter: 60 });
  }
  if (outcome === 'match') {
    await deps.store.rememberMatch(pairToken, deps.provider.name, deps.clock.now().getTime());
  }
  return { outcome, provider: deps.provider.name, cached: false };
}

/** The problem a non-matching outcome answers. */
export function outcomeError(outcome: Exclude<VerificationOutcome, 'match'>): AppError {
  const codes: Readonly<Record<typeof outcome, ProblemCode>> = {
    mismatch: 'identity_mismatch',
    not_found: 'identity_not_found',
    invalid: 'identity_invalid',
    limited: 'too_many_attempts',
  };
  const code = codes[outcome];
  return new AppError(code, outcome === 'limited' ? { retryAfter: 86_400 } : {});
}

/** Blind index of a name and ID number together: the key of a remembered provider match. */
export function identityPairToken(
  indexer: Pick<IdentityDeps['indexer'], 'token'>,
  name: string,
  idNumber: string,
): string {
  return indexer.token('identity-pair', `${name}\u0000${idNumber}`);
}
