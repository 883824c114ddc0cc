import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApiText } from '../runtime/openapi';

/** Writes docs/openapi.json from the route table and schemas (`npx tsx src/dev/write-openapi.ts`). */
export const OPENAPI_PATH = join(__dirname, '..', '..', 'docs', 'openapi.json');

if (require.main === module) {
  writeFileSync(OPENAPI_PATH, openApiText());
  console.log(`wrote ${OPENAPI_PATH}`);
}
