import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Random } from '../kernel/random';

export const otpPurposes = ['login', 'bind', 'step_up', 'privacy_request', 'card_proof'] as const;
export type OtpPurpose = (typeof otpPurposes)[number];

/** Six digits, every value equally likely (including 000000 and 999999). */
export function generateCode(random: Random): string {
  return String(random.int(0, 1_000_000)).padStart(6, '0');
}

/**
 * What is stored instead of the code: an HMAC under the pepper over the code and everything it is
 * bound to. The same code for another challenge, number or purpose gives a different MAC.
 */
export function codeMac(
  pepper: Uint8Array,
  binding: { challengeId: string; phoneToken: string; purpose: OtpPurpose },
  code: string,
): string {
  return createHmac('sha256', pepper)
    .update(['otp-v1', binding.challengeId, binding.phoneToken, binding.purpose, code].join('\u0000'))
    .digest('base64url');
}

export function macsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
