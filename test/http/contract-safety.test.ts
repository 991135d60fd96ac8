/**
 * The runner's safety in depth: redirects are never followed (same- or cross-origin), every write goes
 * only to an organization the run created and verified and its answer must name it, and an answer that
 * is endless, cut, too large or too slow becomes a recorded exchange with `transport` while the run goes on.
 * Redirects need a real fetch (the one that would follow them), so those tests use loopback servers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Exchange, type OutgoingRequest, TargetClient, WriteRefused } from '../../src/contract/client.ts';
import { ContractSpec } from '../../src/contract/contract-spec.ts';
import { Sandbox } from '../../src/contract/sandbox.ts';
import { cachedSpec, type MockApp } from '../../src/http/app.ts';
import { listen, type RunningServer } from '../../src/server.ts';
import { type Fetch, fetchOf, makeApp, run } from '../contract-helpers.ts';

const ORG = '/api/v1/organization';
const SEARCH = '/api/v1/organization/search';

const organization = (app: MockApp, id: number) => JSON.stringify(app.mock.state.tree.all().find((o) => o.id === id));

/** A mock behind a real socket whose answers a handler may replace. */
async function serve(
  app: MockApp,
  handler: (request: Request) => Response | undefined,
): Promise<{ server: RunningServer; seen: string[] }> {
  const seen: string[] = [];
  const wrapped = Object.assign(Object.create(app), {
    fetch: async (request: Request) => {
      const url = new URL(request.url);
      seen.push(`${request.method} ${url.pathname}${url.search}`);
      return handler(request) ?? app.fetch(request);
    },
  });
  return { server: await listen(wrapped, '127.0.0.1', 0), seen };
}

const isWrite = (request: Request) =>
  new URL(request.url).pathname === ORG && (request.method === 'PUT' || request.method === 'DELETE');

describe('redirects are never followed', () => {
  let app: MockApp;
  let other: MockApp;
  let servers: RunningServer[] = [];
  let otherSeen: string[];
  let sameOrigin: { server: RunningServer; seen: string[] };
  let crossOrigin: { server: RunningServer; seen: string[] };
  beforeAll(async () => {
    app = await makeApp();
    other = await makeApp();
    const elsewhere = await serve(other, () => undefined);
    otherSeen = elsewhere.seen;
    sameOrigin = await serve(app, (request) =>
      isWrite(request) ? new Response(null, { status: 307, headers: { location: `${ORG}?orgId=3` } }) : undefined,
    );
    crossOrigin = await serve(app, (request) =>
      isWrite(request)
        ? new Response(null, { status: 307, headers: { location: `${elsewhere.server.url}${ORG}?orgId=3` } })
        : undefined,
    );
    servers = [elsewhere.server, sameOrigin.server, crossOrigin.server];
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
  });

  it('a same-origin 307 to orgId=3 on every write leaves organization 3 untouched; the run lists what it could not remove', async () => {
    const before = organization(app, 3);
    const { report, log } = await runOn(sameOrigin.server.url);
    expect(organization(app, 3)).toBe(before);
    expect(sameOrigin.seen.filter((s) => /^(PUT|DELETE) .*orgId=3$/.test(s))).toEqual([]);
    const redirected = log.filter((e) => e.status === 307);
    expect(redirected.length).toBeGreaterThan(0);
    expect(report.cleanup.leftover.length).toBeGreaterThan(0);
    // Nothing is resent to a target whose write was redirected, and each redirected write is a finding of its own.
    expect(new Set(redirected.map((e) => `${e.method} ${e.url}`)).size).toBe(redirected.length);
    const found = report.failures.filter((f) => f.check === 'transport_sound');
    expect(found.map((f) => `${f.examples[0]?.request?.method} ${f.examples[0]?.request?.url}`).sort()).toEqual(
      redirected.map((e) => `${e.method} ${e.url}`).sort(),
    );
    expect(found[0]?.actual).toBe('redirect: answered 307 to /api/v1/organization?orgId=3; not followed');
  });

  it('a cross-origin 307 sends nothing to the other server, and the exchange carries transport "redirect"', async () => {
    const before = organization(app, 3);
    await runOn(crossOrigin.server.url);
    expect(otherSeen).toEqual([]);
    expect(organization(app, 3)).toBe(before);
    // The client alone: the 307 is the exchange, marked, its Location named.
    const { client, sandbox } = await guarded(crossOrigin.server.url);
    const created = await sandbox.create({ name: sandbox.name('Redirect'), parentId: 1 }, 1);
    expect(created.id).toBeTypeOf('number');
    const exchange = await client.send(update(Number(created.id)));
    expect(exchange.response.status).toBe(307);
    expect(exchange.transport).toEqual({
      kind: 'redirect',
      detail: expect.stringContaining(`answered 307 to ${servers[0]?.url}${ORG}?orgId=3; not followed`),
    });
    expect(otherSeen).toEqual([]);
  });

  const runOn = async (target: string) => {
    const { spec } = await specs();
    return await import('../../src/contract/runner.ts').then(({ runContract }) =>
      runContract({
        target,
        spec,
        token: 'root-admin-token',
        allowWrites: true,
        // transport_sound not named: a safety check, it runs unless excluded by name.
        checks: ['read_your_writes', 'unknown_id_not_found'],
        maxRps: 100_000,
      }),
    );
  };
});

const specs = async () => {
  const spec = await cachedSpec();
  return { spec, contract: new ContractSpec(spec) };
};

function update(id: number, extra: Partial<OutgoingRequest> = {}): OutgoingRequest {
  return {
    operationId: 'updateOrganization',
    method: 'PUT',
    path: ORG,
    query: { orgId: String(id) },
    headers: { Authorization: 'Bearer root-admin-token' },
    body: { name: 'renamed by the runner' },
    ...extra,
  };
}

/** A client and its sandbox for the token root-admin-token (organization 1). */
async function guarded(target: string, fetchImpl?: Fetch, ownName = 'root') {
  const { contract } = await specs();
  const client = new TargetClient({ target, fetch: fetchImpl, maxRps: 100_000, deadline: Date.now() + 60_000 });
  const sandbox = new Sandbox(client, contract, 'root-admin-token', 'orgs-mock-contract safety', {
    id: 1,
    name: ownName,
  });
  return { client, sandbox };
}

describe('writes go only to what the run created and verified', () => {
  it('the client refuses a PUT or DELETE to an id the run did not create, before anything is sent', async () => {
    const app = await makeApp();
    const sent: string[] = [];
    const fetchImpl: Fetch = async (input, init) => {
      sent.push(`${init?.method} ${String(input)}`);
      return fetchOf(app)(input, init);
    };
    const ownName: string = JSON.parse(organization(app, 1)).name;
    const { client } = await guarded('http://mock.test', fetchImpl, ownName);
    const before = organization(app, 3);
    await expect(client.send(update(3))).rejects.toThrow(WriteRefused);
    await expect(client.send({ ...update(3), method: 'DELETE', body: undefined })).rejects.toThrow(
      /refuses to DELETE organization 3: the run did not create and verify it/,
    );
    // Without orgId (a refusal check's request) a DELETE is never sent; a PUT only when marked harmless.
    await expect(client.send({ ...update(3), method: 'DELETE', query: {} })).rejects.toThrow(/\(no orgId\)/);
    await expect(client.send({ ...update(3), query: {} })).rejects.toThrow(WriteRefused);
    expect(sent).toEqual([]);
    expect(organization(app, 3)).toBe(before);
    // Without orgId a PUT edits the token's own organization: it goes only to give it the name it has.
    const own = organization(app, 1);
    const harmless = await client.send({ ...update(3), query: {}, body: { name: ownName } });
    expect(sent).toEqual([`PUT http://mock.test${ORG}`]);
    expect(harmless.response.status).toBe(200);
    expect(JSON.parse(organization(app, 1)).name).toBe(JSON.parse(own).name);
    // So does a refusal probe whose body is no JSON object: there is nothing in it to apply.
    const renamed = organization(app, 1);
    const probe = await client.send({ ...update(3), query: {}, body: ['not', 'an', 'object'] });
    expect(probe.response.status).toBe(400);
    expect(organization(app, 1)).toBe(renamed);
    sent.length = 0;
    await expect(client.send({ ...update(3), query: {}, body: { name: ownName, tz: 'UTC' } })).rejects.toThrow(
      WriteRefused,
    );
    await expect(client.send({ ...update(3), method: 'DELETE', query: {}, body: { name: ownName } })).rejects.toThrow(
      WriteRefused,
    );
    expect(sent).toEqual([]);
    // A client without a sandbox sends no write at all.
    const bare = new TargetClient({
      target: 'http://mock.test',
      fetch: fetchImpl,
      maxRps: 100,
      deadline: Date.now() + 1000,
    });
    await expect(bare.send(update(3))).rejects.toThrow(/No write guard/);
    expect(sent).toEqual([]);
  });

  it('an update answered with another id is a writes_verified failure, and no further update is sent', async () => {
    const app = await makeApp();
    const puts: string[] = [];
    const fetchImpl: Fetch = async (input, init) => {
      const response = await fetchOf(app)(input, init);
      if (init?.method !== 'PUT' || response.status !== 200) return response;
      puts.push(String(input));
      const body = (await response.json()) as Record<string, unknown>;
      return Response.json({ ...body, id: 3 });
    };
    const { report } = await run(fetchImpl, {
      token: 'root-admin-token',
      clientId: undefined,
      clientSecret: undefined,
      allowWrites: true,
      checks: ['read_your_writes', 'writes_verified'],
    });
    const found = report.failures.find((f) => f.check === 'writes_verified');
    expect(found?.actual).toBe('it answered organization 3; the run sends no further update');
    expect(found?.expected).toMatch(/^the answer to PUT orgId=\d+ is organization \d+$/);
    // The probe was the one update sent.
    expect(puts).toHaveLength(1);
  });
});

/** A body of `total` bytes (or endless), made as it is read; `pulled` counts what the reader asked for. */
function streamed(total: number, chunk = 64 * 1024) {
  const counter = { pulled: 0 };
  const piece = new Uint8Array(chunk).fill(0x61);
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (counter.pulled >= total) return controller.close();
      counter.pulled += chunk;
      controller.enqueue(piece);
    },
  });
  return { body, counter };
}

function clientFor(
  response: () => Response | Promise<Response>,
  options: Partial<ConstructorParameters<typeof TargetClient>[0]> = {},
) {
  const calls: RequestInit[] = [];
  const client = new TargetClient({
    target: 'http://mock.test',
    fetch: (async (_input: string, init: RequestInit) => {
      calls.push(init);
      return response();
    }) as Fetch,
    maxRps: 100_000,
    deadline: Date.now() + 60_000,
    ...options,
  });
  return { client, calls };
}

const get = (): OutgoingRequest => ({ operationId: 'searchOrganizations', method: 'GET', path: SEARCH });

describe('answers are read within a byte cap and time limits', () => {
  it('a 200 MB answer: the first 4 MB are kept, the rest is never read, and the exchange says so', async () => {
    const { body, counter } = streamed(200 * 1024 * 1024);
    const { client, calls } = clientFor(() => new Response(body, { status: 200 }));
    const exchange = await client.send(get());
    expect(exchange.transport).toEqual({
      kind: 'body_too_large',
      detail: 'the body is larger than 4194304 bytes; the rest was not read',
    });
    expect(exchange.response.status).toBe(200);
    expect(exchange.response.text).toHaveLength(4 * 1024 * 1024);
    expect(exchange.response.body).toBeUndefined();
    // A stream pulls ahead a little; nowhere near the 200 MB.
    expect(counter.pulled).toBeLessThan(5 * 1024 * 1024);
    expect(calls[0]?.redirect).toBe('manual');
    expect(client.exchanges).toEqual([exchange]);
  });

  it('an endless answer is cut at the cap too', async () => {
    const { body, counter } = streamed(Number.POSITIVE_INFINITY);
    const { client } = clientFor(() => new Response(body, { status: 200 }), { limits: { maxBytes: 1024 * 1024 } });
    const exchange = await client.send(get());
    expect(exchange.transport?.kind).toBe('body_too_large');
    expect(counter.pulled).toBeLessThan(2 * 1024 * 1024);
  });

  it('a connection cut mid-body: what was read is kept, and the exchange is body_cut', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"content":['));
      },
      pull(controller) {
        controller.error(new Error('socket hang up'));
      },
    });
    const { client } = clientFor(() => new Response(body, { status: 200 }));
    const exchange = await client.send(get());
    expect(exchange.response.text).toBe('{"content":[');
    expect(exchange.transport).toEqual({
      kind: 'body_cut',
      detail: 'the connection ended mid-body after 12 bytes (socket hang up)',
    });
  });

  it('a body that stops coming (idle) and one still coming after the total limit are body_timeout', async () => {
    const stalled = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{'));
      },
      pull: () => new Promise<void>(() => undefined),
    });
    const idle = clientFor(() => new Response(stalled, { status: 200 }), { limits: { idleMs: 5 } });
    expect((await idle.client.send(get())).transport).toEqual({
      kind: 'body_timeout',
      detail: 'no byte of the body for 5 ms after 1 bytes',
    });
    // The total limit on a clock that each chunk advances by a second.
    let now = 0;
    const { body } = streamed(Number.POSITIVE_INFINITY, 10);
    const slow = clientFor(() => new Response(body, { status: 200 }), {
      limits: { totalMs: 5_000 },
      bodyClock: () => (now += 1_000),
    });
    const exchange = await slow.client.send(get());
    expect(exchange.transport).toEqual({ kind: 'body_timeout', detail: 'the body was still coming after 5000 ms' });
    expect(exchange.response.text.length).toBeLessThan(100);
  });

  it('no answer at all is an exchange with status 0 and transport no_answer, not an exception', async () => {
    const { client } = clientFor(() => Promise.reject(new TypeError('fetch failed', { cause: 'ECONNREFUSED' })));
    const exchange: Exchange = await client.send(get());
    expect(exchange.response.status).toBe(0);
    expect(exchange.transport).toEqual({
      kind: 'no_answer',
      detail: `cannot reach http://mock.test${SEARCH}: ECONNREFUSED`,
    });
  });

  it('the run goes on past an endless and a cut answer, and records both', async () => {
    const app = await makeApp();
    let searches = 0;
    const fetchImpl: Fetch = async (input, init) => {
      const url = new URL(String(input));
      if (url.pathname === SEARCH && ++searches <= 2) {
        if (searches === 1) return new Response(streamed(Number.POSITIVE_INFINITY).body, { status: 200 });
        const cut = new ReadableStream<Uint8Array>({
          pull: (controller) => controller.error(new Error('socket hang up')),
        });
        return new Response(cut, { status: 200 });
      }
      return fetchOf(app)(input, init);
    };
    const { report, log } = await run(fetchImpl, {
      token: 'root-admin-token',
      checks: ['search_sorting', 'search_paging'],
    });
    expect(report.notRun).toEqual([]);
    // The safety checks come along unnamed, and transport_sound reports both answers.
    expect(report.checks.map((c) => c.name)).toEqual([
      'transport_sound',
      'writes_verified',
      'search_sorting',
      'search_paging',
    ]);
    expect(
      report.failures
        .filter((f) => f.check === 'transport_sound')
        .map((f) => f.actual.split(':')[0])
        .sort(),
    ).toEqual(['body_cut', 'body_too_large']);
    expect(log.filter((e) => e.method === 'GET' && new URL(e.url).pathname === SEARCH).length).toBeGreaterThan(2);
    expect(log[0]?.responseBody.length).toBeLessThanOrEqual(2000);
  });
});

describe('a connection the server closed under a kept-alive request', () => {
  const closed = () =>
    new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });

  it('an idempotent request is sent once more on a new connection; a create is not', async () => {
    let calls = 0;
    const { client } = clientFor(() =>
      ++calls === 1 ? Promise.reject(closed()) : new Response('{}', { status: 200 }),
    );
    expect((await client.send(get())).response.status).toBe(200);
    expect(calls).toBe(2);
    calls = 0;
    const create: OutgoingRequest = {
      operationId: 'createOrganization',
      method: 'POST',
      path: `${ORG}/create`,
      body: {},
    };
    const exchange = await client.send(create);
    expect(calls).toBe(1);
    expect(exchange.transport?.kind).toBe('no_answer');
  });
});

describe('the diff log', () => {
  it('an answer that echoes the access token where the log cuts it holds no part of the token', async () => {
    const app = await makeApp();
    const issued: string[] = [];
    const fetchImpl: Fetch = async (input, init) => {
      const response = await fetchOf(app)(input, init);
      const url = new URL(String(input));
      if (url.pathname === '/oauth2/token' && response.status === 200)
        issued.push(((await response.clone().json()) as { access_token: string }).access_token);
      if (url.pathname !== SEARCH) return response;
      // The log keeps the first 2000 characters: the token straddles the cut.
      const authorization = new Headers(init?.headers).get('authorization') ?? '';
      return Response.json({ echo: `${'x'.repeat(1970)}${authorization}` }, { status: 500 });
    };
    const { log } = await run(fetchImpl, { checks: ['search_paging'] });
    const token = issued[0] ?? '';
    expect(token.length).toBeGreaterThan(16);
    const echoed = log.filter((e) => new URL(e.url).pathname === SEARCH);
    expect(echoed.length).toBeGreaterThan(0);
    for (const e of echoed) {
      expect(e.responseBody).not.toContain(token.slice(0, 6));
      expect(e.responseBody).toMatch(/\$ACCESS_TOKEN…$|\$TOKEN…$/);
    }
  });
});
