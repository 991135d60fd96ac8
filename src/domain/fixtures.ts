/** The fixture file: the fixed skeleton of organizations, the static tokens and the OAuth clients. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { OrgRecord } from './organization.ts';
import type { OAuthClient, StaticToken } from './tokens.ts';

export interface Fixtures {
  organizations: OrgRecord[];
  tokens: StaticToken[];
  clients: OAuthClient[];
}

export const DEFAULT_FIXTURES_PATH = fileURLToPath(new URL('../../fixtures/default.json', import.meta.url));

export function loadFixtures(path: string = DEFAULT_FIXTURES_PATH): Fixtures {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read the fixture file ${path}: ${(error as Error).message}`);
  }
  const fixtures = parsed as Partial<Fixtures>;
  if (!Array.isArray(fixtures.organizations) || fixtures.organizations.length === 0) {
    throw new Error(`The fixture file ${path} has no organizations.`);
  }
  return {
    organizations: fixtures.organizations,
    tokens: fixtures.tokens ?? [],
    clients: fixtures.clients ?? [],
  };
}
