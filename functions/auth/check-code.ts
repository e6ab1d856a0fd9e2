import { AppError } from '../core/errors';
import { rateScopes } from '../store/keys';
import { isLoopback } from './ip';
import { codeMac, macsEqual, type OtpPurpose } from './otp';
import { type MainlandMobile, parseMainlandMobile } from './phone-rules';
import type { AuthDeps, Challenge, CodeDeps, CodeUse, WrongCodeOutcome } from './ports';

export interface CheckedCode {
  readonly phone: MainlandMobile;
  readonly phoneToken: string;
  readonly challenge: Challenge;
  /** The account the number belongs to, as read with the challenge. */
  readonly accountId: string | undefined;
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
 * refuse (policy not accepted) and leave the code valid for the retry; the change the code allows
 * uses it up in its own transaction (`use`).
 * 1. read, at once, the number's partition (its account, challenge and the caller network's lock
 *    on it) and the caller's IP prefix lock; refuse while either is locked (loopback exempt from
 *    the prefix lock only where the stage says so);
 * 2. the live challenge must carry this challengeId. A made-up or stale challenge says nothing
 *    about the number: it counts against the caller's IP prefix only, so strangers cannot lock
 *    someone's number without ever receiving a code;
 * 3. refuse used, expired or exhausted challenges (expiry is checked here, not left to TTL);
 * 4. compare MACs in constant time; a wrong code counts against the challenge (3 burn it), and
 *    every failure against a real challenge counts against (number, caller's network) (10 in 24 h
 *    lock the number's code login from that network for an hour), against the number from every
 *    network (5 in 24 h and new codes for it need a captcha) and against the IP prefix (30 an hour
 *    lock it for an hour), all with atomic updates. Nothing a stranger does elsewhere refuses the
 *    owner's right code: their guesses lock their own network and burn only the challenges they
 *    triggered.
 */
export async function checkCode(
  deps: CodeDeps,
  input: { challengeId: string; phone: string; code: string; purpose: OtpPurpose },
  caller: CodeCaller,
): Promise<CheckedCode> {
  const phone = requireMobile(input.phone);
  const phoneToken = deps.phoneToken(phone.e164);
  const now = deps.clock.now().getTime();
  const { otp } = deps.config;
  const ipKey = deps.config.exemptLoopback && isLoopback(caller.sourceIp) ? undefined : caller.ipPrefix;
  const network = caller.ipPrefix;

  const [number, ipLock] = await Promise.all([
    deps.challenges.numberState(phoneToken, input.purpose, network),
    ipKey === undefined ? undefined : deps.challenges.ipLock(ipKey),
  ]);
  if (ipLock !== undefined && ipLock > now) {
    throw new AppError('rate_limited', { retryAfter: Math.ceil((ipLock - now) / 1000) });
  }
  if (number.lockedUntil !== undefined && number.lockedUntil > now) {
    throw new AppError('login_locked', { retryAfter: Math.ceil((number.lockedUntil - now) / 1000) });
  }

  const { challenge } = number;
  const failed = (counted: { number: boolean }, wrongCode?: Challenge) =>
    countFailure(
      deps,
      { phoneToken: counted.number ? phoneToken : undefined, network, ipKey, wrongCode },
      now,
    );
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
    const outcome = await failed({ number: true }, challenge);
    if (outcome === 'burned' || outcome?.attemptsLeft === 0) throw new AppError('otp_exhausted');
    throw new AppError('otp_invalid', {
      extensions: { attemptsLeft: outcome?.attemptsLeft ?? 0 },
    });
  }
  return { phone, phoneToken, challenge, accountId: number.accountId };
}

/** The use of a checked code, for the transaction of the change it allows. */
export function codeUse(deps: Pick<AuthDeps, 'config' | 'clock'>, checked: CheckedCode): CodeUse {
  return {
    challenge: checked.challenge,
    maxAttempts: deps.config.otp.maxAttempts,
    now: deps.clock.now().getTime(),
  };
}

/** Uses the checked code up on its own (flows whose change is not a store write of this feature). */
export async function consumeCode(deps: CodeDeps, checked: CheckedCode): Promise<void> {
  if (!(await deps.challenges.consumeChallenge(codeUse(deps, checked)))) throw new AppError('otp_invalid');
}

/** Failures against a number from every network: past the window's max, new codes need a captcha. */
export function numberUnderAttackWindow(deps: Pick<AuthDeps, 'config'>, phoneToken: string) {
  return {
    scope: rateScopes.verifyFailNumberAll,
    key: phoneToken,
    ...deps.config.limits.captchaAfterFailedVerifies,
  };
}

/**
 * Counts a failed verify: against the challenge (a wrong code), (number, network), the number
 * alone and the caller's IP prefix, in parallel. The wrong code and its audit entry commit
 * together; a (number, network) or prefix past its limit is locked (the number's lock with its
 * own audit entry).
 */
async function countFailure(
  deps: CodeDeps,
  against: {
    phoneToken: string | undefined;
    network: string;
    ipKey: string | undefined;
    wrongCode?: Challenge | undefined;
  },
  now: number,
): Promise<WrongCodeOutcome | undefined> {
  deps.metrics.count('CodeVerifyFailed');
  const { failedVerifies, failedVerifiesPerIp } = deps.config.limits;
  const { phoneToken, network, ipKey, wrongCode } = against;
  const [outcome] = await Promise.all([
    wrongCode === undefined || phoneToken === undefined
      ? undefined
      : deps.challenges.recordWrongCode(wrongCode, deps.config.otp.maxAttempts, {
          event: 'login.code_failed',
          detail: { phoneToken },
          at: now,
        }),
    phoneToken === undefined ? undefined : deps.limiter.hit(numberUnderAttackWindow(deps, phoneToken), now),
    phoneToken === undefined
      ? undefined
      : (async () => {
          const window = {
            scope: rateScopes.verifyFailNumber,
            key: phoneToken,
            subKey: network,
            ...failedVerifies,
          };
          const hit = await deps.limiter.hit(window, now);
          if (wrongCode === undefined) {
            await deps.audit.record({ event: 'login.code_failed', detail: { phoneToken }, at: now });
          }
          if (!hit.allowed || hit.count >= failedVerifies.max) {
            await deps.challenges.lockNumber(phoneToken, network, now + failedVerifies.lockSeconds * 1000, {
              event: 'login.locked',
              detail: { phoneToken, lockSeconds: failedVerifies.lockSeconds, scope: 'network' },
              at: now,
            });
          }
        })(),
    ipKey === undefined
      ? undefined
      : (async () => {
          const window = { scope: rateScopes.verifyFailIp, key: ipKey, ...failedVerifiesPerIp };
          const hit = await deps.limiter.hit(window, now);
          if (!hit.allowed || hit.count >= failedVerifiesPerIp.max) {
            // No audit entry names the prefix: it is access data, kept 30 days at most.
            await deps.challenges.lockIp(ipKey, now + failedVerifiesPerIp.lockSeconds * 1000);
            deps.metrics.count('VerifyIpLocked');
          }
        })(),
  ]);
  return outcome;
}
