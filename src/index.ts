/**
 * orgs-mock as a library in Node: build the mock in-process (no port) for unit tests, serve it, or run the
 * contract checks; and the TypeScript types of every request and response, generated from openapi.yaml.
 * For browsers and MSW, see `orgs-mock/msw`.
 */
import type { RunOptions, RunResult } from './contract/runner.ts';
import type { components } from './generated/openapi.ts';

export { type Config, DEFAULT_CONFIG } from './config.ts';
export type { RunReport } from './contract/report.ts';
export type { RunOptions, RunResult } from './contract/runner.ts';
export type { Fixtures } from './domain/fixtures.ts';
export type { components, operations, paths } from './generated/openapi.ts';
export { type AppOptions, cachedSpec, type MockApp, type MockContext } from './http/app.ts';
export type { DocsAssets } from './http/docs.ts';
export { createApp } from './node/app.ts';
export { loadFixtures } from './node/fixtures.ts';
export { loadSpec, type SpecDocument } from './openapi/document.ts';
export { listen, type RunningServer } from './server.ts';

/** Runs the contract checks against a server (the runner is loaded on first use, not with the mock). */
export async function runContract(options: RunOptions): Promise<RunResult> {
  const runner = await import('./contract/runner.ts');
  return runner.runContract(options);
}
type Schemas = components['schemas'];
export type Organization = Schemas['Organization'];
export type Address = Schemas['Address'];
export type SearchResult = Schemas['SearchResult'];
export type OrganizationCreate = Schemas['OrganizationCreate'];
export type OrganizationUpdate = Schemas['OrganizationUpdate'];
export type ErrorBody = Schemas['Error'];
export type OAuth2Token = Schemas['OAuth2Token'];
export type OAuthError = Schemas['OAuthError'];

export type { OperationId, QueryOf, RequestBodyOf, ResponseBodyOf } from './openapi/operation-types.ts';
