/**
 * Keep-alive clients (browsers, undici, proxies) reuse a connection: an answer after which the server
 * closes it must say `Connection: close`, or the client's next request on it fails with ECONNRESET.
 */
import { Agent, request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockApp } from '../../src/http/app.ts';
import { listen, type RunningServer } from '../../src/server.ts';
import { makeApp, TOKENS } from '../helpers.ts';

let app: MockApp;
let server: RunningServer;
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
beforeAll(async () => {
  app = await makeApp({ config: { rateLimitPerMinute: 1_000_000 } });
  server = await listen(app, '127.0.0.1', 0);
});
afterAll(async () => {
  agent.destroy();
  await server.close();
});

interface Answer {
  status: number;
  connection: string | undefined;
  body: string;
}

/** One request through the keep-alive agent (one socket at most, so the next request reuses it). */
function send(method: string, path: string, token: string | null, body?: Buffer): Promise<Answer> {
  const url = new URL(server.url);
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  return new Promise((resolve, reject) => {
    const req = httpRequest({ agent, host: url.hostname, port: url.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode as number,
          connection: res.headers.connection,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('keep-alive after an answer sent before the body was read', () => {
  it('a 413 by Content-Length says Connection: close, and the next request on the same agent succeeds', async () => {
    const first = await send('POST', '/api/v1/organization/create', TOKENS.root, Buffer.alloc(3_000_000, 'a'));
    expect(first.status).toBe(413);
    expect(JSON.parse(first.body)).toEqual({ error: { message: 'Request body should be at most 2 MB.' } });
    expect(first.connection).toBe('close');
    const next = await send('GET', '/api/v1/organization/profile', TOKENS.root);
    expect(next.status).toBe(200);
  });

  it('a 401 to a large unread body says close too; a read body keeps the connection', async () => {
    const refused = await send('POST', '/api/v1/organization/create', null, Buffer.alloc(1_500_000, 'a'));
    expect(refused.status).toBe(401);
    expect(refused.connection).toBe('close');
    expect((await send('GET', '/api/v1/organization/profile', TOKENS.root)).status).toBe(200);
    const created = await send(
      'POST',
      '/api/v1/organization/create',
      TOKENS.root,
      Buffer.from(JSON.stringify({ name: 'Kept Alive', parentId: 1 })),
    );
    expect(created.status).toBe(201);
    expect(created.connection).toBe('keep-alive');
  });
});
