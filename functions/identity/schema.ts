import * as z from 'zod/mini';
import { isoTime, masked, meta, text } from '../core/schema-parts';

export const verifyIdentityBody = z
  .strictObject({
    name: text(64, { min: 1 }).check(meta({ description: 'As on the ID document', example: '张三' })),
    idType: z.enum(['resident', 'hk_mo_tw_permit', 'foreign_permanent']),
    idNumber: text(24, { min: 15 }).check(
      meta({ description: '18 characters (15-digit resident numbers are upgraded)' }),
    ),
  })
  .check(meta({ id: 'VerifyIdentityRequest' }));

export const verifiedIdentityResponse = z
  .object({
    status: z.literal('verified'),
    nameMasked: masked(),
    idNumberMasked: masked(),
    verifiedAt: isoTime(),
  })
  .check(meta({ id: 'VerifiedIdentity' }));
