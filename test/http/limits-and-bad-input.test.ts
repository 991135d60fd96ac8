/** Rate limiting, and bad input of every kind: a clear 4xx with the Error body, nothing lost or half-written. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { MockApp } from '../../src/http/app.ts';
import { call, expectError, makeApp, TOKENS } from '../helpers.ts';

let app: MockApp;
let clock: number;
beforeEach(async () => {
  clock = Date.UTC(2026, 0, 1, 12, 0, 10); // ten seconds into a minute
  app = await makeApp({ now: () => clock, config: { rateLimitPerMinute: 3 } });
});

describe('rate limiting', () => {
  it('counts per organization per minute, answers 429 with Retry-After, and resets with the window', async () => {
    for (let i = 0; i < 3; i++) expect((await call(app, 'GET', '/api/v1/organization/profile')).status).toBe(200);
    const limited = await call(app, 'GET', '/api/v1/organization/profile');
    expectError(limited, 429, 'Too many requests: the limit is 3 requests per minute per organization.');
    expect(limited.headers.get('retry-after')).toBe('50');
    // viewer-token is organization 1 too: same budget.
    expect((await call(app, 'GET', '/api/v1/organization/profile', { token: TOKENS.viewer })).status).toBe(429);
    // Organization 2 has its own budget.
    expect((await call(app, 'GET', '/api/v1/organization/profile', { token: TOKENS.branch })).status).toBe(200);
    // Writes are refused too, and change nothing.
    expect((await call(app, 'POST', '/api/v1/organization/create', { body: { name: 'Rate Limited' } })).status).toBe(
      429,
    );
    expect(app.mock.state.tree.size).toBe(105);
    clock += 50_000;
    expect((await call(app, 'GET', '/api/v1/organization/profile')).status).toBe(200);
  });

  it('limits the token endpoint per client organization', async () => {
    const auth = { Authorization: `Basic ${Buffer.from('root-client:root-secret').toString('base64')}` };
    for (let i = 0; i < 3; i++) {
      expect(
        (await call(app, 'POST', '/oauth2/token?grant_type=client_credentials', { token: null, headers: auth })).status,
      ).toBe(200);
    }
    const limited = await call(app, 'POST', '/oauth2/token?grant_type=client_credentials', {
      token: null,
      headers: auth,
    });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('bad input', () => {
  const create = (raw: string, headers: Record<string, string> = { 'Content-Type': 'application/json' }) =>
    call(app, 'POST', '/api/v1/organization/create', { raw, headers });

  beforeEach(async () => {
    app = await makeApp();
  });

  it.each([
    ['{"name": "Broken', 'Request body should be valid JSON.'],
    ['', 'Request body is required.'],
    ['null', 'Request body should be a JSON object.'],
    ['42', 'Request body should be a JSON object.'],
    ['"Acme"', 'Request body should be a JSON object.'],
    ['[]', 'Request body should be a JSON object.'],
  ])('body %j → 400', async (raw, message) => {
    expectError(await create(raw), 400, message);
    expect(app.mock.state.tree.size).toBe(105);
  });

  it('treats a body without Content-Type, or sent as text/plain by fetch(), as JSON', async () => {
    const bytes = new TextEncoder().encode('{"name":"No Content Type"}');
    const reply = await call(app, 'POST', '/api/v1/organization/create', { raw: bytes });
    expect(reply.status).toBe(201);
    expect((await create('{"name":"Plain Text"}', { 'Content-Type': 'text/plain;charset=UTF-8' })).status).toBe(201);
  });

  it('refuses a body that is not JSON by type', async () => {
    expectError(
      await create('name=Form', { 'Content-Type': 'application/x-www-form-urlencoded' }),
      400,
      'Content-Type should be application/json.',
    );
    expectError(
      await create('<name>X</name>', { 'Content-Type': 'application/xml' }),
      400,
      'Content-Type should be application/json.',
    );
    expect(app.mock.state.tree.size).toBe(105);
  });

  it('refuses invalid UTF-8', async () => {
    const reply = await call(app, 'POST', '/api/v1/organization/create', {
      raw: new Uint8Array([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
      headers: { 'Content-Type': 'application/json' },
    });
    expectError(reply, 400, 'Request body should be valid JSON.');
  });

  it('refuses a body over 2 MB with 413, whether Content-Length says so or not', async () => {
    const big = JSON.stringify({ name: 'Big Body', description: 'x'.repeat(2 * 1024 * 1024) });
    expectError(await create(big), 413, 'Request body should be at most 2 MB.');
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const reply = await app.request('/api/v1/organization/create', {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKENS.root}`, 'Content-Type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(reply.status).toBe(413);
    expect(await reply.json()).toEqual({ error: { message: 'Request body should be at most 2 MB.' } });
    expectError(
      await call(app, 'PUT', '/api/v1/organization?orgId=3', {
        raw: big,
        headers: { 'Content-Type': 'application/json' },
      }),
      413,
      'Request body should be at most 2 MB.',
    );
    // The size is checked where the body is read, after the token: without one, the answer is 401.
    const anonymous = await call(app, 'POST', '/api/v1/organization/create', {
      token: null,
      raw: big,
      headers: { 'Content-Type': 'application/json' },
    });
    expectError(anonymous, 401, 'Authorization token is missing.');
    // Where no 413 is documented, the same limit is a 400 in the operation's own form.
    const form = `grant_type=client_credentials&client_id=root-client&client_secret=root-secret&x=${'y'.repeat(2 * 1024 * 1024)}`;
    const token = await call(app, 'POST', '/oauth2/token', {
      token: null,
      raw: form,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(token.status).toBe(400);
    expect(token.body).toEqual({ error: 'invalid_request', error_description: 'Request body should be at most 2 MB.' });
    expectError(
      await call(app, 'PATCH', '/_mock/config', {
        token: null,
        raw: big,
        headers: { 'Content-Type': 'application/json' },
      }),
      400,
      'Request body should be at most 2 MB.',
    );
    expect(app.mock.state.tree.size).toBe(105);
  });

  it('ignores prototype-pollution keys', async () => {
    const reply = await create(
      '{"name":"Proto Org","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
    );
    expect(reply.status).toBe(201);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(reply.body).not.toHaveProperty('polluted');
  });

  it('answers unknown paths with 404 JSON and wrong methods with 405 and Allow', async () => {
    for (const [method, path, hint] of [
      ['GET', '/api/v1/nothing-here', 'GET /api/v1/organization'],
      ['GET', '/api/v1/organization/', 'GET /api/v1/organization'],
      ['GET', '/api/v1/organisation/serch', 'GET /api/v1/organization/search'],
      ['POST', '/api/v1/organizations/create', 'POST /api/v1/organization/create'],
      ['POST', '/oauth/token', 'POST /oauth2/token'],
    ] as const) {
      expectError(await call(app, method, path, { token: null }), 404, `Resource not found. Did you mean ${hint}?`);
    }
    const patch = await call(app, 'PATCH', '/api/v1/organization?orgId=3', { body: { name: 'Patched' } });
    expectError(patch, 405, 'Method PATCH is not allowed here; use GET, PUT, DELETE, HEAD.');
    expect(patch.headers.get('allow')).toBe('GET, PUT, DELETE, HEAD');
    const getCreate = await call(app, 'GET', '/api/v1/organization/create');
    expect(getCreate.status).toBe(405);
    expect(getCreate.headers.get('allow')).toBe('POST');
    expect((await call(app, 'DELETE', '/oauth2/token')).headers.get('allow')).toBe('POST');
    // The docs page and the spec file are paths like any other (Hono's methodNotAllowed knows every route).
    const postSpec = await call(app, 'POST', '/openapi.yaml', { token: null });
    expectError(postSpec, 405, 'Method POST is not allowed here; use GET, HEAD.');
    expect(postSpec.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('Prefer: code=… and injected faults', () => {
  beforeEach(async () => {
    app = await makeApp();
  });

  it('answers 500 with the Error body and no internals, and changes nothing', async () => {
    const reply = await call(app, 'DELETE', '/api/v1/organization?orgId=3', { headers: { Prefer: 'code=500' } });
    expectError(reply, 500, 'Internal server error.');
    expect(app.mock.state.tree.get(3)).toBeDefined();
  });

  it('answers 429 with Retry-After and 401 with a challenge, even with a good token', async () => {
    app = await makeApp({ now: () => Date.UTC(2026, 0, 1, 12, 0, 15) }); // 45 s before the window ends
    const limited = await call(app, 'GET', '/api/v1/organization?orgId=1', { headers: { Prefer: 'code=429' } });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('45');
    const denied = await call(app, 'GET', '/api/v1/organization?orgId=1', { headers: { Prefer: 'code=401' } });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('www-authenticate')).toMatch(/^Bearer /);
  });

  it('refuses a code the operation does not document, or a malformed value, with 400 naming the header and what is possible', async () => {
    const possible =
      'Header Prefer should be code=<status> and/or delay=<milliseconds from 0 to 60000>; this operation documents code=200, 401, 403, 429, 500.';
    for (const prefer of ['code=404', 'code=abc', 'code=', 'delay=-5', 'delay=60001', 'code=429, delay=x']) {
      expectError(
        await call(app, 'GET', '/api/v1/organization/profile', { headers: { Prefer: prefer } }),
        400,
        possible,
      );
    }
    // Preferences of other names are ignored, as RFC 7240 asks.
    expect(
      (await call(app, 'GET', '/api/v1/organization/profile', { headers: { Prefer: 'return=minimal' } })).status,
    ).toBe(200);
  });
});

describe('validateResponses', () => {
  it('answers 500 instead of a response that departs from openapi.yaml, and lets conforming ones through', async () => {
    const lines: string[] = [];
    const strict = await makeApp({ validateResponses: true, log: (line) => lines.push(line) });
    expect((await call(strict, 'GET', '/api/v1/organization?orgId=abc')).status).toBe(400);
    const tree = strict.mock.state.tree;
    const { tz: _dropped, ...withoutTz } = tree.get(1)!;
    tree.getVisible = () => withoutTz as never; // a bug that loses a required field
    expectError(await call(strict, 'GET', '/api/v1/organization/profile'), 500, 'Internal server error.');
    expect(lines.some((line) => line.includes('departs from openapi.yaml') && line.includes("'tz'"))).toBe(true);
  });
});

describe('a thrown bug', () => {
  it('becomes a 500 with no stack trace in the body, and the server keeps serving', async () => {
    const lines: string[] = [];
    const broken = await makeApp({ log: (line) => lines.push(line) });
    broken.mock.state.tree.search = () => {
      throw new Error('secret internals at src/domain/tree.ts:1');
    };
    const reply = await call(broken, 'GET', '/api/v1/organization/search?query=');
    expectError(reply, 500, 'Internal server error.');
    expect(reply.text).not.toContain('secret');
    expect(lines.some((line) => line.includes('secret internals'))).toBe(true);
    expect((await call(broken, 'GET', '/api/v1/organization/profile')).status).toBe(200);
  });
});

describe('bounded work per request', () => {
  const logged = async () => {
    const lines: string[] = [];
    const logging = await makeApp({
      config: { rateLimitPerMinute: 1_000_000, quiet: false },
      log: (l) => lines.push(l),
    });
    return { logging, lines };
  };

  it('a huge unknown body key is named cut, and its log line and journal entry stay small', async () => {
    const { logging, lines } = await logged();
    const key = `k${'x'.repeat(300_000)}`;
    const created = await call(logging, 'POST', '/api/v1/organization/create', {
      body: { name: 'Huge Key', parentId: 1, [key]: 1 },
    });
    expect(created.status).toBe(201);
    const [entry] = logging.mock.runtime.journal.recent(1);
    expect(entry?.warnings).toEqual([`Field k${'x'.repeat(99)}… is ignored by createOrganization.`]);
    expect(lines.at(-1)?.length).toBeLessThan(400);
  });

  it('names the first 10 ignored fields and counts the rest', async () => {
    const { logging } = await logged();
    const extra = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`extraField${i}`, i]));
    const created = await call(logging, 'POST', '/api/v1/organization/create', {
      body: { name: 'Many Fields', parentId: 1, ...extra },
    });
    expect(created.status).toBe(201);
    const warnings = logging.mock.runtime.journal.recent(1)[0]?.warnings ?? [];
    expect(warnings).toHaveLength(11);
    expect(warnings[0]).toBe('Field extraField0 is ignored by createOrganization.');
    expect(warnings[10]).toBe('15 more fields are ignored by createOrganization.');
  });

  it('cuts the path of a long-URL 404 in the log line as in the journal (2,048 characters)', async () => {
    const { logging, lines } = await logged();
    const missing = await call(logging, 'GET', `/nowhere/${'a'.repeat(15_000)}`, { token: null });
    expect(missing.status).toBe(404);
    const line = lines.at(-1) ?? '';
    expect(line.length).toBeLessThan(2_100);
    expect(line).toMatch(/^GET \/nowhere\/a+… 404 /);
    expect(logging.mock.runtime.journal.recent(1)[0]?.path).toBe(line.split(' ')[1]);
  });
});
