// Generates a TypeScript client from an OpenAPI document with @hey-api/openapi-ts:
// node --import ./test/helpers/typescript5-register.mjs test/helpers/generate-client.mjs <input> <output>
import { resolve } from 'node:path';
import { createClient } from '@hey-api/openapi-ts';

const [input, output] = process.argv.slice(2).map((p) => resolve(p));
await createClient({
  input,
  output,
  plugins: ['@hey-api/client-fetch', '@hey-api/typescript', '@hey-api/sdk'],
  logs: { level: 'silent' },
});
