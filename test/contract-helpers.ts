/** Runs the contract runner in-process against an app, or against a deliberately broken variant of it. */
import { cachedSpec, type MockApp } from '../src/http/app.ts';
import { type RunOptions, runContract } from '../src/contract/runner.ts';
import { makeApp } from './helpers.ts';

export type Fetch = typeof fetch;

/** A fetch that goes to the app without a port. */
export function fetchOf(app: MockApp): Fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => app.fetch(new Request(input, init))) as Fetch;
}

/** Rewrites JSON bodies of responses; the status and headers stay unless `status` is given. */
export function rewriteJson(response: Response, edit: (body: any) => unknown, status = response.status, contentType?: string): Promise<Response> {
  return response.text().then((text) => {
    const headers = new Headers(response.headers);
    headers.delete('content-length');
    if (contentType) headers.set('content-type', contentType);
    if (text === '') return new Response(null, { status, headers });
    return new Response(JSON.stringify(edit(JSON.parse(text))), { status, headers });
  });
}

export async function run(fetchImpl: Fetch, options: Partial<RunOptions> = {}) {
  return runContract({
    target: 'http://mock.test',
    spec: await cachedSpec(),
    clientId: 'root-client',
    clientSecret: 'root-secret',
    allowWrites: true,
    maxRps: 100_000,
    fetch: fetchImpl,
    ...options,
  });
}

export { makeApp };
