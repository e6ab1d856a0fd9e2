import { z } from 'zod';
import { jsonObject, text } from '../core/schema-parts';

export const healthResponse = z
  .object({
    status: z.enum(['ok', 'degraded']),
    region: text(32)
      .regex(/^[a-z0-9-]+$/)
      .optional(),
    stage: z.enum(['local', 'dev', 'prod']).optional(),
    store: z.object({ reachable: z.boolean() }).optional(),
    keySource: z.enum(['kms', 'local']).optional(),
    version: text(64)
      .regex(/^[\w.+-]+$/)
      .optional(),
  })
  .meta({ description: 'Details beyond `status` are shown in the local stage only' })
  .meta({ id: 'Health' });

export const openApiResponse = jsonObject().meta({ id: 'OpenApiDocument' });
