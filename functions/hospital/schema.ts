import { z } from 'zod';

export const tokenForm = z
  .object({
    grant_type: z
      .string()
      .max(64)
      .meta({ description: 'Only `client_credentials`', example: 'client_credentials' }),
    scope: z.string().max(256).optional(),
  })
  .meta({ id: 'HospitalTokenRequest' });

export const tokenResponse = z
  .object({
    access_token: z.string(),
    token_type: z.literal('Bearer'),
    expires_in: z.number().int(),
    scope: z.string(),
  })
  .meta({ id: 'HospitalToken' });

export const patientParams = z.strictObject({ hisPatientId: z.string().regex(/^[\w.-]{1,64}$/) });
export const fhirPatientParams = z.strictObject({ id: z.string().regex(/^[A-Za-z0-9.-]{1,64}$/) });
export const fhirSearchQuery = z.strictObject({ identifier: z.string().min(3).max(128) });

export const hospitalPatientResponse = z
  .object({
    hisPatientId: z.string(),
    cardNo: z.string().nullable(),
    name: z.string(),
    sex: z.enum(['male', 'female']).nullable(),
    birthDate: z.string().nullable(),
    idType: z.string(),
    idNumber: z.string(),
    phone: z.string(),
    insuranceType: z.object({ code: z.string(), insutype: z.string().nullable(), label: z.string() }),
    relationship: z.object({ code: z.string(), label: z.string() }),
  })
  .meta({ id: 'HospitalPatient' });

export const fhirResourceResponse = z.record(z.string(), z.unknown()).meta({ id: 'FhirResource' });

export const eventsQuery = z.strictObject({
  after: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z#[\w-]{1,64}$/)
    .optional()
    .meta({ description: 'The `next` cursor of the previous page; omit for the oldest event kept (7 days)' }),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});

export const eventsResponse = z
  .object({
    events: z.array(
      z.object({
        id: z.string(),
        type: z.enum(['card.created', 'card.updated', 'card.unbound', 'card.registration_failed']),
        time: z.iso.datetime(),
        hospitalId: z.string(),
        cardId: z.string(),
        status: z.enum(['pending', 'active', 'failed', 'unbound']),
        relationship: z.string(),
      }),
    ),
    next: z.string().nullable().meta({ description: 'Send as `after` next time' }),
  })
  .meta({ id: 'HospitalEvents' });
