import { AppError } from '../core/errors';
import { isLoopback } from '../kernel/network';
import { type MainlandMobile, requireMobile } from '../kernel/person/phone-rules';
import { rateScopes } from '../store/keys';
import { countSignal } from './escalation';
import { codeMac, macsEqual, type OtpPurpose } from './otp';
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

/**
 * Checks a code against the number's live challenge without using it up, so a caller can still
 * refuse (policy not accepted) and leave the code valid for the retry; the change the code allows
 * uses it up in its own transaction (`use`).
 * 1. read the number's partition (its account and challenge);
 * 2. the live challenge must carry this challengeId. A made-up or stale challenge says nothing
 *    about the number: it counts against the caller's network only;
 * 3. refuse used, expired or exhausted challenges (expiry is checked here, not left to TTL);
 * 4. compare MACs in constant time; a wrong code counts against the challenge (3 burn it), and
 *    every failure against a real challenge counts against the number from every network, with
 *    atomic updates. Guessing is bounded by each challenge's attempts and the number's sends a
 *    day (30 guesses at a million codes); the counts only raise the bar for new codes (a captcha
 *    for the number, for the network). Nothing anyone else does refuses the owner's right code:
 *    there is no lock on a number or a network for a stranger to set.
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
  const network = deps.config.exemptLoopback && isLoopback(caller.sourceIp) ? undefined : caller.ipPrefix;

  const number = await deps.challenges.numberState(phoneToken, input.purpose);
  const { challenge } = number;
  const failed = (counted: { number: boolean }, wrongCode?: Challenge) =>
    countFailure(deps, { phoneToken: counted.number ? phoneToken : undefined, network, wrongCode }, now);
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

/** Failures against a number from every network: past its thresholds new codes need a captcha. */
export function numberUnderAttack(deps: Pick<AuthDeps, 'config'>, phoneToken: string) {
  return {
    scope: rateScopes.verifyFailNumberAll,
    key: phoneToken,
    window: deps.config.limits.failedVerifiesPerNumber,
  };
}

/**
 * Counts a failed verify: against the challenge (a wrong code, with its audit entry in one
 * transaction), the number from every network and the caller's network, in parallel. Counts
 * only: they raise the bar for new codes and feed the `CodeVerifyFailed` metric.
 */
async function countFailure(
  deps: CodeDeps,
  against: { phoneToken: string | undefined; network: string | undefined; wrongCode?: Challenge | undefined },
  now: number,
): Promise<WrongCodeOutcome | undefined> {
  deps.metrics.count('CodeVerifyFailed');
  const { phoneToken, network, wrongCode } = against;
  const audit = (token: string) => ({
    event: 'login.code_failed' as const,
    detail: { phoneToken: token },
    at: now,
  });
  const [outcome] = await Promise.all([
    phoneToken === undefined
      ? undefined
      : wrongCode === undefined
        ? deps.audit.record(audit(phoneToken)).then(() => undefined)
        : deps.challenges.recordWrongCode(wrongCode, deps.config.otp.maxAttempts, audit(phoneToken)),
    phoneToken === undefined
      ? undefined
      : countSignal(deps.limiter, numberUnderAttack(deps, phoneToken), now),
    // No audit entry names the network: it is access data, kept 30 days at most.
    network === undefined
      ? undefined
      : countSignal(
          deps.limiter,
          {
            scope: rateScopes.verifyFailNetwork,
            key: network,
            window: deps.config.limits.failedVerifiesPerNetwork,
          },
          now,
        ),
  ]);
  return outcome;
}
