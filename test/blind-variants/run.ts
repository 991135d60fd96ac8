/** Runs the contract runner in-process against a blind variant (or the unbroken mock), as QA would run it. */
import type { Config } from '../../src/config.ts';
import type { RunReport } from '../../src/contract/report.ts';
import { type RunOptions, runContract } from '../../src/contract/runner.ts';
import { cachedSpec, type MockApp } from '../../src/http/app.ts';
import { createApp } from '../../src/node/app.ts';
import type { Fetch } from './kit.ts';

export const makeMock = (config: Partial<Config> = {}, now?: () => number): Promise<MockApp> =>
  createApp({ config: { quiet: true, ...config }, ...(now ? { now } : {}) });

/** The plain in-process mock as a fetch. */
export const fetchOf = (app: MockApp): Fetch =>
  ((input: string | URL | Request, init?: RequestInit) => app.fetch(new Request(input, init))) as Fetch;

/** A full run: all checks, writes allowed, a static token, another branch's token and an OAuth client. */
export async function fullRun(fetchImpl: Fetch, options: Partial<RunOptions> = {}) {
  return runContract({
    target: 'http://mock.test',
    spec: await cachedSpec(),
    token: 'root-admin-token',
    otherToken: 'branch-admin-token',
    clientId: 'root-client',
    clientSecret: 'root-secret',
    allowWrites: true,
    strict: false,
    maxRps: 100_000,
    fetch: fetchImpl,
    ...options,
  });
}

/** Caught: the run failed, with at least one contract failure (a fidelity finding alone does not count). */
export const caught = (report: RunReport): boolean => report.verdict === 'failed' && report.totals.contractFailures > 0;

/**
 * The blind runs are narrower than a default run in one option only, to keep npm test cheap: 5 property-based
 * examples instead of 50 (about half of a run's CPU). Every check still runs, with writes.
 */
export const BLIND_RUN: Partial<RunOptions> = { examples: 5 };
