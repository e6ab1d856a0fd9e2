import { z } from 'zod';
import { isoTime, masked } from '../core/schema-parts';

export const verifyIdentityBody = z
  .strictObject({
    name: z.string().min(1).max(64).meta({ description: 'As on the ID document', example: '张三' }),
    idType: z.enum(['resident', 'hk_mo_tw_permit', 'foreign_permanent']),
    idNumber: z
      .string()
      .min(15)
      .max(24)
      .meta({ description: '18 characters (15-digit resident numbers are upgraded)' }),
  })
  .meta({ id: 'VerifyIdentityRequest' });

export const verifiedIdentityResponse = z
  .object({
    status: z.literal('verified'),
    nameMasked: masked(),
    idNumberMasked: masked(),
    verifiedAt: isoTime(),
  })
  .meta({ id: 'VerifiedIdentity' });
