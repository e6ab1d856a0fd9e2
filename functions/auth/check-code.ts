import { AppError } from '../core/errors';
import { rateScopes } from '../store/keys';
import { isLoopback } from './ip';
import { codeMac, macsEqual, type OtpPurpose } from './otp';
import { type MainlandMobile, parseMainlandMobile } from './phone-rules';
import type { AuthDeps, Challenge } from './ports';

export interface CheckedCode {
  readonly phone: MainlandMobile;
  readonly phoneToken: string;
  readonly challenge: Challenge;
}

/** Who presents a code: failures count against their network. */
export interface CodeCaller {
  readonly sourceIp: string;
  readonly ipPrefix: string;
}

export function requireMobile(input: string): MainlandMobile {
  const parsed = parseMainlandMobile(input);
  if (typeof parsed === 'string') throw new AppError('phone_invalid', { extensions: { reason: parsed } });
  return parsed;
}

/**
 * Checks a code against the number's live challenge without using it up, so a caller can still
 * refuse (policy not accepted) and leave the code valid for the retry.
 * 1. refuse while code login is locked for the number, or verifying for the caller's IP prefix
 *    (loopback exempt only where the stage says so, as for sending);
 * 2. find the live challenge for the number and purpose; it must carry this challengeId. A
 *    made-up or stale challenge says nothing about the number: it counts against the caller's
 *    IP prefix only, so strangers cannot lock someone's number without ever receiving a code;
 * 3. refuse used, expired or exhausted challenges (expiry is checked here, not left to TTL);
 * 4. compare MACs in constant time; a wrong code counts against the challenge (3 burn it);
 *    every failure against a real challenge counts against the number (10 in 24 h lock its code
 *    login for an hour) and every failure against the IP prefix (30 an hour lock it for an hour),
 *    all with atomic updates.
 */
export async function checkCode(
  deps: AuthDeps,
  input: { challengeId: string; phone: string; code: string; purpose: OtpPurpose },
  caller: CodeCaller,
): Promise<CheckedCode> {
  const phone = requireMobile(input.phone);
  const phoneToken = deps.phoneToken(phone.e164);
  const now = deps.clock.now().getTime();
  const { otp } = deps.config;
  const ipKey = deps.config.exemptLoopback && isLoopback(caller.sourceIp) ? undefined : caller.ipPrefix;

  const [numberLock, ipLock, challenge] = await Promise.all([
    deps.challenges.getLock('sms-login', phoneToken),
    ipKey === undefined ? undefined : deps.challenges.getLock('verify-ip', ipKey),
    deps.challenges.getChallenge(phoneToken, input.purpose),
  ]);
  if (ipLock !== undefined && ipLock > now) {
    throw new AppError('rate_limited', { retryAfter: Math.ceil((ipLock - now) / 1000) });
  }
  if (numberLock !== undefined && numberLock > now) {
    throw new AppError('login_locked', { retryAfter: Math.ceil((numberLock - now) / 1000) });
  }

  const failed = (counted: { number: boolean }) =>
    countFailure(deps, { phoneToken: counted.number ? phoneToken : undefined, ipKey }, now);
  if (!challenge || challenge.challengeId !== input.challengeId) {
    await failed({ number: false });
    throw new AppError('otp_invalid');
  }
  const mac = codeMac(
    deps.otpPepper,
    { challengeId: challenge.challengeId, phoneToken, purpose: input.purpose },
    input.code,
  );
  if (challenge.consumed) {
    // The right code sent twice (a double tap, a parallel request) is not a guess; a wrong one is.
    if (!macsEqual(mac, challenge.codeMac)) await failed({ number: true });
    throw new AppError('otp_invalid');
  }
  // Every failed verify counts, whatever the reason: otherwise how many of a burst of guesses
  // count would depend on timing.
  if (now >= challenge.expiresAt) {
    await failed({ number: true });
    throw new AppError('otp_expired');
  }
  if (challenge.attempts >= otp.maxAttempts) {
    await failed({ number: true });
    throw new AppError('otp_exhausted');
  }

  if (!macsEqual(mac, challenge.codeMac)) {
    const outcome = await deps.challenges.recordWrongCode(challenge, otp.maxAttempts);
    await failed({ number: true });
    if (outcome === 'burned' || outcome.attemptsLeft === 0) throw new AppError('otp_exhausted');
    throw new AppError('otp_invalid', { extensions: { attemptsLeft: outcome.attemptsLeft } });
  }
  return { phone, phoneToken, challenge };
}

/** Uses the checked code up; false when another request used it first. */
export async function consumeCode(deps: AuthDeps, checked: CheckedCode): Promise<void> {
  const used = await deps.challenges.consumeChallenge(
    checked.challenge,
    deps.config.otp.maxAttempts,
    deps.clock.now().getTime(),
  );
  if (!used) throw new AppError('otp_invalid');
}

async function countFailure(
  deps: AuthDeps,
  against: { phoneToken: string | undefined; ipKey: string | undefined },
  now: number,
): Promise<void> {
  deps.metrics.count('CodeVerifyFailed');
  const { failedVerifies, failedVerifiesPerIp } = deps.config.limits;
  const { phoneToken, ipKey } = against;
  await Promise.all([
    phoneToken === undefined
      ? undefined
      : (async () => {
          const window = { scope: rateScopes.verifyFailNumber, key: phoneToken, ...failedVerifies };
          const hit = await deps.limiter.hit(window, now);
          await deps.audit.record({ event: 'login.code_failed', detail: { phoneToken } }, now);
          if (!hit.allowed || hit.count >= failedVerifies.max) {
            await deps.challenges.lock('sms-login', phoneToken, now + failedVerifies.lockSeconds * 1000);
            await deps.audit.record(
              { event: 'login.locked', detail: { phoneToken, lockSeconds: failedVerifies.lockSeconds } },
              now,
            );
          }
        })(),
    ipKey === undefined
      ? undefined
      : (async () => {
          const window = { scope: rateScopes.verifyFailIp, key: ipKey, ...failedVerifiesPerIp };
          const hit = await deps.limiter.hit(window, now);
          if (!hit.allowed || hit.count >= failedVerifiesPerIp.max) {
            // No audit entry names the prefix: it is access data, kept 30 days at most.
            await deps.challenges.lock('verify-ip', ipKey, now + failedVerifiesPerIp.lockSeconds * 1000);
            deps.metrics.count('VerifyIpLocked');
          }
        })(),
  ]);
}
