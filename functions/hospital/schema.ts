import { z } from 'zod';
import { id22, int32, isoDate, isoTime, jsonObject, list, text } from '../core/schema-parts';

export const tokenForm = z
  .object({
    grant_type: z
      .string()
      .max(64)
      .meta({ description: 'Only `client_credentials`', example: 'client_credentials' }),
    scope: text(256).optional(),
  })
  .meta({ id: 'HospitalTokenRequest' });

export const tokenResponse = z
  .object({
    access_token: text(4096).regex(/^[\w-]+\.[\w-]+\.[\w-]+$/),
    token_type: z.literal('Bearer'),
    expires_in: int32(1, 3600),
    scope: text(256).regex(/^[a-z:_ ]*$/),
  })
  .meta({ id: 'HospitalToken' });

export const patientParams = z.strictObject({ hisPatientId: text(64).regex(/^[\w.-]{1,64}$/) });
export const fhirPatientParams = z.strictObject({ id: text(64).regex(/^[A-Za-z0-9.-]{1,64}$/) });
export const fhirSearchQuery = z.strictObject({
  identifier: text(128)
    .regex(/^\S+\|\S+$/)
    .meta({ description: '`urn:oid:2.16.156.10011.1.3|<ID number>`' }),
});

export const hospitalPatientResponse = z
  .object({
    hisPatientId: text(64),
    cardNo: text(64).nullable(),
    name: text(64),
    sex: z.enum(['male', 'female']).nullable(),
    birthDate: isoDate().nullable(),
    idType: text(8).regex(/^[\w]+$/),
    idNumber: text(32).regex(/^[A-Z0-9]+$/),
    phone: text(16).regex(/^\+86\d{11}$/),
    insuranceType: z.object({
      code: text(16).regex(/^\w+$/),
      insutype: text(8).regex(/^\d+$/).nullable(),
      label: text(64),
    }),
    relationship: z.object({ code: text(4).regex(/^\d{2}$/), label: text(64) }),
  })
  .meta({ id: 'HospitalPatient' });

export const fhirResourceResponse = jsonObject().meta({ id: 'FhirResource' });

export const eventsQuery = z.strictObject({
  after: text(128)
    .regex(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z#[\w-]{1,64}$/)
    .optional()
    .meta({ description: 'The `next` cursor of the previous page; omit for the oldest event kept (7 days)' }),
  limit: z.coerce.number().int().min(1).max(100).optional().meta({ format: 'int32' }),
});

export const eventsResponse = z
  .object({
    events: list(
      z.object({
        id: id22(),
        type: z.enum(['card.created', 'card.updated', 'card.unbound', 'card.registration_failed']),
        time: isoTime(),
        hospitalId: text(64).regex(/^[\w-]+$/),
        cardId: id22(),
        status: z.enum(['pending', 'active', 'failed', 'unbound']),
        relationship: text(4).regex(/^\d{2}$/),
      }),
      100,
    ),
    next: text(128).regex(/^\S+$/).nullable().meta({ description: 'Send as `after` next time' }),
  })
  .meta({ id: 'HospitalEvents' });
