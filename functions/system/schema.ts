import { z } from 'zod';

export const healthResponse = z
  .object({
    status: z.enum(['ok', 'degraded']),
    region: z.string().optional(),
    stage: z.string().optional(),
    store: z.object({ reachable: z.boolean() }).optional(),
    keySource: z.enum(['kms', 'local']).optional(),
    version: z.string().optional(),
  })
  .meta({ description: 'Details beyond `status` are shown in the local stage only' })
  .meta({ id: 'Health' });

export const openApiResponse = z.record(z.string(), z.unknown()).meta({ id: 'OpenApiDocument' });
