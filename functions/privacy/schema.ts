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
  ipPrefix: z.string(),
  userAgent: z.string(),
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
    audit: z.array(z.record(z.string(), z.unknown())),
  })
  .meta({ id: 'MyDataExport' });
