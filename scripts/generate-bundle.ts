/**
 * Generates src/generated/bundle.ts: what the mock would otherwise read or compute at every start —
 * openapi.yaml (its text, and the document swagger-parser validates and dereferences), the default fixture
 * file, and the organizations faker generates at the default seed, count and depth. With it the mock starts
 * without a file system, without swagger-parser and, at the default settings, without faker.
 * `npm run generate` writes it; a test fails when it is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CONFIG } from '../src/config.ts';
import { checkFixtures } from '../src/domain/fixtures.ts';
import { generateOrganizations } from '../src/domain/seed.ts';
import { DEFAULT_SPEC_PATH, loadSpec } from '../src/openapi/document.ts';

export const BUNDLE_PATH = new URL('../src/generated/bundle.ts', import.meta.url);
const FIXTURES_PATH = fileURLToPath(new URL('../fixtures/default.json', import.meta.url));

const literal = (value: string) => JSON.stringify(value);

export async function generateBundle(): Promise<string> {
  const spec = await loadSpec(DEFAULT_SPEC_PATH);
  const fixtures = checkFixtures(JSON.parse(readFileSync(FIXTURES_PATH, 'utf8')), 'fixtures/default.json');
  const { seed, orgCount: count, maxDepth } = DEFAULT_CONFIG;
  const generated = generateOrganizations(fixtures.organizations, { seed, count, maxDepth });
  return [
    '// Generated from openapi.yaml, fixtures/default.json and src/domain/seed.ts by `npm run generate`; do not edit.',
    '',
    '/** openapi.yaml as it is, served at /openapi.yaml. */',
    `export const SPEC_TEXT: string = ${literal(spec.text)};`,
    '',
    '/** openapi.yaml validated and dereferenced by swagger-parser, as JSON (JSON.parse is faster than a literal). */',
    `export const SPEC_JSON: string = ${literal(JSON.stringify(spec.raw))};`,
    '',
    '/** fixtures/default.json. */',
    `export const DEFAULT_FIXTURES_JSON: string = ${literal(JSON.stringify(fixtures))};`,
    '',
    '/** The organizations generated beyond the default skeleton with these settings. */',
    `export const DEFAULT_GENERATED: { seed: number; count: number; maxDepth: number; json: string } = ${JSON.stringify({ seed, count, maxDepth, json: JSON.stringify(generated) })};`,
    '',
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(BUNDLE_PATH, await generateBundle());
  console.log(`wrote ${BUNDLE_PATH.pathname}`);
}
