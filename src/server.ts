/** Serves a mock app on HOST:PORT with the Node adapter. */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { MockApp } from './http/app.ts';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export function listen(app: MockApp, host: string, port: number): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, (info: AddressInfo) => {
      const shownHost = info.address.includes(':') ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${shownHost}:${info.port}`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
    server.once('error', reject);
  });
}
