import * as z from 'zod/mini';
import { nextCursor } from '../core/pagination';
import {
  id22,
  int32,
  isoDate,
  isoTime,
  list,
  masked,
  meta,
  phoneInput,
  policyVersion,
  sixDigits,
  text,
} from '../core/schema-parts';
import { idTypeCodes, insuranceCodes, relationshipCodes } from './codes';

const label = z.object({ zh: text(64), en: text(64) });

export const hospitalsResponse = z
  .object({
    hospitals: list(
      z.object({
        id: text(64, { pattern: /^[\w-]+$/ }),
        name: text(128),
        cardLimit: int32(0, 100),
        requiredAssurance: z.enum(['two_element', 'real_person']).check(
          meta({
            description:
              'What an account needs before it opens a card here (real_person: a face check or the counter)',
          }),
        ),
      }),
      100,
    ),
  })
  .check(meta({ id: 'Hospitals' }));

export const createCardBody = z
  .strictObject({
    hospitalId: text(64, { min: 1 }),
    relationship: z
      .enum(relationshipCodes)
      .check(meta({ description: 'GB/T 4761 family relationship to the account holder' })),
    name: text(64, { min: 1 }),
    idType: z
      .enum(idTypeCodes)
      .check(meta({ description: 'CV02.01.101 document type; L1/L2 local codes for the residence permits' })),
    idNumber: text(32, { min: 5 }),
    phone: phoneInput(),
    insuranceType: z
      .enum(insuranceCodes)
      .check(meta({ description: 'CV02.01.204 insurance type, or self_pay' })),
    birthDate: z.optional(
      isoDate().check(meta({ description: 'Required for documents without one (passport, travel permits)' })),
    ),
    guardian: z.optional(
      z.boolean().check(meta({ description: 'With 97: the holder is the legal guardian of the child' })),
    ),
    guardianConsent: z.optional(z.strictObject({ accepted: z.boolean(), policyVersion: policyVersion() })),
  })
  .check(meta({ id: 'CreateCardRequest' }));

export const idempotencyHeader = text(128, { pattern: /^[\w-]{8,128}$/ });
/** `POST /v1/me/cards`: the key that makes a retry the same card (its id derives from it). */
export const createCardHeaders = z.object({
  'idempotency-key': idempotencyHeader.check(
    meta({
      description:
        'Chosen by the client per card it means to add: a retry with the same key and body is the same card',
    }),
  ),
});

const cardFields = {
  id: id22(),
  hospitalId: text(64, { pattern: /^[\w-]+$/ }),
  relationship: z.object({ code: z.enum(relationshipCodes), label }),
  nameMasked: masked(),
  idType: z.object({ code: z.enum(idTypeCodes), label }),
  idNumberMasked: masked(),
  phoneMasked: masked(),
  insuranceType: z.object({ code: z.enum(insuranceCodes), label }),
  status: z.enum(['pending', 'active', 'failed', 'awaiting_proof']).check(
    meta({
      description:
        'awaiting_proof: the hospital already had this patient; the binding shows and changes nothing at the hospital until proven (see proof)',
    }),
  ),
  reason: z.optional(text(64, { pattern: /^[\w:]+$/ })),
  proof: z.optional(
    z.object({
      method: z.enum(['sms', 'counter']).check(
        meta({
          description:
            'sms: a code to the mobile the hospital holds for the patient (POST …/proof); counter: at the hospital counter with an attestation code',
        }),
      ),
      phoneMasked: z.optional(masked()),
    }),
  ),
  minor: z.boolean(),
  createdAt: isoTime(),
};

export const cardSchema = z.object(cardFields).check(meta({ id: 'Card' }));
export const cardResponse = z.object({ card: cardSchema }).check(meta({ id: 'CardEnvelope' }));
export const cardsResponse = z
  .object({ cards: list(cardSchema, 100), next: nextCursor() })
  .check(meta({ id: 'Cards' }));
export const cardDetailResponse = z
  .object({
    card: z.object({
      ...cardFields,
      name: text(64),
      idNumber: text(32, { pattern: /^[A-Z0-9]+$/ }),
      phone: text(16, { pattern: /^\+86\d{11}$/ }),
      birthDate: z.nullable(isoDate()),
      hisPatientId: z.nullable(text(64)),
      cardNo: z.nullable(text(64)),
    }),
  })
  .check(meta({ id: 'CardDetail' }));

export const cardParams = z.strictObject({ cardId: id22() });

export const cardProofSendBody = z
  .strictObject({
    captchaTicket: z.optional(
      text(2048, { min: 1 }).check(meta({ description: 'Tencent Captcha `<ticket>:<randstr>`, when asked' })),
    ),
  })
  .check(meta({ id: 'CardProofSendRequest' }));

export const cardProofSent = z
  .object({
    challengeId: id22(),
    phoneMasked: masked(),
    expiresIn: int32(1, 3600),
    resendAfter: int32(0, 3600),
  })
  .check(meta({ id: 'CardProofSent' }));

export const cardProofVerifyBody = z
  .strictObject({
    challengeId: id22().check(meta({ description: 'From POST /v1/me/cards/{cardId}/proof' })),
    code: sixDigits().check(meta({ description: 'The six-digit code sent to the mobile on file' })),
  })
  .check(meta({ id: 'CardProofVerifyRequest' }));

export const updateCardBody = z
  .strictObject({
    phone: z.optional(phoneInput()),
    insuranceType: z.optional(z.enum(insuranceCodes)),
  })
  .check(
    z.refine((b) => b.phone !== undefined || b.insuranceType !== undefined, { message: 'nothing to change' }),
    // The same rule, stated for a generated client: at least one of the two.
    z.meta({ minProperties: 1 }),
    meta({ id: 'UpdateCardRequest' }),
  );
