import { z } from 'zod';
import { separatePurposes } from '../core/config';

export const policyResponse = z
  .object({
    version: z.string(),
    publishedAt: z.string(),
    material: z.boolean(),
    textUrl: z.string(),
    purposes: z.array(z.string()),
    separatePurposes: z.array(z.string()),
  })
  .meta({ id: 'Policy' });

export const consentBody = z
  .strictObject({
    purpose: z.enum([...separatePurposes, 'privacy_policy']),
    policyVersion: z.string().min(1).max(32),
    accepted: z.boolean(),
  })
  .meta({ id: 'ConsentRequest' });

const consent = z.object({
  purpose: z.string(),
  policyVersion: z.string(),
  accepted: z.boolean(),
  at: z.iso.datetime(),
  by: z.enum(['self', 'guardian']),
  ipPrefix: z.string().nullable().meta({ description: 'Removed 30 days after the consent was given' }),
  userAgent: z.string().nullable().meta({ description: 'Removed 30 days after the consent was given' }),
});

export const consentResponse = z.object({ consent }).meta({ id: 'ConsentEnvelope' });
export const consentsResponse = z.object({ consents: z.array(consent) }).meta({ id: 'Consents' });

export const exportResponse = z
  .object({
    exportedAt: z.iso.datetime(),
    profile: z.record(z.string(), z.unknown()).nullable(),
    identity: z.record(z.string(), z.unknown()).nullable(),
    cards: z.array(z.record(z.string(), z.unknown())),
    linkedLogins: z.array(z.record(z.string(), z.unknown())),
    sessions: z.array(z.record(z.string(), z.unknown())),
    consents: z.array(z.record(z.string(), z.unknown())),
    requests: z.array(z.record(z.string(), z.unknown())),
    audit: z.array(z.record(z.string(), z.unknown())),
  })
  .meta({ id: 'MyDataExport' });

const rightsRequest = z
  .object({
    requestId: z.string(),
    kind: z.enum(['account_deletion', 'deceased_relative', 'cannot_log_in', 'objection', 'other']),
    status: z.enum(['received', 'completed']),
    receivedAt: z.iso.datetime(),
    dueAt: z.iso.datetime().meta({ description: 'Answered by then at the latest: 15 working days' }),
    completedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'RightsRequest' });

export const rightsRequestResponse = rightsRequest;
export const rightsRequestsResponse = z
  .object({ requests: z.array(rightsRequest) })
  .meta({ id: 'RightsRequests' });

export const deletionBody = z
  .strictObject({
    challengeId: z.string().regex(/^[\w-]{22}$/),
    phone: z.string().min(11).max(24).meta({ description: 'The account’s own number' }),
    code: z
      .string()
      .regex(/^\d{6}$/)
      .meta({ description: 'Step-up code sent to that number' }),
  })
  .meta({ id: 'AccountDeletionRequest' });

const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    // Control characters have no place in a name or a letter to our operators.
    .regex(/^[^\p{Cc}]*$/u, 'no control characters');

export const privacyRequestBody = z
  .strictObject({
    kind: z.enum(['deceased_relative', 'cannot_log_in', 'objection', 'other']),
    phone: z.string().min(11).max(24).meta({ description: 'The requester’s number, proven by the code' }),
    challengeId: z.string().regex(/^[\w-]{22}$/),
    code: z
      .string()
      .regex(/^\d{6}$/)
      .meta({ description: 'Code sent with purpose `privacy_request`' }),
    name: text(64).meta({ description: 'The requester’s name' }),
    details: text(2000).meta({ description: 'What is asked, and for a deceased user the relationship' }),
    subjectName: text(64).optional().meta({ description: 'Whose data it is, if not the requester’s' }),
    subjectPhone: z.string().min(11).max(24).optional(),
  })
  .meta({ id: 'PrivacyRequest' });

export const myRequestBody = z
  .strictObject({
    kind: z.enum(['objection', 'other']),
    details: text(2000).meta({ description: 'What is asked: the processing objected to, or the request' }),
  })
  .meta({ id: 'MyPrivacyRequest' });

export const requestParams = z.object({ requestId: z.string().regex(/^[\w-]{22}$/) });
