/**
 * A real node:http server on 127.0.0.1 (ephemeral port) in front of an in-process mock, for pointing
 * `orgs-mock contract` at as a user would. It records every exchange, the ids the run's creates answered
 * and every write's target, and lets a scenario take over selected requests to misbehave: redirect them,
 * echo credentials, send endless, cut or huge bodies, or die.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MockApp } from '../../src/http/app.ts';

/** One request as it reached the server. */
export interface Seen {
  /** Its position among the requests this server received, from 0. */
  index: number;
  method: string;
  /** Path and query, as sent. */
  url: string;
  pathname: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  /** The orgId query parameter of a PUT or DELETE, as a number (NaN when absent or not a number). */
  orgId?: number;
  /** The mock's status, when the mock answered (a scenario's own answer leaves it unset). */
  status?: number;
}

/**
 * Takes over a request when it returns true, answering `res` itself; `forward()` gives the mock's answer
 * for the same request, for scenarios that echo or alter it.
 */
export type Misbehave = (
  seen: Seen,
  res: ServerResponse,
  forward: () => Promise<Response>,
) => Promise<boolean> | boolean;

export interface Hostile {
  url: string;
  seen: Seen[];
  /** The PUT and DELETE requests received (whoever answered them). */
  writes: Seen[];
  /** Ids the mock answered to the run's creates: the only organizations the run may write to. */
  created: Set<number>;
  /** Every access and refresh token the mock issued through this server. */
  issued: Set<string>;
  /** Stops listening and cuts every connection at once (a server that dies). */
  die(): void;
  close(): Promise<void>;
}

/** Request bodies beyond this are not kept (the runner's oversized-body probe sends a little over 2 MB). */
const MAX_REQUEST_BYTES = 3 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The mock's answer to a request, through app.fetch in this process. */
function toMock(app: MockApp, seen: Seen, body: Buffer): Promise<Response> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(seen.headers)) {
    if (value === undefined || name === 'host' || name === 'connection') continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const hasBody = seen.method !== 'GET' && seen.method !== 'HEAD';
  return Promise.resolve(
    app.fetch(
      new Request(`http://127.0.0.1${seen.url}`, { method: seen.method, headers, body: hasBody ? body : undefined }),
    ),
  );
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  const bytes = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'content-length' && name !== 'transfer-encoding') headers[name] = value;
  });
  headers['content-length'] = String(bytes.length);
  res.writeHead(response.status, headers);
  res.end(bytes);
}

export function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

export async function hostileServer(app: MockApp, misbehave: Misbehave = () => false): Promise<Hostile> {
  const seen: Seen[] = [];
  const writes: Seen[] = [];
  const created = new Set<number>();
  const issued = new Set<string>();

  async function record(response: Response, request: Seen): Promise<void> {
    request.status = response.status;
    if (response.status >= 300 || !response.headers.get('content-type')?.includes('json')) return;
    const body = (await response
      .clone()
      .json()
      .catch(() => undefined)) as Record<string, unknown> | undefined;
    if (request.method === 'POST' && request.pathname === '/api/v1/organization/create' && Number.isInteger(body?.id))
      created.add(body?.id as number);
    if (request.pathname === '/oauth2/token')
      for (const key of ['access_token', 'refresh_token']) {
        const token = body?.[key];
        if (typeof token === 'string') issued.add(token);
      }
  }

  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const url = req.url ?? '/';
    const parsed = new URL(url, 'http://127.0.0.1');
    const request: Seen = {
      index: seen.length,
      method: req.method ?? 'GET',
      url,
      pathname: parsed.pathname,
      query: parsed.searchParams,
      headers: req.headers,
      body: body.toString('utf8'),
    };
    seen.push(request);
    if (request.method === 'PUT' || request.method === 'DELETE') {
      request.orgId = Number(parsed.searchParams.get('orgId') ?? Number.NaN);
      writes.push(request);
    }
    const forward = async () => {
      const response = await toMock(app, request, body);
      await record(response, request);
      return response;
    };
    try {
      if (await misbehave(request, res, forward)) return;
      await send(res, await forward());
    } catch {
      res.destroy();
    }
  });
  server.keepAliveTimeout = 1_000;
  const url = await listen(server);
  return {
    url,
    seen,
    writes,
    created,
    issued,
    die() {
      server.close();
      server.closeAllConnections();
    },
    close: () =>
      new Promise((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

/** A second origin that records whatever reaches it, and answers 404 with the Error body. */
export async function recorder(): Promise<{
  url: string;
  seen: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }>;
  close(): Promise<void>;
}> {
  const seen: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> = [];
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    seen.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: body.toString('utf8') });
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: 'You reached the recorder.' } }));
  });
  const url = await listen(server);
  return {
    url,
    seen,
    close: () =>
      new Promise((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}
