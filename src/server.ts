/** Serves a mock app on HOST:PORT with the Node adapter, and stops it within a deadline. */
import { type IncomingHttpHeaders, type Server, STATUS_CODES } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
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
  readonly method?: string | undefined;
  readonly readableEnded: boolean;
  readonly headers: IncomingHttpHeaders;
  resume(): unknown;
  once(event: 'end' | 'close' | 'error', listener: () => void): unknown;
  off(event: 'end' | 'close' | 'error', listener: () => void): unknown;
}
interface NodeBindings {
  incoming: Incoming;
}

/**
 * An unread body the server reads to its end before it answers (as Tomcat swallows one), so that the
 * connection stays usable and a client or proxy still sending it never meets a closed socket: up to this
 * many declared bytes, for up to DRAIN_MS.
 */
const DRAIN_MAX_BYTES = 16 * 1024 * 1024;
const DRAIN_MS = 2_000;

/** Whether a request other than GET or HEAD still has body bytes on the connection (Node reads past a GET's). */
const unreadBody = (incoming: Incoming) => {
  if (incoming.readableEnded || incoming.method === 'GET' || incoming.method === 'HEAD') return false;
  const length = incoming.headers['content-length'];
  return (length !== undefined && length !== '0') || incoming.headers['transfer-encoding'] !== undefined;
};

/** Reads and drops the rest of a declared body of bounded length; whether it ended in time. */
function drained(incoming: Incoming): Promise<boolean> {
  const length = Number(incoming.headers['content-length']);
  if (incoming.headers['transfer-encoding'] !== undefined || !(length <= DRAIN_MAX_BYTES))
    return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ended: boolean) => () => {
      clearTimeout(timer);
      incoming.off('end', onEnd);
      incoming.off('close', onStop);
      incoming.off('error', onStop);
      resolve(ended);
    };
    const onEnd = done(true);
    const onStop = done(false);
    const timer = setTimeout(onStop, DRAIN_MS);
    incoming.once('end', onEnd);
    incoming.once('close', onStop);
    incoming.once('error', onStop);
    incoming.resume();
  });
}

/**
 * An answer found before the request's body was read (a 413 by Content-Length, a 401 to a large create).
 * A body of bounded length is read to its end first, and the connection stays open. Otherwise the adapter
 * cuts the connection after the answer, so the answer says `Connection: close`: a keep-alive client then
 * opens a new connection instead of failing on this one.
 */
function settled(response: Response, incoming: Incoming): Response | Promise<Response> {
  if (!unreadBody(incoming)) return response;
  return drained(incoming).then((ended) => {
    if (!ended) response.headers.set('Connection', 'close');
    return response;
  });
}

export function fetchOf(app: MockApp) {
  return (request: Request, env: NodeBindings): Response | Promise<Response> => {
    const answer = app.fetch(request, env);
    return answer instanceof Promise
      ? answer.then((response) => settled(response, env.incoming))
      : settled(answer, env.incoming);
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
    server.on('clientError', closeAfterAnswers);
  });
}

/** Node's own answers to bytes it cannot parse (lib/_http_server.js), by the parser's error code. */
const CANNED: Record<string, number> = {
  HPE_HEADER_OVERFLOW: 431,
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 413,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
};

/**
 * Bytes Node cannot parse (a GET's unframed body read as a next request, headers past the limit). Node's
 * own handler writes its bare answer and destroys the socket, which drops an answer still buffered for the
 * request before them (one written synchronously within the same read): then the connection is ended
 * instead, so that answer goes out first. Otherwise this does what Node does.
 */
function closeAfterAnswers(error: NodeJS.ErrnoException, socket: Duplex): void {
  // Node's own test (lib/_http_server.js): an answer in flight whose headers are out.
  // cast: Node's server keeps the answer in flight on the socket as _httpMessage, a field its types do not name.
  const inFlight = (socket as Socket & { _httpMessage?: { _headerSent?: boolean } | null })._httpMessage;
  if (socket.writable && (socket.writableLength > 0 || inFlight?._headerSent)) {
    // End, not destroy: a reset would make the client drop the answer it has not read yet.
    socket.end();
    setTimeout(() => socket.destroy(), 1_000).unref();
    return;
  }
  if (socket.writable) {
    const status = CANNED[error.code ?? ''] ?? 400;
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n\r\n`);
  }
  socket.destroy(error);
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
