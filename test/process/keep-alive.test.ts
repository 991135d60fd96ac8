/**
 * Keep-alive clients (browsers, undici, proxies) reuse a connection: an answer after which the server
 * closes it must say `Connection: close`, or the client's next request on it fails with ECONNRESET. An
 * unread body of bounded length is read to its end before the answer, so that a client or proxy still
 * sending it never meets a closed socket, and the connection stays open.
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

describe('keep-alive after an answer found before the body was read', () => {
  it('a 413 by Content-Length is sent once the body is read, on a connection that stays open', async () => {
    const first = await send('POST', '/api/v1/organization/create', TOKENS.root, Buffer.alloc(3_000_000, 'a'));
    expect(first.status).toBe(413);
    expect(JSON.parse(first.body)).toEqual({ error: { message: 'Request body should be at most 2 MB.' } });
    expect(first.connection).toBe('keep-alive');
    const next = await send('GET', '/api/v1/organization/profile', TOKENS.root);
    expect(next.status).toBe(200);
  });

  it('a 401 to a large unread body keeps the connection too, and so does a read body', async () => {
    const refused = await send('POST', '/api/v1/organization/create', null, Buffer.alloc(1_500_000, 'a'));
    expect(refused.status).toBe(401);
    expect(refused.connection).toBe('keep-alive');
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

  it('a declared body too large to read through is answered with Connection: close, and the next request succeeds', async () => {
    const url = new URL(server.url);
    // 64 MB announced, 1 MB sent, then the client waits for the answer (as a browser upload does).
    const answer = await new Promise<Answer>((resolve, reject) => {
      const req = httpRequest(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: '/api/v1/organization/create',
          headers: {
            'Content-Type': 'application/json',
            'Content-Length': String(64 * 1024 * 1024),
            Authorization: `Bearer ${TOKENS.root}`,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk) => chunks.push(chunk));
          res.on('end', () => {
            resolve({
              status: res.statusCode as number,
              connection: res.headers.connection,
              body: Buffer.concat(chunks).toString(),
            });
            req.destroy();
          });
        },
      );
      req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
      req.write(Buffer.alloc(1024 * 1024, 'a'));
    });
    expect(answer.status).toBe(413);
    expect(answer.connection).toBe('close');
    expect((await send('GET', '/api/v1/organization/profile', TOKENS.root)).status).toBe(200);
  });
});
