import { AppError } from '../core/errors';
import { logger } from '../core/logger';
import { rateScopes } from '../store/keys';
import { requireMobile } from './check-code';
import { newId } from './ids';
import { isLoopback } from './ip';
import { codeMac, generateCode, type OtpPurpose } from './otp';
import type { AuthDeps, RateWindowKey } from './ports';

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
 * 3. take the resend gate (one send per number per 60 s), then count the send in every window
 *    (number, IP prefix, global day) with conditional updates; a refused window gives back what
 *    this request took and answers 429 (or 503 when the global ceiling trips);
 * 4. when a number or IP window is nearly used up, require a captcha (and give back the counts);
 * 5. store the challenge (code only as an HMAC) and send the SMS, failing over between providers.
 */
export async function sendCode(deps: AuthDeps, input: SendCodeInput): Promise<SendCodeResult> {
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

  const gate = await deps.limiter.resendGate(phoneToken, input.purpose, otp.resendAfterSeconds, now);
  if (!gate.allowed) throw new AppError('otp_resend_too_soon', { retryAfter: gate.retryAfter });

  const numberWindows = (phone.virtualOperator ? limits.perVirtualNumber : limits.perNumber).map((w) => ({
    scope: rateScopes.smsNumber,
    key: phoneToken,
    ...w,
  }));
  const ipWindows = exempt
    ? []
    : limits.perIp.map((w) => ({ scope: rateScopes.smsIp, key: input.ipPrefix, ...w }));
  const globalWindow = {
    scope: rateScopes.smsGlobal,
    key: 'all',
    seconds: 86_400,
    max: limits.globalDailySends,
  };

  const taken: RateWindowKey[] = [];
  const giveBack = async () => {
    await Promise.all(taken.map((w) => deps.limiter.undo(w, now)));
    await deps.limiter.releaseResendGate(phoneToken, input.purpose);
  };
  let nearLimit = false;
  for (const window of [...numberWindows, ...ipWindows, globalWindow]) {
    const hit = await deps.limiter.hit(window, now);
    if (!hit.allowed) {
      await giveBack();
      if (window === globalWindow) {
        logger.warn('global SMS ceiling reached', { ceiling: limits.globalDailySends });
        throw new AppError('sms_unavailable', { retryAfter: hit.retryAfter });
      }
      throw new AppError('rate_limited', { retryAfter: hit.retryAfter });
    }
    taken.push(window);
    if (window !== globalWindow && window.max - hit.count < limits.captchaWhenRemaining) nearLimit = true;
  }
  if (nearLimit && !captchaPassed) {
    await giveBack();
    throw new AppError('captcha_required');
  }

  const challengeId = newId(deps.random);
  const code = generateCode(deps.random);
  await deps.challenges.putChallenge({
    challengeId,
    phoneToken,
    purpose: input.purpose,
    codeMac: codeMac(deps.otpPepper, { challengeId, phoneToken, purpose: input.purpose }, code),
    createdAt: now,
    expiresAt: now + otp.ttlSeconds * 1000,
    attempts: 0,
    consumed: false,
  });
  try {
    await deps.sms.send({ phone: phone.e164, code, ttlMinutes: Math.round(otp.ttlSeconds / 60) });
  } catch (cause) {
    // The number may ask again at once; the counts stay, since a provider may have tried to deliver.
    await deps.limiter.releaseResendGate(phoneToken, input.purpose);
    throw new AppError('sms_unavailable', { cause, retryAfter: 30 });
  }
  deps.metrics.count('SmsSent');
  return { challengeId, expiresIn: otp.ttlSeconds, resendAfter: otp.resendAfterSeconds };
}
