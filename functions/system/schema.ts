import * as z from 'zod/mini';
import { jsonObject, meta, text } from '../core/schema-parts';

export const healthResponse = z
  .object({
    status: z.enum(['ok', 'degraded']),
    region: z.optional(text(32, { pattern: /^[a-z0-9-]+$/ })),
    stage: z.optional(z.enum(['local', 'dev', 'prod'])),
    store: z.optional(z.object({ reachable: z.boolean() })),
    keySource: z.optional(z.enum(['kms', 'local'])),
    version: z.optional(text(64, { pattern: /^[\w.+-]+$/ })),
  })
  .check(meta({ id: 'Health', description: 'Details beyond `status` are shown in the local stage only' }));

export const openApiResponse = jsonObject().check(meta({ id: 'OpenApiDocument' }));
