import * as z from 'zod/mini';
import { nextCursor } from '../core/pagination';
import {
  id22,
  int32,
  isoTime,
  jsonObject,
  list,
  masked,
  meta,
  phoneInput,
  policyVersion,
  sixDigits,
  text,
  threeParts,
  url,
} from '../core/schema-parts';

const challengeId = id22().check(meta({ description: 'From POST /v1/auth/sms/send' }));
const phone = phoneInput().check(
  meta({ description: 'Mainland mobile number, any common spelling', example: '138 0013 8000' }),
);
const code = sixDigits().check(meta({ description: 'The six-digit code from the SMS' }));

export const sendSmsBody = z
  .strictObject({
    phone,
    purpose: z.enum(['login', 'bind', 'step_up', 'privacy_request']).check(
      meta({
        description: '`privacy_request`: verifies the contact of a rights request made without logging in',
      }),
    ),
    captchaTicket: z.optional(
      text(2048, { min: 1 }).check(meta({ description: 'Tencent Captcha `<ticket>:<randstr>`' })),
    ),
    bindToken: z.optional(
      text(128, { min: 20 }).check(
        meta({ description: 'Required with purpose `bind` (from a third-party login)' }),
      ),
    ),
  })
  .check(meta({ id: 'SendSmsRequest' }));

export const sendSmsResponse = z
  .object({ challengeId: id22(), expiresIn: int32(1, 3600), resendAfter: int32(0, 3600) })
  .check(meta({ id: 'SendSmsResponse' }));

export const verifySmsBody = z
  .strictObject({
    challengeId,
    phone,
    code,
    acceptPolicyVersion: z.optional(
      policyVersion().check(meta({ description: 'Required to register a new number' })),
    ),
  })
  .check(meta({ id: 'VerifySmsRequest' }));

const tokenFields = {
  accessToken: threeParts(4096),
  refreshToken: threeParts(256),
  tokenType: z.literal('Bearer'),
  expiresIn: int32(1, 86_400),
};

export const tokenResponse = z.object(tokenFields).check(meta({ id: 'TokenPair' }));

export const loginResponse = z
  .object({
    ...tokenFields,
    user: z.object({ id: id22(), isNew: z.boolean(), phoneMasked: masked(), realNameVerified: z.boolean() }),
  })
  .check(meta({ id: 'LoginResponse' }));

export const refreshBody = z
  .strictObject({ refreshToken: text(512, { min: 1 }) })
  .check(meta({ id: 'RefreshRequest' }));

export const meResponse = z
  .object({
    id: id22(),
    phoneMasked: masked(),
    realNameVerified: z.boolean(),
    createdAt: isoTime(),
    phoneRecovery: z
      .nullable(z.object({ dueAt: isoTime(), phoneMasked: masked() }))
      .check(meta({ description: 'A pending move to another number (any session may cancel it)' })),
    policy: z
      .object({
        current: policyVersion(),
        publishedAt: text(32),
        textUrl: url(512),
        accepted: z.nullable(policyVersion()),
        reconsentRequired: z.boolean(),
        newerVersionAvailable: z.boolean(),
      })
      .check(meta({ description: 'The current privacy policy and what this account last accepted' })),
  })
  .check(meta({ id: 'Me' }));

export const sessionsResponse = z
  .object({
    next: nextCursor(),
    sessions: list(
      z.object({
        id: id22(),
        current: z.boolean(),
        createdAt: isoTime(),
        lastUsedAt: isoTime(),
        amr: list(text(32, { pattern: /^[a-z_]+$/ }), 8),
        ipPrefix: text(64).check(
          meta({ description: 'The /24 (IPv4) or /64 (IPv6) the session signed in from' }),
        ),
        userAgent: text(256),
      }),
      1000,
    ),
  })
  .check(meta({ id: 'Sessions' }));

export const sessionParams = z.strictObject({ sessionId: id22() });

const newPhone = z
  .strictObject({ challengeId, phone, code })
  .check(
    meta({ description: 'A step-up code sent to the new number (POST /v1/auth/sms/send, purpose step_up)' }),
  );

export const changePhoneBody = z
  .strictObject({
    currentPhone: z
      .strictObject({ challengeId, code })
      .check(meta({ description: "A step-up code sent to the account's current number" })),
    newPhone,
  })
  .check(meta({ id: 'ChangePhoneRequest' }));

export const phoneRecoveryBody = z
  .strictObject({
    name: text(64, { min: 1 }).check(meta({ description: 'The verified name, as on the ID document' })),
    idType: z.enum(['resident', 'hk_mo_tw_permit', 'foreign_permanent']),
    idNumber: text(24, { min: 15 }),
    newPhone,
    currentPhone: z.optional(
      z.strictObject({ challengeId, code }).check(
        meta({
          description:
            "A step-up code sent to the account's current number: needed only within 7 days of a cancelled recovery",
        }),
      ),
    ),
  })
  .check(meta({ id: 'PhoneRecoveryRequest' }));

export const phoneRecoveryResponse = z
  .object({ recoveryId: id22(), dueAt: isoTime(), phoneMasked: masked() })
  .check(meta({ id: 'PhoneRecovery' }));

export const changePhoneResponse = z
  .object({ phoneMasked: masked(), sessionsRevoked: int32(0, 10_000) })
  .check(meta({ id: 'ChangePhoneResponse' }));

export const jwksResponse = z.object({ keys: list(jsonObject(), 10) }).check(meta({ id: 'JsonWebKeySet' }));
