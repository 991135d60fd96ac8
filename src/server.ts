/** Serves a mock app on HOST:PORT with the Node adapter, and stops it within a deadline. */
import type { Server } from 'node:http';
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

export function listen(app: MockApp, host: string, port: number): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, (info: AddressInfo) => {
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
    server.close(() => {
      clearTimeout(deadline);
      done();
    });
    server.closeIdleConnections();
  });
}
