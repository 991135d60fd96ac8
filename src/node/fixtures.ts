/** A fixture file read from disk: the Node edge of src/domain/fixtures.ts. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkFixtures, type Fixtures } from '../domain/fixtures.ts';

export const DEFAULT_FIXTURES_PATH = fileURLToPath(new URL('../../fixtures/default.json', import.meta.url));

export function loadFixtures(path: string = DEFAULT_FIXTURES_PATH): Fixtures {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read the fixture file ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return checkFixtures(parsed, path);
}
