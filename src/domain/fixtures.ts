/**
 * The fixtures: the fixed skeleton of organizations, the static tokens and the OAuth clients; and the
 * organizations generated beyond it. No file reading here: the default fixture file and the organizations
 * generated at the default settings are bundled at build time (src/generated/bundle.ts); src/node/fixtures.ts
 * reads a fixture file.
 */
import { DEFAULT_FIXTURES_JSON, DEFAULT_GENERATED } from '../generated/bundle.ts';
import type { OrgRecord } from './organization.ts';
import type { OAuthClient, StaticToken } from './tokens.ts';

export interface Fixtures {
  organizations: OrgRecord[];
  tokens: StaticToken[];
  clients: OAuthClient[];
}

/** Checks the shape of parsed fixture data; `source` names it in the message. */
export function checkFixtures(parsed: unknown, source: string): Fixtures {
  // cast: a fixture file is the operator's own configuration, trusted in its shape; only the one thing a
  // mock cannot start without, a non-empty list of organizations, is checked here.
  const fixtures = (parsed ?? {}) as Partial<Fixtures>;
  if (!Array.isArray(fixtures.organizations) || fixtures.organizations.length === 0) {
    throw new Error(`The fixture file ${source} has no organizations.`);
  }
  return {
    organizations: fixtures.organizations,
    tokens: fixtures.tokens ?? [],
    clients: fixtures.clients ?? [],
  };
}

let defaults: Fixtures | undefined;

/** fixtures/default.json, as bundled. Shared: the mock never changes fixture records in place. */
export function defaultFixtures(): Fixtures {
  defaults ??= checkFixtures(JSON.parse(DEFAULT_FIXTURES_JSON), 'fixtures/default.json');
  return defaults;
}

/**
 * The organizations generated beyond the skeleton. At the default settings they were generated at build
 * time; otherwise faker (half a second to load) is loaded now, and only then.
 */
export async function generatedOrganizations(
  fixtures: Fixtures,
  config: { seed: number; orgCount: number; maxDepth: number },
): Promise<OrgRecord[]> {
  if (config.orgCount === 0) return [];
  const prebuilt = DEFAULT_GENERATED;
  if (
    fixtures === defaults &&
    config.seed === prebuilt.seed &&
    config.orgCount === prebuilt.count &&
    config.maxDepth === prebuilt.maxDepth
  ) {
    // cast: scripts/generate-bundle.ts wrote this text from generateOrganizations(), whose result is OrgRecord[].
    return JSON.parse(prebuilt.json) as OrgRecord[];
  }
  const { generateOrganizations } = await import('./seed.ts');
  return generateOrganizations(fixtures.organizations, {
    seed: config.seed,
    count: config.orgCount,
    maxDepth: config.maxDepth,
  });
}
