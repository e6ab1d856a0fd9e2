import { z } from 'zod';

const challengeId = z
  .string()
  .regex(/^[\w-]{22}$/)
  .meta({ description: 'From POST /v1/auth/sms/send' });
const phone = z
  .string()
  .min(11)
  .max(24)
  .meta({ description: 'Mainland mobile number, any common spelling', example: '138 0013 8000' });
const code = z
  .string()
  .regex(/^\d{6}$/)
  .meta({ description: 'The six-digit code from the SMS' });

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
  .object({ challengeId: z.string(), expiresIn: z.number().int(), resendAfter: z.number().int() })
  .meta({ id: 'SendSmsResponse' });

export const verifySmsBody = z
  .strictObject({
    challengeId,
    phone,
    code,
    acceptPolicyVersion: z
      .string()
      .min(1)
      .max(32)
      .optional()
      .meta({ description: 'Required to register a new number' }),
  })
  .meta({ id: 'VerifySmsRequest' });

const tokenFields = {
  accessToken: z.string(),
  refreshToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int(),
};

export const tokenResponse = z.object(tokenFields).meta({ id: 'TokenPair' });

export const loginResponse = z
  .object({
    ...tokenFields,
    user: z.object({
      id: z.string(),
      isNew: z.boolean(),
      phoneMasked: z.string(),
      realNameVerified: z.boolean(),
    }),
  })
  .meta({ id: 'LoginResponse' });

export const refreshBody = z
  .strictObject({ refreshToken: z.string().min(1).max(512) })
  .meta({ id: 'RefreshRequest' });

export const meResponse = z
  .object({
    id: z.string(),
    phoneMasked: z.string(),
    realNameVerified: z.boolean(),
    createdAt: z.iso.datetime(),
    phoneRecovery: z
      .object({ dueAt: z.iso.datetime(), phoneMasked: z.string() })
      .nullable()
      .meta({ description: 'A pending move to another number (any session may cancel it)' }),
    policy: z
      .object({
        current: z.string(),
        publishedAt: z.string(),
        textUrl: z.string(),
        accepted: z.string().nullable(),
        reconsentRequired: z.boolean(),
        newerVersionAvailable: z.boolean(),
      })
      .meta({ description: 'The current privacy policy and what this account last accepted' }),
  })
  .meta({ id: 'Me' });

export const sessionsResponse = z
  .object({
    sessions: z.array(
      z.object({
        id: z.string(),
        current: z.boolean(),
        createdAt: z.iso.datetime(),
        lastUsedAt: z.iso.datetime(),
        amr: z.array(z.string()),
        ipPrefix: z.string(),
        userAgent: z.string(),
      }),
    ),
  })
  .meta({ id: 'Sessions' });

export const sessionParams = z.strictObject({ sessionId: z.string().regex(/^[\w-]{22}$/) });

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
  .object({ recoveryId: z.string(), dueAt: z.iso.datetime(), phoneMasked: z.string() })
  .meta({ id: 'PhoneRecovery' });

export const changePhoneResponse = z
  .object({ phoneMasked: z.string(), sessionsRevoked: z.number().int() })
  .meta({ id: 'ChangePhoneResponse' });

export const jwksResponse = z
  .object({ keys: z.array(z.record(z.string(), z.unknown())) })
  .meta({ id: 'JsonWebKeySet' });
