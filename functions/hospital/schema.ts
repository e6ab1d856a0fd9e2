import * as z from 'zod/mini';
import {
  id22,
  int32,
  isoDate,
  isoTime,
  jsonObject,
  list,
  meta,
  text,
  threeParts,
  url,
} from '../core/schema-parts';
import { attestedDocuments } from './attestation';

export const tokenForm = z
  .object({
    grant_type: z
      .enum(['client_credentials'])
      .check(meta({ description: 'Only `client_credentials`', example: 'client_credentials' })),
    scope: z.optional(
      text(256).check(
        meta({
          description:
            'Space-separated: `patients:read`, `events:read`, `identity:attest`, or SMART system scopes (`system/Patient.read`, `system/Patient.rs`)',
        }),
      ),
    ),
    client_assertion_type: z.optional(
      z.literal('urn:ietf:params:oauth:client-assertion-type:jwt-bearer').check(
        meta({
          description:
            'With `client_assertion`: private_key_jwt (RFC 7523, SMART Backend Services), instead of Basic',
        }),
      ),
    ),
    client_assertion: z.optional(
      threeParts(4096).check(
        meta({
          description:
            'A JWT signed with a registered key (RS384, ES384 or ES256, `kid` in its header): iss and sub the client id, aud the token URL, exp within 5 minutes, a unique jti',
        }),
      ),
    ),
  })
  .check(meta({ id: 'HospitalTokenRequest' }));

export const tokenResponse = z
  .object({
    access_token: threeParts(4096),
    token_type: z.literal('Bearer'),
    expires_in: int32(1, 3600),
    scope: text(256, { pattern: /^[A-Za-z:_./* ]*$/ }),
  })
  .check(meta({ id: 'HospitalToken' }));

export const patientParams = z.strictObject({ hisPatientId: text(64, { pattern: /^[\w.-]{1,64}$/ }) });

export const patientQuery = z.strictObject({
  binding: z.optional(
    text(64, { pattern: /^[\w.-]{1,64}$/ }).check(
      meta({
        description:
          'Which binding to read when several accounts bind this patient (the `binding` of a 409 patient_ambiguous, or a RelatedPerson id without `-holder`)',
      }),
    ),
  ),
});
export const fhirPatientParams = z.strictObject({ id: text(64, { pattern: /^[A-Za-z0-9.-]{1,64}$/ }) });
/** FHIR's `_format`: JSON is all we speak (`xml` and the rest are refused with an OperationOutcome). */
const fhirFormat = z.optional(
  z.enum(['json', 'application/json', 'application/fhir+json']).check(meta({ description: 'JSON only' })),
);
/** FHIR's `_summary`: every element we send is a summary element and we keep no narrative. */
const fhirSummary = z.optional(
  z
    .enum(['true', 'false', 'data', 'count'])
    .check(
      meta({ description: '`count`: the total alone; `true`, `false` and `data` answer the same resources' }),
    ),
);
export const fhirReadQuery = z.strictObject({ _format: fhirFormat, _summary: fhirSummary });
export const fhirSearchQuery = z.strictObject({
  identifier: text(128, { pattern: /^\S+\|\S+$/ }).check(
    meta({ description: '`urn:oid:2.16.156.10011.1.3|<ID number>`' }),
  ),
  _count: z.optional(
    z.coerce
      .number()
      .check(
        z.int(),
        z.minimum(1),
        z.maximum(50),
        meta({ format: 'int32', description: 'Page size (default 20)' }),
      ),
  ),
  _offset: z.optional(
    z.coerce
      .number()
      .check(
        z.int(),
        z.minimum(0),
        z.maximum(1000),
        meta({ format: 'int32', description: 'Where the page starts: the `next` link gives it' }),
      ),
  ),
  _format: fhirFormat,
  _summary: fhirSummary,
});

export const hospitalPatientResponse = z
  .object({
    hisPatientId: text(64),
    cardNo: z.nullable(text(64)),
    name: text(64),
    sex: z.nullable(z.enum(['male', 'female'])),
    birthDate: z.nullable(isoDate()),
    idType: text(8, { pattern: /^\w+$/ }),
    idNumber: text(32, { pattern: /^[A-Z0-9]+$/ }),
    phone: text(16, { pattern: /^\+86\d{11}$/ }),
    insuranceType: z.object({
      code: text(16, { pattern: /^\w+$/ }),
      insutype: z.nullable(text(8, { pattern: /^\d+$/ })),
      label: text(64),
    }),
    relationship: z.object({ code: text(4, { pattern: /^\d{2}$/ }), label: text(64) }),
    binding: text(64, { pattern: /^[\w.-]+$/ }).check(
      meta({ description: 'The binding (account and card) this answer was read through' }),
    ),
  })
  .check(meta({ id: 'HospitalPatient' }));

export const fhirResourceResponse = jsonObject().check(meta({ id: 'FhirResource' }));

export const eventsQuery = z.strictObject({
  after: z.optional(
    text(128, { pattern: /^\d{4}-\d{2}-\d{2}T[\d:.]+Z#[\w-]{1,64}$/ }).check(
      meta({
        description: 'The `next` cursor of the previous page; omit for the oldest event kept (7 days)',
      }),
    ),
  ),
  limit: z.optional(
    z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100), meta({ format: 'int32' })),
  ),
});

export const eventsResponse = z
  .object({
    events: list(
      z.object({
        id: id22(),
        type: z.enum(['card.created', 'card.updated', 'card.unbound', 'card.registration_failed']),
        time: isoTime(),
        hospitalId: text(64, { pattern: /^[\w-]+$/ }),
        cardId: id22(),
        status: z.enum(['pending', 'active', 'failed', 'unbound']),
        relationship: text(4, { pattern: /^\d{2}$/ }),
      }),
      100,
    ),
    next: z
      .nullable(text(128, { pattern: /^\S+$/ }))
      .check(meta({ description: 'Send as `after` next time' })),
  })
  .check(meta({ id: 'HospitalEvents' }));

export const attestationBody = z
  .strictObject({
    attestationCode: text(12, { pattern: /^\d{4} ?\d{4}$/ }).check(
      meta({
        description:
          "The 8-digit code the person's app shows (or its QR `po-attest:1:<code>`, scanned): it names who is at the desk",
      }),
    ),
    staffId: text(32, { pattern: /^[\w-]{1,32}$/ }).check(
      meta({
        description: 'Who at the counter checked the person (the hospital staff number; stored sealed)',
      }),
    ),
    documentType: z.enum(attestedDocuments),
    documentNumber: text(24, { min: 5, pattern: /^[A-Za-z0-9 ]{5,24}$/ }).check(
      meta({ description: 'The number on the document the staff saw; it must be the named person’s' }),
    ),
  })
  .check(meta({ id: 'IdentityAttestationRequest' }));

export const attestationResponse = z
  .object({
    subject: z.enum(['account_holder', 'family_member']),
    assurance: z.literal('real_person'),
    attestedAt: isoTime(),
    hisPatientId: z
      .nullable(text(64))
      .check(
        meta({ description: "The card's patient at this hospital, once its binding is proven (else null)" }),
      ),
  })
  .check(meta({ id: 'IdentityAttestation' }));

/** SMART App Launch 2.x `.well-known/smart-configuration`, the parts backend services use. */
export const smartConfigurationResponse = z
  .object({
    issuer: url(256),
    jwks_uri: url(512),
    token_endpoint: url(512),
    token_endpoint_auth_methods_supported: list(text(32), 4),
    token_endpoint_auth_signing_alg_values_supported: list(text(16), 4),
    grant_types_supported: list(text(32), 2),
    scopes_supported: list(text(64), 16),
    capabilities: list(text(64), 8),
  })
  .check(meta({ id: 'SmartConfiguration' }));
