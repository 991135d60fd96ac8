/**
 * Reads a request header. On the Node adapter it reads Node's own parsed headers: asking Hono builds a
 * web `Headers` object from all of them first, which is a real share of a fast request's cost.
 * Elsewhere (app.request() in tests, other runtimes) it asks Hono.
 */

import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';

export function headerOf(c: Context, name: string): string | undefined {
  return requestHeader(c.req.raw, c.env, name);
}

/** The same, before Hono has made a context: from the request and the `env` that `fetch` is given. */
export function requestHeader(request: Request, env: unknown, name: string): string | undefined {
  // cast: @hono/node-server passes the Node request as env.incoming; elsewhere env is absent or has none.
  const incoming = (env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming) {
    const value = incoming.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  }
  return request.headers.get(name) ?? undefined;
}
