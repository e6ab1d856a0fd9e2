import type { Identity } from '../auth/authenticate';
import { AppError } from '../core/errors';
import { maskIdNumber, maskName } from '../crypto/mask';
import { requireConsent } from '../privacy/consents';
import { ageOn, type IdType, parseIdNumber } from './id-number';
import { normalisePersonName } from './person-name';
import { type IdentityDeps, type VerificationOutcome, VerificationUnavailableError } from './ports';

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
 * 3. refuse an ID number already verified on another account, before paying anyone;
 * 4. count the attempt: 5 per account and 3 per ID number (all accounts) per day;
 * 5. use a remembered match for this exact (name, number), else ask the provider;
 * 6. on a match, claim the number and mark the profile verified in one transaction;
 * 7. audit every outcome (ids and result codes only).
 */
export async function verifyIdentity(
  deps: IdentityDeps,
  who: Identity,
  input: VerifyIdentityInput,
): Promise<VerifiedView> {
  const now = deps.clock.now();
  const audit = (result: string, extra: Record<string, string | number | boolean> = {}) =>
    deps.audit.record(
      {
        event: 'identity.verification',
        userId: who.userId,
        detail: { result, provider: deps.provider.name, ...extra },
      },
      now.getTime(),
    );

  await requireConsent(deps.consents, who.userId, 'sensitive_identity');
  const name = normalisePersonName(input.name);
  if (name === 'length' || name === 'characters') {
    throw new AppError('identity_invalid', { extensions: { reason: `name_${name}` } });
  }
  const parsed = parseIdNumber(input.idNumber, input.idType, {
    upgradeLegacy: deps.config.upgradeLegacy,
    today: now,
  });
  if (typeof parsed === 'string')
    throw new AppError('identity_invalid', { extensions: { reason: `id_${parsed}` } });
  if (ageOn(parsed.birthDate, now) < deps.config.minAge) {
    throw new AppError('identity_minor', { extensions: { minAge: deps.config.minAge } });
  }
  if (await deps.store.isVerified(who.userId)) throw new AppError('identity_already_verified');

  const idToken = deps.indexer.token('id-number', parsed.number);
  const owner = await deps.store.verifiedOwner(idToken);
  if (owner !== undefined && owner !== who.userId) {
    await audit('taken');
    throw new AppError('identity_taken');
  }

  for (const window of [
    { scope: 'idv-account', key: who.userId, seconds: 86_400, max: deps.config.limits.perAccountDaily },
    { scope: 'idv-number', key: idToken, seconds: 86_400, max: deps.config.limits.perIdNumberDaily },
  ]) {
    const hit = await deps.limiter.hit(window, now.getTime());
    if (!hit.allowed) {
      await audit('limited');
      throw new AppError('too_many_attempts', { retryAfter: hit.retryAfter });
    }
  }

  const pairToken = identityPairToken(deps.indexer, name, parsed.number);
  let provider = deps.provider.name;
  let outcome: VerificationOutcome;
  const cached = await deps.store.cachedMatch(pairToken);
  if (cached) {
    outcome = 'match';
    provider = cached.provider;
  } else {
    try {
      outcome = await deps.provider.verify({ name, idNumber: parsed.number, idType: parsed.idType });
    } catch (error) {
      if (!(error instanceof VerificationUnavailableError)) throw error;
      await audit('unavailable');
      throw new AppError('verification_unavailable', { cause: error, retryAfter: 60 });
    }
  }

  if (outcome !== 'match') {
    await audit(outcome);
    const code = {
      mismatch: 'identity_mismatch',
      not_found: 'identity_not_found',
      invalid: 'identity_invalid',
      limited: 'too_many_attempts',
    }[outcome];
    throw new AppError(code, outcome === 'limited' ? { retryAfter: 86_400 } : {});
  }
  if (!cached) await deps.store.rememberMatch(pairToken, provider, now.getTime());

  const nameMasked = maskName(name);
  const idNumberMasked = maskIdNumber(parsed.number);
  const recorded = await deps.store.recordVerified({
    userId: who.userId,
    idToken,
    idType: parsed.idType,
    name,
    idNumber: parsed.number,
    nameMasked,
    idNumberMasked,
    birthDate: parsed.birthDate,
    verifiedAt: now.getTime(),
    provider,
  });
  if (recorded === 'taken') {
    await audit('taken');
    throw new AppError(
      (await deps.store.isVerified(who.userId)) ? 'identity_already_verified' : 'identity_taken',
    );
  }
  await audit('verified', { cached: cached !== undefined });
  return { status: 'verified', nameMasked, idNumberMasked, verifiedAt: now.toISOString() };
}

/** Blind index of a name and ID number together: the key of a remembered provider match. */
export function identityPairToken(
  indexer: Pick<IdentityDeps['indexer'], 'token'>,
  name: string,
  idNumber: string,
): string {
  return indexer.token('identity-pair', `${name}\u0000${idNumber}`);
}
