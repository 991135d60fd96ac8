/** Runs the contract runner in-process against an app, or against a deliberately broken variant of it. */

import { type RunOptions, runContract } from '../src/contract/runner.ts';
import { cachedSpec, type MockApp } from '../src/http/app.ts';
import { type Fetch, fetchOf } from './broken-variants/index.ts';
import { makeApp } from './helpers.ts';

export async function run(fetchImpl: Fetch, options: Partial<RunOptions> = {}) {
  return runContract({
    target: 'http://mock.test',
    spec: await cachedSpec(),
    clientId: 'root-client',
    clientSecret: 'root-secret',
    allowWrites: false,
    strict: true,
    maxRps: 100_000,
    fetch: fetchImpl,
    ...options,
  });
}

/** The organizations as a client sees them, without lastModifiedTs (a server that ignores orgId may touch it). */
export const contentOf = (app: MockApp, maxId = 105) =>
  JSON.stringify(
    app.mock.state.tree
      .all()
      .filter((o) => o.id <= maxId)
      .map(({ lastModifiedTs: _t, ...rest }) => rest),
  );

export { type Fetch, fetchOf, makeApp };
