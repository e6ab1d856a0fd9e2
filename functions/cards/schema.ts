import { z } from 'zod';
import { id22, int32, isoDate, isoTime, list, masked, policyVersion, text } from '../core/schema-parts';
import { idTypeCodes, insuranceCodes, relationshipCodes } from './codes';

const label = z.object({ zh: text(64), en: text(64) });

export const hospitalsResponse = z
  .object({
    hospitals: list(
      z.object({ id: text(64).regex(/^[\w-]+$/), name: text(128), cardLimit: int32(0, 100) }),
      100,
    ),
  })
  .meta({ id: 'Hospitals' });

export const createCardBody = z
  .strictObject({
    hospitalId: z.string().min(1).max(64),
    relationship: z
      .enum(relationshipCodes)
      .meta({ description: 'GB/T 4761 family relationship to the account holder' }),
    name: z.string().min(1).max(64),
    idType: z
      .enum(idTypeCodes)
      .meta({ description: 'CV02.01.101 document type; L1/L2 local codes for the residence permits' }),
    idNumber: z.string().min(5).max(32),
    phone: z.string().min(11).max(24),
    insuranceType: z.enum(insuranceCodes).meta({ description: 'CV02.01.204 insurance type, or self_pay' }),
    birthDate: isoDate()
      .optional()
      .meta({ description: 'Required for documents without one (passport, travel permits)' }),
    guardian: z
      .boolean()
      .optional()
      .meta({ description: 'With 97: the holder is the legal guardian of the child' }),
    guardianConsent: z.strictObject({ accepted: z.boolean(), policyVersion: policyVersion() }).optional(),
  })
  .meta({ id: 'CreateCardRequest' });

export const idempotencyHeader = z.string().regex(/^[\w-]{8,128}$/);

const cardFields = {
  id: id22(),
  hospitalId: text(64).regex(/^[\w-]+$/),
  relationship: z.object({ code: z.enum(relationshipCodes), label }),
  nameMasked: masked(),
  idType: z.object({ code: z.enum(idTypeCodes), label }),
  idNumberMasked: masked(),
  phoneMasked: masked(),
  insuranceType: z.object({ code: z.enum(insuranceCodes), label }),
  status: z.enum(['pending', 'active', 'failed']),
  reason: text(64)
    .regex(/^[\w:]+$/)
    .optional(),
  minor: z.boolean(),
  createdAt: isoTime(),
};

export const cardSchema = z.object(cardFields).meta({ id: 'Card' });
export const cardResponse = z.object({ card: cardSchema }).meta({ id: 'CardEnvelope' });
export const cardsResponse = z.object({ cards: list(cardSchema, 100) }).meta({ id: 'Cards' });
export const cardDetailResponse = z
  .object({
    card: z.object({
      ...cardFields,
      name: text(64),
      idNumber: text(32).regex(/^[A-Z0-9]+$/),
      phone: text(16).regex(/^\+86\d{11}$/),
      birthDate: isoDate().nullable(),
      hisPatientId: text(64).nullable(),
      cardNo: text(64).nullable(),
    }),
  })
  .meta({ id: 'CardDetail' });

export const cardParams = z.strictObject({ cardId: id22() });

export const updateCardBody = z
  .strictObject({
    phone: z.string().min(11).max(24).optional(),
    insuranceType: z.enum(insuranceCodes).optional(),
  })
  .refine((b) => b.phone !== undefined || b.insuranceType !== undefined, { message: 'nothing to change' })
  .meta({ id: 'UpdateCardRequest' });
