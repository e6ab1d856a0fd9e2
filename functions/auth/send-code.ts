import { AppError } from '../core/errors';
import { logger } from '../core/logger';
import { rateScopes } from '../store/keys';
import { numberUnderAttackWindow, requireMobile } from './check-code';
import { newId } from './ids';
import { isLoopback } from './ip';
import { codeMac, generateCode, type OtpPurpose } from './otp';
import type { CodeDeps, HitOutcome } from './ports';
import { hitAll, shardedDailyWindow } from './rate-windows';

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
 * 2. verify a captcha ticket if one came; virtual-operator numbers always need one;
 * 3. a number whose code login is locked from the caller's network gets no code (429 with
 *    Retry-After: it could not be used); a number under attack (many failed codes from anywhere
 *    today) needs a captcha, so its owner can still log in while a script cannot keep asking;
 * 4. store the challenge (code only as an HMAC) unless the number's last one for this purpose is
 *    younger than the resend gate (429): of parallel sends for a number one gets past here;
 * 5. count the send in every window (number, IP prefix, one of the day's global counters) with
 *    conditional updates, all at once; a refused window gives back what the others took and the
 *    number's previous challenge, and answers 429 (or 503 when the global ceiling trips);
 * 6. when a number or IP window is nearly used up, require a captcha (and give back the same);
 * 7. send the SMS, failing over between providers; if none takes it, withdraw the challenge.
 * Three round trips to the table whatever the number of windows.
 */
export async function sendCode(deps: CodeDeps, input: SendCodeInput): Promise<SendCodeResult> {
  const phone = requireMobile(input.phone);
  const phoneToken = deps.phoneToken(phone.e164);
  const now = deps.clock.now().getTime();
  const { otp, limits } = deps.config;
  const exempt = deps.config.exemptLoopback && isLoopback(input.sourceIp);

  let captchaPassed = exempt;
  if (!exempt && input.captchaTicket) {
    if (!(await deps.captcha.verify(input.captchaTicket, input.sourceIp)))
      throw new AppError('captcha_invalid');
    captchaPassed = true;
  }
  if (phone.virtualOperator && !captchaPassed) throw new AppError('captcha_required');

  const [lockedUntil, attack] = await Promise.all([
    deps.challenges.networkLock(phoneToken, input.ipPrefix),
    deps.limiter.peek(numberUnderAttackWindow(deps, phoneToken), now),
  ]);
  if (lockedUntil !== undefined && lockedUntil > now) {
    throw new AppError('login_locked', { retryAfter: Math.ceil((lockedUntil - now) / 1000) });
  }
  if (!attack.allowed && !captchaPassed) throw new AppError('captcha_required');

  const numberWindows = (phone.virtualOperator ? limits.perVirtualNumber : limits.perNumber).map((w) => ({
    scope: rateScopes.smsNumber,
    key: phoneToken,
    ...w,
  }));
  const ipWindows = exempt
    ? []
    : limits.perIp.map((w) => ({ scope: rateScopes.smsIp, key: input.ipPrefix, ...w }));
  const globalWindow = shardedDailyWindow(
    rateScopes.smsGlobal,
    limits.globalDailySends,
    limits.globalCounterShards,
    deps.random,
  );

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

  const windows = [...numberWindows, ...ipWindows, globalWindow];
  const counted = await hitAll(deps.limiter, windows, now);
  const { hits } = counted;
  const giveBack = () =>
    Promise.all([counted.giveBack(), deps.challenges.withdrawChallenge(challenge, stored.previous)]);
  if (counted.refused) {
    await giveBack();
    const { retryAfter } = counted.refused;
    if (counted.refused.window === globalWindow) {
      logger.warn('global SMS ceiling reached', { ceiling: limits.globalDailySends });
      throw new AppError('sms_unavailable', { retryAfter });
    }
    throw new AppError('rate_limited', { retryAfter });
  }
  const nearLimit = windows.some(
    (window, i) =>
      window !== globalWindow &&
      window.max - (hits[i] as Extract<HitOutcome, { allowed: true }>).count < limits.captchaWhenRemaining,
  );
  if (nearLimit && !captchaPassed) {
    await giveBack();
    throw new AppError('captcha_required');
  }

  try {
    await deps.sms.send({ phone: phone.e164, code, ttlMinutes: Math.round(otp.ttlSeconds / 60) });
  } catch (cause) {
    // The number may ask again at once (its earlier code, if any, works again); the counts stay,
    // since a provider may have tried to deliver.
    await deps.challenges.withdrawChallenge(challenge, stored.previous);
    throw new AppError('sms_unavailable', { cause, retryAfter: 30 });
  }
  deps.metrics.count('SmsSent');
  return { challengeId, expiresIn: otp.ttlSeconds, resendAfter: otp.resendAfterSeconds };
}
