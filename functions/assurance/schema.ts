import * as z from 'zod/mini';
import { id22, isoTime, masked, meta, policyVersion, text, url } from '../core/schema-parts';

const assurance = z
  .object({
    level: z.enum(['none', 'two_element', 'real_person']),
    at: z.nullable(isoTime()),
    method: z.nullable(text(32, { pattern: /^[a-z_-]+$/ })),
  })
  .check(
    meta({
      id: 'Assurance',
      description:
        '`two_element`: name and ID number checked; `real_person`: also a face check, or attested at a hospital counter',
    }),
  );

export const identityStatusResponse = z
  .object({
    verified: z.boolean(),
    nameMasked: z.nullable(masked()),
    idNumberMasked: z.nullable(masked()),
    verifiedAt: z.nullable(isoTime()),
    assurance,
  })
  .check(meta({ id: 'IdentityStatus' }));

export const startLivenessBody = z
  .strictObject({
    channel: z.enum(['h5', 'wechat_miniprogram', 'app']),
    redirectUrl: z.optional(
      url(512).check(
        meta({ description: 'H5 only: where the provider page returns (a configured address)' }),
      ),
    ),
    metaInfo: z.optional(
      text(4096, { min: 2 }).check(
        meta({
          description: "The client's getMetaInfo() result (Alibaba Cloud needs it; send it when you have it)",
        }),
      ),
    ),
    hospitalId: z.optional(text(64, { pattern: /^[\w-]+$/ })),
    cardId: z.optional(
      id22().check(meta({ description: "A child's card (under 14): the guardian starts the child's check" })),
    ),
    guardianConsent: z.optional(z.strictObject({ accepted: z.boolean(), policyVersion: policyVersion() })),
  })
  .check(meta({ id: 'StartLivenessRequest' }));

export const startedLivenessResponse = z
  .object({
    livenessId: id22(),
    provider: z.enum(['tencent', 'aliyun']),
    channel: z.enum(['h5', 'wechat_miniprogram', 'app']),
    url: z.optional(url(2048)),
    bizToken: z.optional(text(128, { pattern: /^[\w-]+$/ })),
    certifyId: z.optional(text(128, { pattern: /^[\w-]+$/ })),
    expiresAt: isoTime(),
  })
  .check(meta({ id: 'StartedLiveness' }));

export const livenessParams = z.strictObject({ livenessId: id22() });

export const livenessPassedResponse = z
  .object({
    livenessId: id22(),
    status: z.literal('passed'),
    provider: z.enum(['tencent', 'aliyun']),
    similarity: z.nullable(z.number().check(z.minimum(0), z.maximum(100))),
    subject: z.enum(['self', 'card']),
    assurance,
  })
  .check(meta({ id: 'LivenessPassed' }));

export const attestationCodeBody = z
  .strictObject({
    hospitalId: z.optional(
      text(64, { pattern: /^[\w-]+$/ }).check(
        meta({
          description: "The hospital whose counter it is for (a card's own hospital when cardId is given)",
        }),
      ),
    ),
    cardId: z.optional(
      id22().check(
        meta({
          description:
            'A card whose person is at the desk (a relative; or proving a binding waiting for the counter); none: the account holder',
        }),
      ),
    ),
  })
  .check(meta({ id: 'AttestationCodeRequest' }));

export const attestationCodeResponse = z
  .object({
    code: text(8, { pattern: /^\d{8}$/ }).check(
      meta({ description: 'Show it to the staff; valid 10 minutes, once' }),
    ),
    qr: text(32, { pattern: /^po-attest:1:\d{8}$/ }).check(
      meta({ description: "The same code for the counter's scanner, to draw as a QR code" }),
    ),
    hospitalId: text(64, { pattern: /^[\w-]+$/ }),
    subject: z.enum(['account_holder', 'family_member']),
    expiresAt: isoTime(),
  })
  .check(meta({ id: 'AttestationCode' }));
