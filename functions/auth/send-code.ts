import type { SendPool } from '../core/config';
import { AppError } from '../core/errors';
import { logger } from '../core/logger';
import { newId } from '../kernel/ids';
import { isLoopback } from '../kernel/network';
import { requireMobile } from '../kernel/person/phone-rules';
import type { HitOutcome } from '../kernel/rate/ports';
import { hitAll, shardedDailyWindow } from '../kernel/rate/rate-windows';
import { rateScopes } from '../store/keys';
import { numberUnderAttack } from './check-code';
import { type CaptchaLevel, captchaLevelName, countSignal, escalation } from './escalation';
import { codeMac, generateCode, type OtpPurpose } from './otp';
import type { CodeDeps } from './ports';

export interface SendCodeInput {
  readonly phone: string;
  readonly purpose: OtpPurpose;
  readonly captchaTicket?: string | undefined;
  readonly sourceIp: string;
  readonly ipPrefix: string;
}

export interface SendCodeResult {
  readonly challengeId: string;
  readonly expiresIn: number;
  readonly resendAfter: number;
}

/**
 * Sends a one-time code. The answer is the same whether or not the number has an account.
 * 1. validate the number (mainland mobile, allocated prefix);
 * 2. read at once whether the number has an account and the signals that raise the bar: failed
 *    codes against the number from anywhere, and the caller's network's sends and failed codes.
 *    Past their first thresholds a send needs a captcha, past the second the hard captcha;
 *    virtual-operator numbers always need one. Signals never refuse: a crowd behind one address
 *    solves captchas and gets its codes;
 * 3. verify the ticket (a harder one passes an easier demand);
 * 4. store the challenge (code only as an HMAC) unless the number's last one for this purpose is
 *    younger than the resend gate (429): of parallel sends for a number one gets past here;
 * 5. count the send, all at once: the number's windows (the only hard limits, 429), the network's
 *    signals, and one counter of the day's share it draws on — numbers with an account their
 *    reserve, captcha-passed sends theirs, the rest the smallest. A full share without a captcha
 *    asks for one; the captcha share full is the ceiling (503). A refusal gives back what the
 *    others took and the number's previous challenge;
 * 6. when a number window is nearly used up, require a captcha (and give back the same);
 * 7. send the SMS, failing over between providers; if none takes it, withdraw the challenge.
 * Three round trips to the table whatever the number of windows (a fourth when a full reserve
 * sends a known number's captcha-passed send to the captcha share).
 */
export async function sendCode(deps: CodeDeps, input: SendCodeInput): Promise<SendCodeResult> {
  const phone = requireMobile(input.phone);
  const phoneToken = deps.phoneToken(phone.e164);
  const now = deps.clock.now().getTime();
  const { otp, limits } = deps.config;
  const exempt = deps.config.exemptLoopback && isLoopback(input.sourceIp);
  const network = input.ipPrefix;

  const networkSignals = limits.perNetwork.map((window) => ({
    scope: rateScopes.smsNetwork,
    key: network,
    window,
  }));
  const [state, signalled] = await Promise.all([
    deps.challenges.numberState(phoneToken, input.purpose),
    escalation(
      deps.limiter,
      [
        numberUnderAttack(deps, phoneToken),
        ...(exempt
          ? []
          : [
              ...networkSignals,
              { scope: rateScopes.verifyFailNetwork, key: network, window: limits.failedVerifiesPerNetwork },
            ]),
      ],
      now,
    ),
  ]);
  const level: CaptchaLevel = exempt
    ? 0
    : (Math.max(signalled, phone.virtualOperator ? 1 : 0) as CaptchaLevel);
  const demand = (required: CaptchaLevel) => {
    deps.metrics.count(required === 2 ? 'CaptchaDemandedHard' : 'CaptchaDemanded');
    return captchaRequired(deps, required === 2 ? 2 : 1);
  };

  let captchaPassed = exempt;
  if (!exempt && input.captchaTicket) {
    const asked = captchaLevelName[level === 2 ? 2 : 1];
    if (!(await deps.captcha.verify(input.captchaTicket, input.sourceIp, asked))) {
      // A standard ticket where the hard one is due is not a failure: ask for the hard one.
      if (level === 2) throw demand(2);
      throw new AppError('captcha_invalid');
    }
    captchaPassed = true;
  }
  if (level > 0 && !captchaPassed) throw demand(level);

  const numberWindows = (phone.virtualOperator ? limits.perVirtualNumber : limits.perNumber).map((w) => ({
    scope: rateScopes.smsNumber,
    key: phoneToken,
    ...w,
  }));
  const pool: SendPool = state.accountId !== undefined ? 'known' : captchaPassed ? 'captcha' : 'open';

  const challengeId = newId(deps.random);
  const code = generateCode(deps.random);
  const challenge = {
    challengeId,
    phoneToken,
    purpose: input.purpose,
    codeMac: codeMac(deps.otpPepper, { challengeId, phoneToken, purpose: input.purpose }, code),
    createdAt: now,
    expiresAt: now + otp.ttlSeconds * 1000,
    attempts: 0,
    consumed: false,
  };
  const stored = await deps.challenges.putChallenge(challenge, otp.resendAfterSeconds * 1000);
  if (!stored) throw new AppError('otp_resend_too_soon', { retryAfter: otp.resendAfterSeconds });
  const withdraw = () => deps.challenges.withdrawChallenge(challenge, stored.previous);

  const share = ceilingShare(deps, pool);
  const [counted] = await Promise.all([
    hitAll(deps.limiter, [...numberWindows, share], now),
    ...(exempt ? [] : networkSignals.map((signal) => countSignal(deps.limiter, signal, now))),
  ]);
  if (counted.refused && counted.refused.window !== share) {
    await Promise.all([counted.giveBack(), withdraw()]);
    throw new AppError('rate_limited', { retryAfter: counted.refused.retryAfter });
  }
  if (counted.refused) {
    // The share this send drew on is full: a known number's captcha-passed send may still use the
    // captcha share; without a captcha, one is asked for; the captcha share full is the ceiling.
    const fallback =
      pool === 'known' && captchaPassed
        ? await deps.limiter.hit(ceilingShare(deps, 'captcha'), now)
        : undefined;
    if (!fallback?.allowed) {
      await Promise.all([counted.giveBack(), withdraw()]);
      if (!captchaPassed) throw demand(1);
      logger.warn('global SMS ceiling reached', { ceiling: limits.global.dailySends, pool });
      throw new AppError('sms_unavailable', { retryAfter: counted.refused.retryAfter });
    }
  }
  const nearLimit = numberWindows.some((window, i) => {
    const hit = counted.hits[i] as Extract<HitOutcome, { allowed: true }>;
    return window.max - hit.count < limits.captchaWhenRemaining;
  });
  if (nearLimit && !captchaPassed) {
    await Promise.all([counted.giveBack(), withdraw()]);
    throw demand(1);
  }

  try {
    await deps.sms.send({ phone: phone.e164, code, ttlMinutes: Math.round(otp.ttlSeconds / 60) });
  } catch (cause) {
    // The number may ask again at once (its earlier code, if any, works again); the counts stay,
    // since a provider may have tried to deliver.
    await withdraw();
    throw new AppError('sms_unavailable', { cause, retryAfter: 30 });
  }
  deps.metrics.count('SmsSent');
  return { challengeId, expiresIn: otp.ttlSeconds, resendAfter: otp.resendAfterSeconds };
}

/** One counter of the day's share a send draws on (see AuthConfig.limits.global). */
function ceilingShare(deps: Pick<CodeDeps, 'config' | 'random'>, pool: SendPool) {
  const { global } = deps.config.limits;
  return shardedDailyWindow(
    `${rateScopes.smsGlobal}-${pool}`,
    Math.floor(global.dailySends * global.shares[pool]),
    global.counterShards,
    deps.random,
  );
}

/** 400 `captcha_required`, naming the captcha to show (its CaptchaAppId and level). */
function captchaRequired(deps: Pick<CodeDeps, 'config'>, level: 1 | 2): AppError {
  const { captcha } = deps.config;
  return new AppError('captcha_required', {
    extensions: {
      captchaLevel: captchaLevelName[level],
      captchaAppId: String(level === 2 ? captcha.hardAppId : captcha.appId),
    },
  });
}
