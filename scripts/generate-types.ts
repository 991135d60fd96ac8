/**
 * Generates src/generated/openapi.ts, the TypeScript types of every request and response, from
 * openapi.yaml with openapi-typescript. `npm run generate:types` writes it; a test fails when it is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import openapiTS, { astToString } from 'openapi-typescript';

export const SPEC_URL = new URL('../openapi.yaml', import.meta.url);
export const TYPES_PATH = new URL('../src/generated/openapi.ts', import.meta.url);

export async function generateTypes(): Promise<string> {
  const ast = await openapiTS(readFileSync(SPEC_URL, 'utf8'));
  return `// Generated from openapi.yaml by \`npm run generate:types\`; do not edit.\n${astToString(ast)}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(TYPES_PATH, await generateTypes());
  console.log(`wrote ${TYPES_PATH.pathname}`);
}
