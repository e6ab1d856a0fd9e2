import type { ProblemCode } from './messages';
import type { Touches } from './route';

/** What route functions touch, by kind of work (CDK turns a group's union into its IAM grants). */

/** Login routes read and write the table, seal and open phones, use the app secret and sign tokens. */
export const loginTouches: Touches = {
  table: 'readwrite',
  dataKey: 'both',
  appSecret: true,
  signingKey: 'sign',
};
/** Routes that send SMS (codes, notices) also read the SMS and captcha provider credentials. */
export const sendingTouches: Touches = { ...loginTouches, providers: true };
/** Third-party login also reads the OAuth app secrets (provider credentials). */
export const oauthTouches: Touches = { ...loginTouches, providers: true };
/** Cards seal and open patient data, use blind indexes, call the HIS (its secret) and queue retries. */
export const cardTouches: Touches = {
  table: 'readwrite',
  dataKey: 'both',
  appSecret: true,
  providers: true,
  queue: true,
  events: true,
};
/**
 * Hospital routes read cards (opening them), use blind indexes, sign hospital tokens, count token
 * requests. `both`: the first token of an epoch may fall to this function, which then makes and
 * seals the epoch's signing key.
 */
export const hospitalTouches: Touches = {
  table: 'readwrite',
  dataKey: 'both',
  appSecret: true,
  signingKey: 'sign',
};

/** What presenting a one-time code can answer (checkCode). */
/** What sending a one-time code can answer besides a bad number: captcha, resend gate, limits, provider. */
export const sendProblems = [
  'captcha_required',
  'captcha_invalid',
  'otp_resend_too_soon',
  'rate_limited',
  'sms_unavailable',
] as const satisfies readonly ProblemCode[];

export const codeProblems = [
  'phone_invalid',
  'otp_invalid',
  'otp_expired',
  'otp_exhausted',
] as const satisfies readonly ProblemCode[];
