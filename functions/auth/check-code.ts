import { AppError } from '../core/errors';
import { codeMac, macsEqual, type OtpPurpose } from './otp';
import { type MainlandMobile, parseMainlandMobile } from './phone-rules';
import type { AuthDeps, Challenge } from './ports';

export interface CheckedCode {
  readonly phone: MainlandMobile;
  readonly phoneToken: string;
  readonly challenge: Challenge;
}

export function requireMobile(input: string): MainlandMobile {
  const parsed = parseMainlandMobile(input);
  if (typeof parsed === 'string') throw new AppError('phone_invalid', { extensions: { reason: parsed } });
  return parsed;
}

/**
 * Checks a code against the number's live challenge without using it up, so a caller can still
 * refuse (policy not accepted) and leave the code valid for the retry.
 * 1. refuse while SMS login is locked for the number;
 * 2. find the live challenge for the number and purpose; it must carry this challengeId;
 * 3. refuse used, expired or exhausted challenges (expiry is checked here, not left to TTL);
 * 4. compare MACs in constant time; a wrong code counts against the challenge (3 burn it);
 *    every failed verify counts against the number (10 in 24 h lock SMS login for an hour), both
 *    with atomic updates.
 */
export async function checkCode(
  deps: AuthDeps,
  input: { challengeId: string; phone: string; code: string; purpose: OtpPurpose },
): Promise<CheckedCode> {
  const phone = requireMobile(input.phone);
  const phoneToken = deps.phoneToken(phone.e164);
  const now = deps.clock.now().getTime();
  const { otp } = deps.config;

  const lockedUntil = await deps.store.getLoginLock(phoneToken);
  if (lockedUntil !== undefined && lockedUntil > now) {
    throw new AppError('login_locked', { retryAfter: Math.ceil((lockedUntil - now) / 1000) });
  }

  const challenge = await deps.store.getChallenge(phoneToken, input.purpose);
  if (!challenge || challenge.challengeId !== input.challengeId) {
    await countFailure(deps, phoneToken, now);
    throw new AppError('otp_invalid');
  }
  const mac = codeMac(
    deps.otpPepper,
    { challengeId: challenge.challengeId, phoneToken, purpose: input.purpose },
    input.code,
  );
  if (challenge.consumed) {
    // The right code sent twice (a double tap, a parallel request) is not a guess; a wrong one is.
    if (!macsEqual(mac, challenge.codeMac)) await countFailure(deps, phoneToken, now);
    throw new AppError('otp_invalid');
  }
  // Every failed verify counts against the number, whatever the reason: otherwise how many of a
  // burst of guesses count would depend on timing.
  if (now >= challenge.expiresAt) {
    await countFailure(deps, phoneToken, now);
    throw new AppError('otp_expired');
  }
  if (challenge.attempts >= otp.maxAttempts) {
    await countFailure(deps, phoneToken, now);
    throw new AppError('otp_exhausted');
  }

  if (!macsEqual(mac, challenge.codeMac)) {
    const outcome = await deps.store.recordWrongCode(challenge, otp.maxAttempts);
    await countFailure(deps, phoneToken, now);
    if (outcome === 'burned' || outcome.attemptsLeft === 0) throw new AppError('otp_exhausted');
    throw new AppError('otp_invalid', { extensions: { attemptsLeft: outcome.attemptsLeft } });
  }
  return { phone, phoneToken, challenge };
}

/** Uses the checked code up; false when another request used it first. */
export async function consumeCode(deps: AuthDeps, checked: CheckedCode): Promise<void> {
  const used = await deps.store.consumeChallenge(
    checked.challenge,
    deps.config.otp.maxAttempts,
    deps.clock.now().getTime(),
  );
  if (!used) throw new AppError('otp_invalid');
}

async function countFailure(deps: AuthDeps, phoneToken: string, now: number): Promise<void> {
  deps.metrics.count('CodeVerifyFailed');
  const { failedVerifies } = deps.config.limits;
  const window = {
    scope: 'verify-fail',
    key: phoneToken,
    seconds: failedVerifies.seconds,
    max: failedVerifies.max,
  };
  const hit = await deps.limiter.hit(window, now);
  await deps.audit.record({ event: 'login.code_failed', detail: { phoneToken } }, now);
  if (!hit.allowed || hit.count >= failedVerifies.max) {
    await deps.store.lockLogin(phoneToken, now + failedVerifies.lockSeconds * 1000);
    await deps.audit.record(
      { event: 'login.locked', detail: { phoneToken, lockSeconds: failedVerifies.lockSeconds } },
      now,
    );
  }
}
