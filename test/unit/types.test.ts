/** The TypeScript types generated from openapi.yaml are current, and usable by a client. */
import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { generateTypes, TYPES_PATH } from '../../scripts/generate-types.ts';
import type { ErrorBody, Organization, QueryOf, RequestBodyOf, ResponseBodyOf, SearchResult } from '../../src/index.ts';

describe('generated types', () => {
  it('match openapi.yaml (run `npm run generate:types` when this fails)', async () => {
    expect(readFileSync(TYPES_PATH, 'utf8')).toBe(await generateTypes());
  });

  it('describe requests and responses of every operation', () => {
    expectTypeOf<ResponseBodyOf<'getOrganization', 200>>().toEqualTypeOf<Organization>();
    expectTypeOf<ResponseBodyOf<'searchOrganizations', 200>>().toEqualTypeOf<SearchResult>();
    expectTypeOf<ResponseBodyOf<'getOrganization', 404>>().toEqualTypeOf<ErrorBody>();
    expectTypeOf<RequestBodyOf<'createOrganization'>['name']>().toEqualTypeOf<string>();
    expectTypeOf<QueryOf<'getOrganization'>>().toEqualTypeOf<{ orgId: number }>();
    expectTypeOf<Organization['unitSystem']>().toEqualTypeOf<'IMPERIAL' | 'METRIC' | undefined>();
  });
});
