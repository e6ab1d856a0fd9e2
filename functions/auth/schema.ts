import { z } from 'zod';
import {
  id22,
  int32,
  isoTime,
  jsonObject,
  list,
  masked,
  policyVersion,
  sixDigits,
  text,
} from '../core/schema-parts';

const challengeId = id22().meta({ description: 'From POST /v1/auth/sms/send' });
const phone = z
  .string()
  .min(11)
  .max(24)
  .meta({ description: 'Mainland mobile number, any common spelling', example: '138 0013 8000' });
const code = sixDigits().meta({ description: 'The six-digit code from the SMS' });

export const sendSmsBody = z
  .strictObject({
    phone,
    purpose: z.enum(['login', 'bind', 'step_up', 'privacy_request']).meta({
      description: '`privacy_request`: verifies the contact of a rights request made without logging in',
    }),
    captchaTicket: z
      .string()
      .min(1)
      .max(2048)
      .optional()
      .meta({ description: 'Tencent Captcha `<ticket>:<randstr>`' }),
    bindToken: z
      .string()
      .min(20)
      .max(128)
      .optional()
      .meta({ description: 'Required with purpose `bind` (from a third-party login)' }),
  })
  .meta({ id: 'SendSmsRequest' });

export const sendSmsResponse = z
  .object({ challengeId: id22(), expiresIn: int32(1, 3600), resendAfter: int32(0, 3600) })
  .meta({ id: 'SendSmsResponse' });

export const verifySmsBody = z
  .strictObject({
    challengeId,
    phone,
    code,
    acceptPolicyVersion: policyVersion()
      .optional()
      .meta({ description: 'Required to register a new number' }),
  })
  .meta({ id: 'VerifySmsRequest' });

const tokenFields = {
  accessToken: text(4096).regex(/^[\w-]+\.[\w-]+\.[\w-]+$/),
  refreshToken: text(256).regex(/^[\w-]+\.[\w-]+\.[\w-]+$/),
  tokenType: z.literal('Bearer'),
  expiresIn: int32(1, 86_400),
};

export const tokenResponse = z.object(tokenFields).meta({ id: 'TokenPair' });

export const loginResponse = z
  .object({
    ...tokenFields,
    user: z.object({
      id: id22(),
      isNew: z.boolean(),
      phoneMasked: masked(),
      realNameVerified: z.boolean(),
    }),
  })
  .meta({ id: 'LoginResponse' });

export const refreshBody = z
  .strictObject({ refreshToken: z.string().min(1).max(512) })
  .meta({ id: 'RefreshRequest' });

export const meResponse = z
  .object({
    id: id22(),
    phoneMasked: masked(),
    realNameVerified: z.boolean(),
    createdAt: isoTime(),
    phoneRecovery: z
      .object({ dueAt: isoTime(), phoneMasked: masked() })
      .nullable()
      .meta({ description: 'A pending move to another number (any session may cancel it)' }),
    policy: z
      .object({
        current: policyVersion(),
        publishedAt: text(32),
        textUrl: z.url().max(512),
        accepted: policyVersion().nullable(),
        reconsentRequired: z.boolean(),
        newerVersionAvailable: z.boolean(),
      })
      .meta({ description: 'The current privacy policy and what this account last accepted' }),
  })
  .meta({ id: 'Me' });

export const sessionsResponse = z
  .object({
    sessions: list(
      z.object({
        id: id22(),
        current: z.boolean(),
        createdAt: isoTime(),
        lastUsedAt: isoTime(),
        amr: list(text(32).regex(/^[a-z_]+$/), 8),
        ipPrefix: text(64).meta({ description: 'The /24 (IPv4) or /64 (IPv6) the session signed in from' }),
        userAgent: text(256),
      }),
      1000,
    ),
  })
  .meta({ id: 'Sessions' });

export const sessionParams = z.strictObject({ sessionId: id22() });

const newPhone = z
  .strictObject({ challengeId, phone, code })
  .meta({ description: 'A step-up code sent to the new number (POST /v1/auth/sms/send, purpose step_up)' });

export const changePhoneBody = z
  .strictObject({
    currentPhone: z
      .strictObject({ challengeId, code })
      .meta({ description: "A step-up code sent to the account's current number" }),
    newPhone,
  })
  .meta({ id: 'ChangePhoneRequest' });

export const phoneRecoveryBody = z
  .strictObject({
    name: z.string().min(1).max(64).meta({ description: 'The verified name, as on the ID document' }),
    idType: z.enum(['resident', 'hk_mo_tw_permit', 'foreign_permanent']),
    idNumber: z.string().min(15).max(24),
    newPhone,
  })
  .meta({ id: 'PhoneRecoveryRequest' });

export const phoneRecoveryResponse = z
  .object({ recoveryId: id22(), dueAt: isoTime(), phoneMasked: masked() })
  .meta({ id: 'PhoneRecovery' });

export const changePhoneResponse = z
  .object({ phoneMasked: masked(), sessionsRevoked: int32(0, 10_000) })
  .meta({ id: 'ChangePhoneResponse' });

export const jwksResponse = z.object({ keys: list(jsonObject(), 10) }).meta({ id: 'JsonWebKeySet' });
