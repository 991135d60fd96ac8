/**
 * orgs-mock/msw: the whole stateful mock (its own tree, tokens, rules, sessions and control plane) as MSW
 * request handlers, for `setupServer` in Node tests and `setupWorker` in the browser: no server runs, and
 * every request is answered by the same Hono app that `orgs-mock serve` serves.
 *
 *   const handlers = await createHandlers({ baseUrl: 'https://api.example.com' });
 *   setupWorker(...handlers).start();  // or setupServer(...handlers).listen() in Node
 */
import { type HttpHandler, http } from 'msw';
import { type AppOptions, createApp, type MockApp } from './http/app.ts';

export interface HandlerOptions extends AppOptions {
  /**
   * The origin the mock stands for, such as `https://api.example.com`: every request to it is answered by
   * the mock, unknown paths included (404, as the server would). Without it, requests to the spec's paths
   * (`/api/v1/organization…`, `/oauth2/token`, `/_mock/…`, `/openapi.yaml`) are answered on any origin, and
   * other requests are left alone.
   */
  baseUrl?: string;
}

/** The handlers, and the app behind them (`handlers.app.mock` holds its state). */
export type MockHandlers = HttpHandler[] & { readonly app: MockApp };

/** MSW handlers backed by a new mock; the options are createApp's, plus `baseUrl`. */
export async function createHandlers(options: HandlerOptions = {}): Promise<MockHandlers> {
  const { baseUrl, ...appOptions } = options;
  return handlersFor(await createApp(appOptions), baseUrl);
}

/** MSW handlers that pass requests to this app. */
export function handlersFor(app: MockApp, baseUrl?: string): MockHandlers {
  const answer = ({ request }: { request: Request }) => app.fetch(request);
  const patterns = baseUrl === undefined ? specPaths(app) : [`${baseUrl.replace(/\/+$/, '')}/*`];
  return Object.assign(
    patterns.map((pattern) => http.all(pattern, answer)),
    { app },
  );
}

/** The spec's paths on any origin (`*` stands for it), and the spec itself. */
function specPaths(app: MockApp): string[] {
  const paths = new Set(app.mock.spec.operations.map((op) => op.path));
  return [...paths, '/openapi.yaml'].map((path) => `*${path}`);
}
