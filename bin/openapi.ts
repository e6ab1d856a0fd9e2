import { readFileSync, writeFileSync } from 'node:fs';
import { buildOpenApiDocument } from '../functions/core/openapi';
import { routeList } from '../functions/system/route-table';

/** `npm run openapi`: writes docs/openapi.json from the route table (a test keeps it current). */
export function renderOpenApiFile(): string {
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return `${JSON.stringify(buildOpenApiDocument(routeList, version), null, 2)}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(new URL('../docs/openapi.json', import.meta.url), renderOpenApiFile());
  process.stdout.write('wrote docs/openapi.json\n');
}
