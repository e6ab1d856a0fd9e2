import { z } from 'zod';

export const healthResponse = z
  .object({
    status: z.enum(['ok', 'degraded']),
    region: z.string(),
    stage: z.string(),
    store: z.object({ reachable: z.boolean() }),
    keySource: z.enum(['kms', 'local']),
    version: z.string(),
  })
  .meta({ id: 'Health' });

export const openApiResponse = z.record(z.string(), z.unknown()).meta({ id: 'OpenApiDocument' });
