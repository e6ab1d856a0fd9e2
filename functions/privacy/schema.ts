import * as z from 'zod/mini';
import { separatePurposes } from '../core/config';
import { nextCursor } from '../core/pagination';
import {
  id22,
  isoTime,
  jsonObject,
  list,
  meta,
  phoneInput,
  policyVersion,
  sixDigits,
  text,
  url,
} from '../core/schema-parts';

const purposeName = text(64, { pattern: /^[a-z_]+$/ });

export const policyResponse = z
  .object({
    version: policyVersion(),
    publishedAt: text(32),
    material: z.boolean(),
    textUrl: url(512),
    purposes: list(purposeName, 20),
    separatePurposes: list(purposeName, 20),
  })
  .check(meta({ id: 'Policy' }));

export const consentBody = z
  .strictObject({
    purpose: z.enum([...separatePurposes, 'privacy_policy']),
    policyVersion: policyVersion(),
    accepted: z.boolean(),
  })
  .check(meta({ id: 'ConsentRequest' }));

const consent = z.object({
  purpose: purposeName,
  policyVersion: policyVersion(),
  accepted: z.boolean(),
  at: isoTime(),
  by: z.enum(['self', 'guardian']),
  ipPrefix: z.nullable(text(64)).check(meta({ description: 'Removed 30 days after the consent was given' })),
  userAgent: z
    .nullable(text(256))
    .check(meta({ description: 'Removed 30 days after the consent was given' })),
  covers: z.nullable(list(purposeName, 20)).check(
    meta({
      description:
        'Accepting a policy version: the purposes it covers. At registration the IP prefix and user agent are those of the session it was given in (GET /v1/me/sessions). Sharing with an app (`app_sharing`): the scopes shared.',
    }),
  ),
  recipient: z
    .nullable(text(64, { pattern: /^[a-z0-9-]+$/ }))
    .check(meta({ description: '`app_sharing`: the app (OpenID client id) the information is given to' })),
});

export const consentResponse = z.object({ consent }).check(meta({ id: 'ConsentEnvelope' }));
export const consentsResponse = z
  .object({ consents: list(consent, 100), next: nextCursor() })
  .check(meta({ id: 'Consents' }));

export const exportResponse = z
  .object({
    exportedAt: isoTime(),
    profile: z.nullable(jsonObject()),
    identity: z.nullable(jsonObject()),
    cards: list(jsonObject(), 100),
    realPersonChecks: list(jsonObject(), 1000),
    linkedLogins: list(jsonObject(), 10),
    sessions: list(jsonObject(), 1000),
    consents: list(jsonObject(), 1000),
    requests: list(jsonObject(), 1000),
    notices: list(jsonObject(), 1000).check(
      meta({ description: 'Security incident notices, as each was sent' }),
    ),
    audit: list(jsonObject(), 100_000),
  })
  .check(meta({ id: 'MyDataExport' }));

const rightsRequest = z
  .object({
    requestId: id22(),
    kind: z.enum(['account_deletion', 'deceased_relative', 'cannot_log_in', 'objection', 'other']),
    status: z.enum(['received', 'completed']),
    receivedAt: isoTime(),
    dueAt: isoTime().check(meta({ description: 'Answered by then at the latest: 15 working days' })),
    completedAt: z.nullable(isoTime()),
  })
  .check(meta({ id: 'RightsRequest' }));

export const rightsRequestResponse = rightsRequest;
export const rightsRequestsResponse = z
  .object({ requests: list(rightsRequest, 100), next: nextCursor() })
  .check(meta({ id: 'RightsRequests' }));

export const deletionBody = z
  .strictObject({
    challengeId: id22(),
    phone: phoneInput().check(meta({ description: 'The account’s own number' })),
    code: sixDigits().check(meta({ description: 'Step-up code sent to that number' })),
  })
  .check(meta({ id: 'AccountDeletionRequest' }));

/** Free text for our operators (the edge refuses control, bidi and zero-width characters in it). */
const freeText = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));

export const privacyRequestBody = z
  .strictObject({
    kind: z.enum(['deceased_relative', 'cannot_log_in', 'objection', 'other']),
    phone: phoneInput().check(meta({ description: 'The requester’s number, proven by the code' })),
    challengeId: id22(),
    code: sixDigits().check(meta({ description: 'Code sent with purpose `privacy_request`' })),
    name: freeText(64).check(meta({ description: 'The requester’s name' })),
    details: freeText(2000).check(
      meta({ description: 'What is asked, and for a deceased user the relationship' }),
    ),
    subjectName: z.optional(
      freeText(64).check(meta({ description: 'Whose data it is, if not the requester’s' })),
    ),
    subjectPhone: z.optional(phoneInput()),
  })
  .check(meta({ id: 'PrivacyRequest' }));

export const myRequestBody = z
  .strictObject({
    kind: z.enum(['objection', 'other']),
    details: freeText(2000).check(
      meta({ description: 'What is asked: the processing objected to, or the request' }),
    ),
  })
  .check(meta({ id: 'MyPrivacyRequest' }));

export const requestParams = z.strictObject({ requestId: id22() });
