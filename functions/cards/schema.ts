import { z } from 'zod';
import { idTypeCodes, insuranceCodes, relationshipCodes } from './codes';

const label = z.object({ zh: z.string(), en: z.string() });

export const hospitalsResponse = z
  .object({ hospitals: z.array(z.object({ id: z.string(), name: z.string(), cardLimit: z.number().int() })) })
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
    birthDate: z.iso
      .date()
      .optional()
      .meta({ description: 'Required for documents without one (passport, travel permits)' }),
    guardian: z
      .boolean()
      .optional()
      .meta({ description: 'With 97: the holder is the legal guardian of the child' }),
    guardianConsent: z
      .strictObject({ accepted: z.boolean(), policyVersion: z.string().min(1).max(32) })
      .optional(),
  })
  .meta({ id: 'CreateCardRequest' });

export const idempotencyHeader = z.string().regex(/^[\w-]{8,128}$/);

const cardFields = {
  id: z.string(),
  hospitalId: z.string(),
  relationship: z.object({ code: z.string(), label }),
  nameMasked: z.string(),
  idType: z.object({ code: z.string(), label }),
  idNumberMasked: z.string(),
  phoneMasked: z.string(),
  insuranceType: z.object({ code: z.string(), label }),
  status: z.enum(['pending', 'active', 'failed']),
  reason: z.string().optional(),
  minor: z.boolean(),
  createdAt: z.iso.datetime(),
};

export const cardSchema = z.object(cardFields).meta({ id: 'Card' });
export const cardResponse = z.object({ card: cardSchema }).meta({ id: 'CardEnvelope' });
export const cardsResponse = z.object({ cards: z.array(cardSchema) }).meta({ id: 'Cards' });
export const cardDetailResponse = z
  .object({
    card: z.object({
      ...cardFields,
      name: z.string(),
      idNumber: z.string(),
      phone: z.string(),
      birthDate: z.string().nullable(),
      hisPatientId: z.string().nullable(),
      cardNo: z.string().nullable(),
    }),
  })
  .meta({ id: 'CardDetail' });

export const cardParams = z.strictObject({ cardId: z.string().regex(/^[\w-]{22}$/) });

export const updateCardBody = z
  .strictObject({
    phone: z.string().min(11).max(24).optional(),
    insuranceType: z.enum(insuranceCodes).optional(),
  })
  .refine((b) => b.phone !== undefined || b.insuranceType !== undefined, { message: 'nothing to change' })
  .meta({ id: 'UpdateCardRequest' });
