/** Serves a mock app on HOST:PORT with the Node adapter, and stops it within a deadline. */
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { MockApp } from './http/app.ts';

/** How long a stop waits for requests in flight before it cuts the connections left. */
export const SHUTDOWN_GRACE_MS = 3_000;

export interface RunningServer {
  url: string;
  /**
   * Stops accepting, closes idle keep-alive connections at once, lets requests in flight finish for up to
   * `graceMs`, then closes every connection left (a stuck client cannot hold the server open).
   */
  close(graceMs?: number): Promise<void>;
}

/** What the adapter passes as `env` (HTTP/1 and HTTP/2 alike), as far as it is read here. */
interface Incoming {
  readonly readableEnded: boolean;
  readonly headers: IncomingHttpHeaders;
}
interface NodeBindings {
  incoming: Incoming;
}

const sentBody = (incoming: Incoming) => {
  const length = incoming.headers['content-length'];
  return (length !== undefined && length !== '0') || incoming.headers['transfer-encoding'] !== undefined;
};

/**
 * An answer sent before the request's body was read (a 413 by Content-Length, a 401 to a large create)
 * leaves unread bytes on the connection, and the adapter then cuts it: the answer says
 * `Connection: close`, so that a keep-alive client opens a new connection instead of failing on this one.
 */
function closingIfUnread(response: Response, incoming: Incoming): Response {
  if (!incoming.readableEnded && sentBody(incoming)) response.headers.set('Connection', 'close');
  return response;
}

export function fetchOf(app: MockApp) {
  return (request: Request, env: NodeBindings): Response | Promise<Response> => {
    const answer = app.fetch(request, env);
    return answer instanceof Promise
      ? answer.then((response) => closingIfUnread(response, env.incoming))
      : closingIfUnread(answer, env.incoming);
  };
}

export function listen(app: MockApp, host: string, port: number): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: fetchOf(app), hostname: host, port }, (info: AddressInfo) => {
      const shownHost = info.address.includes(':') ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${shownHost}:${info.port}`,
        // cast: serve() makes a node:http Server unless given `createServer` (HTTP/2), which it is not here.
        close: (graceMs = SHUTDOWN_GRACE_MS) => stop(server as Server, graceMs),
      });
    });
    server.once('error', reject);
  });
}

function stop(server: Server, graceMs: number): Promise<void> {
  return new Promise((done) => {
    const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
    deadline.unref();
    // A keep-alive connection whose request in flight has been answered is idle from then on: close it then.
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    server.close(() => {
      clearTimeout(deadline);
      clearInterval(sweep);
      done();
    });
    server.closeIdleConnections();
  });
}
