/** The control plane, Prefer, latency and faults, sessions, CORS and the docs page. */
import { describe, expect, it } from 'vitest';
import { cachedSpec } from '../../src/http/app.ts';
import { basic, type CallOptions, call, expectError, makeApp, TOKENS } from '../helpers.ts';

const create = (name: string, session?: string): CallOptions => ({
  body: { name },
  headers: session ? { 'X-Mock-Session': session } : {},
});

describe('/_mock/ control plane', () => {
  it('health answers with the numbers', async () => {
    const app = await makeApp();
    const reply = await call(app, 'GET', '/_mock/health');
    expect(reply.body).toMatchObject({ status: 'ok', organizations: 105, sessions: 0 });
  });

  it('reset brings back the seeded state and fresh rate-limit windows, keeping issued tokens', async () => {
    // A clock that stands still: three requests must share one rate-limit window.
    const app = await makeApp({ config: { rateLimitPerMinute: 3 }, now: () => Date.UTC(2026, 0, 1, 12, 0, 30) });
    const issued = await call(
      app,
      'POST',
      '/oauth2/token?grant_type=client_credentials&client_id=root-client&client_secret=root-secret',
      { token: null },
    );
    await call(app, 'POST', '/api/v1/organization/create', create('Will Vanish'));
    await call(app, 'DELETE', '/api/v1/organization?orgId=3');
    expect((await call(app, 'GET', '/api/v1/organization/profile')).status).toBe(429);
    const reset = await call(app, 'POST', '/_mock/reset');
    expect(reset.body).toEqual({ organizations: 105 });
    expect((await call(app, 'GET', '/api/v1/organization?orgId=3', { token: issued.body.access_token })).status).toBe(
      200,
    );
    expect((await call(app, 'GET', '/api/v1/organization/search?query=Will%20Vanish')).body.totalElements).toBe(0);
    // Ids are the seeded ones again: the next create gets 106.
    expect((await call(app, 'POST', '/api/v1/organization/create', create('After Reset'))).body.id).toBe(106);
  });

  it('exports and imports the whole state, ids included, and refuses a broken one without losing anything', async () => {
    const app = await makeApp();
    await call(app, 'POST', '/api/v1/organization/create', create('Saved Scenario'));
    await call(app, 'DELETE', '/api/v1/organization?orgId=106');
    await call(app, 'POST', '/api/v1/organization/create', create('Kept In Scenario'));
    const exported = await call(app, 'GET', '/_mock/state');
    expect(exported.body.format).toBe('orgs-mock/state@1');
    expect(exported.body.nextOrganizationId).toBe(108);
    expect(exported.body.organizations.find((o: { id: number }) => o.id === 4)).toMatchObject({ deviceCount: 27 });

    const other = await makeApp({ config: { seed: 9 } });
    expect((await call(other, 'PUT', '/_mock/state', { body: exported.body })).body).toEqual({ organizations: 106 });
    expect((await call(other, 'GET', '/api/v1/organization/search?query=&size=1000')).text).toBe(
      (await call(app, 'GET', '/api/v1/organization/search?query=&size=1000')).text,
    );
    expect((await call(other, 'POST', '/api/v1/organization/create', create('Next One'))).body.id).toBe(108);

    const before = (await call(other, 'GET', '/_mock/state')).text;
    const cycle = {
      format: 'orgs-mock/state@1',
      organizations: [
        { id: 1, name: 'Root', tz: 'UTC', lastModifiedTs: 0 },
        { id: 2, parentOrganizationId: 3, name: 'Branch A', tz: 'UTC', lastModifiedTs: 0 },
        { id: 3, parentOrganizationId: 2, name: 'Branch B', tz: 'UTC', lastModifiedTs: 0 },
      ],
    };
    expectError(
      await call(other, 'PUT', '/_mock/state', { body: cycle }),
      400,
      'Imported state is invalid: some organizations form a cycle and never reach the root.',
    );
    expectError(
      await call(other, 'PUT', '/_mock/state', {
        body: {
          format: 'orgs-mock/state@1',
          organizations: [
            { id: 1, name: 'Root', tz: 'UTC', lastModifiedTs: 0 },
            { id: 1, name: 'Root', tz: 'UTC', lastModifiedTs: 0 },
          ],
        },
      }),
      400,
      'Imported state is invalid: id 1 appears twice.',
    );
    expectError(
      await call(other, 'PUT', '/_mock/state', { body: { format: 'v0', organizations: [] } }),
      400,
      'Field format should be orgs-mock/state@1.',
    );
    expectError(
      await call(other, 'PUT', '/_mock/state', { body: { format: 'orgs-mock/state@1', organizations: [{ id: 'x' }] } }),
      400,
      'Imported state is invalid: the organization at position 1: Field name is required.',
    );
    expectError(
      await call(other, 'PUT', '/_mock/state', {
        body: { format: 'orgs-mock/state@1', organizations: [{ id: 'x', name: 'Xeno', tz: 'UTC', lastModifiedTs: 0 }] },
      }),
      400,
      'Imported state is invalid: the organization at position 1: Each organization id should be an integer from 1 to 2147483647.',
    );
    expect((await call(other, 'GET', '/_mock/state')).text).toBe(before);
  });

  it('keeps a bounded journal of API requests, newest last, and clears it', async () => {
    const app = await makeApp({ config: { journalSize: 3 } });
    for (const id of [1, 2, 3, 4]) await call(app, 'GET', `/api/v1/organization?orgId=${id}`);
    await call(app, 'GET', '/api/v1/organization?orgId=abc', { headers: { 'X-Mock-Session': 's1' } });
    const journal = await call(app, 'GET', '/_mock/journal');
    expect(journal.body.capacity).toBe(3);
    expect(journal.body.entries.map((e: { path: string }) => e.path)).toEqual([
      '/api/v1/organization?orgId=3',
      '/api/v1/organization?orgId=4',
      '/api/v1/organization?orgId=abc',
    ]);
    expect(journal.body.entries[2]).toMatchObject({
      method: 'GET',
      status: 400,
      session: 's1',
      ms: expect.any(Number),
    });
    expect((await call(app, 'GET', '/_mock/journal?limit=1')).body.entries).toHaveLength(1);
    expect((await call(app, 'DELETE', '/_mock/journal')).status).toBe(204);
    expect((await call(app, 'GET', '/_mock/journal')).body.entries).toEqual([]);
  });

  it('changes latency, faults and the rate limit at run time, and refuses bad settings', async () => {
    // A clock that stands still: the two requests after the change must share one rate-limit window.
    const app = await makeApp({ now: () => Date.UTC(2026, 0, 1, 12, 0, 30) });
    const changed = await call(app, 'PATCH', '/_mock/config', {
      body: { latencyMs: { min: 0, max: 0 }, faultRate: 1, faultSeed: 3, rateLimitPerMinute: 1 },
    });
    expect(changed.body).toEqual({ latencyMs: { min: 0, max: 0 }, faultRate: 1, faultSeed: 3, rateLimitPerMinute: 1 });
    expectError(await call(app, 'GET', '/api/v1/organization/profile'), 500, 'Internal server error.');
    await call(app, 'PATCH', '/_mock/config', { body: { faultRate: 0 } });
    expect((await call(app, 'GET', '/api/v1/organization/profile')).status).toBe(200);
    expect((await call(app, 'GET', '/api/v1/organization/profile')).status).toBe(429);
    expectError(
      await call(app, 'PATCH', '/_mock/config', { body: { faultRate: 1.5 } }),
      400,
      'Field faultRate should be a number from 0 to 1.',
    );
    expectError(
      await call(app, 'PATCH', '/_mock/config', { body: { latencyMs: { min: -1, max: 5 } } }),
      400,
      'Field latencyMs should be an object with integer min and max from 0 to 60000.',
    );
    expectError(
      await call(app, 'PATCH', '/_mock/config', { body: { rateLimitPerMinute: 0 } }),
      400,
      'Field rateLimitPerMinute should be an integer from 1 to 1000000000.',
    );
    expect((await call(app, 'GET', '/_mock/config')).body.faultRate).toBe(0);
  });

  it('lists the static tokens and clients', async () => {
    const app = await makeApp();
    const reply = await call(app, 'GET', '/_mock/tokens');
    expect(reply.body.tokens.map((t: { token: string }) => t.token)).toEqual(Object.values(TOKENS));
    expect(reply.body.clients.map((c: { clientId: string }) => c.clientId)).toEqual(['root-client', 'noscope-client']);
  });

  it('is gone with CONTROL_PLANE=false, but for health', async () => {
    const app = await makeApp({ config: { controlPlane: false } });
    // Not through call(): without the control plane, its documented responses no longer apply.
    for (const [method, path] of [
      ['POST', '/_mock/reset'],
      ['GET', '/_mock/state'],
      ['GET', '/_mock/journal'],
      ['PATCH', '/_mock/config'],
      ['GET', '/_mock/tokens'],
    ]) {
      const reply = await app.request(path as string, { method });
      expect(reply.status, path).toBe(404);
      expect(await reply.json()).toEqual({ error: { message: 'Resource not found. Did you mean GET /_mock/health?' } });
    }
    expect((await call(app, 'GET', '/_mock/health')).status).toBe(200);
  });
});

describe('Prefer', () => {
  it.each(['getOrganization', 'createOrganization', 'issueToken'])(
    'answers every refusal status documented for %s, changing nothing',
    async (operationId) => {
      const spec = await cachedSpec();
      const op = spec.byId.get(operationId)!;
      const app = await makeApp();
      for (const status of Object.keys(op.responses).filter(
        (s) => Number(s) >= 400 && !op.responses[s]?.['x-mock-only'],
      )) {
        const reply = await call(
          app,
          op.method.toUpperCase(),
          `${op.path}${op.path.endsWith('organization') ? '?orgId=1' : ''}`,
          {
            token: op.bearer ? TOKENS.root : null,
            headers: {
              Prefer: `code=${status}`,
              ...(op.bearer ? {} : { Authorization: basic('root-client', 'root-secret') }),
            },
            body: op.method === 'get' ? undefined : { name: 'Preferred' },
          },
        );
        expect(reply.status, status).toBe(Number(status));
      }
      expect(app.mock.state.tree.size).toBe(105);
    },
  );

  it('delays one response by delay=', async () => {
    const app = await makeApp();
    const started = performance.now();
    await call(app, 'GET', '/api/v1/organization/profile', { headers: { Prefer: 'delay=120' } });
    expect(performance.now() - started).toBeGreaterThanOrEqual(115);
  });
});

describe('global latency and faults', () => {
  it('adds latency within the configured range', async () => {
    const app = await makeApp({ config: { latencyMs: { min: 60, max: 80 } } });
    const started = performance.now();
    await call(app, 'GET', '/api/v1/organization/profile');
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    expect(app.mock.runtime.chaos.nextLatency()).toBeGreaterThanOrEqual(60);
    expect(app.mock.runtime.chaos.nextLatency()).toBeLessThanOrEqual(80);
  });

  it('turns a share of responses into 500s, the same ones for the same seed', async () => {
    const sequence = async (seed: number) => {
      const app = await makeApp({ config: { faultRate: 0.3, faultSeed: seed } });
      const statuses: number[] = [];
      for (let i = 0; i < 60; i++) statuses.push((await call(app, 'GET', '/api/v1/organization?orgId=1')).status);
      return statuses;
    };
    const [a, b, c] = [await sequence(11), await sequence(11), await sequence(12)];
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const faults = a.filter((s) => s === 500).length;
    expect(faults).toBeGreaterThan(5);
    expect(faults).toBeLessThan(35);
    expect(a.every((s) => s === 200 || s === 500)).toBe(true);
  });

  it('a fault changes nothing', async () => {
    const app = await makeApp({ config: { faultRate: 1 } });
    expect((await call(app, 'DELETE', '/api/v1/organization?orgId=3')).status).toBe(500);
    expect(app.mock.state.tree.get(3)).toBeDefined();
  });
});

describe('sessions', () => {
  it('isolate concurrent writers: each sees its own creates and deletes, the default state none', async () => {
    const app = await makeApp();
    const sessions = ['alpha', 'beta', 'gamma', 'delta'];
    await Promise.all(
      sessions.flatMap((s) =>
        Array.from({ length: 10 }, (_, i) =>
          call(app, 'POST', '/api/v1/organization/create', create(`${s} org ${i}`, s)),
        ),
      ),
    );
    await call(app, 'DELETE', '/api/v1/organization?orgId=3', { headers: { 'X-Mock-Session': 'alpha' } });
    for (const s of sessions) {
      const reply = await call(app, 'GET', '/api/v1/organization/search?query=org&size=1000', {
        headers: { 'X-Mock-Session': s },
      });
      const names = reply.body.content.map((o: { name: string }) => o.name).filter((n: string) => / org \d$/.test(n));
      expect(names.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `${s} org ${i}`).sort());
      const ids = reply.body.content.map((o: { id: number }) => o.id).filter((id: number) => id > 105);
      expect(ids.sort((a: number, b: number) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => 106 + i));
    }
    expect(
      (await call(app, 'GET', '/api/v1/organization?orgId=3', { headers: { 'X-Mock-Session': 'beta' } })).status,
    ).toBe(200);
    expect(
      (await call(app, 'GET', '/api/v1/organization?orgId=3', { headers: { 'X-Mock-Session': 'alpha' } })).status,
    ).toBe(404);
    expect(app.mock.state.tree.size).toBe(105);
    const reset = await call(app, 'POST', '/_mock/reset', { headers: { 'X-Mock-Session': 'alpha' } });
    expect(reset.body).toEqual({ session: 'alpha', organizations: 105 });
  });

  it('are bounded in number and expire when idle, and an evicted writer is told so until it resets', async () => {
    let clock = Date.UTC(2026, 0, 1, 12);
    const app = await makeApp({ now: () => clock, config: { maxSessions: 2, sessionIdleSeconds: 60 } });
    for (const s of ['one', 'two', 'three'])
      await call(app, 'POST', '/api/v1/organization/create', create(`In ${s}`, s));
    expect(app.mock.runtime.sessions.ids()).toEqual(['two', 'three']);
    const one = await call(app, 'GET', '/api/v1/organization/search?query=In%20one', {
      headers: { 'X-Mock-Session': 'one' },
    });
    expect(one.status).toBe(410);
    expect(one.body.error.message).toBe(
      'This session was evicted at 2026-01-01T12:00:00.000Z (more than MAX_SESSIONS=2 sessions were open); its changes are lost. Start it again with POST /_mock/reset and this X-Mock-Session, or use a new session id.',
    );
    clock += 61_000;
    expect((await call(app, 'GET', '/_mock/health')).body.sessions).toBe(2);
    await call(app, 'GET', '/api/v1/organization/profile', { headers: { 'X-Mock-Session': 'four' } });
    expect(app.mock.runtime.sessions.ids()).toEqual(['four']);
    const two = await call(app, 'GET', '/api/v1/organization/profile', { headers: { 'X-Mock-Session': 'two' } });
    expect(two.body.error.message).toContain('(it was idle for more than SESSION_IDLE_SECONDS=60)');
    const reset = await call(app, 'POST', '/_mock/reset', { headers: { 'X-Mock-Session': 'one' } });
    expect(reset.body).toEqual({ session: 'one', organizations: 105 });
    const again = await call(app, 'GET', '/api/v1/organization/search?query=In%20one', {
      headers: { 'X-Mock-Session': 'one' },
    });
    expect([again.status, again.body.totalElements]).toEqual([200, 0]);
  });

  it('export and import work per session', async () => {
    const app = await makeApp();
    await call(app, 'POST', '/api/v1/organization/create', create('Only In S', 's'));
    const state = await call(app, 'GET', '/_mock/state', { headers: { 'X-Mock-Session': 's' } });
    expect(state.body.organizations).toHaveLength(106);
    expect(
      (await call(app, 'PUT', '/_mock/state', { body: state.body, headers: { 'X-Mock-Session': 't' } })).body,
    ).toEqual({ session: 't', organizations: 106 });
    expect(
      (
        await call(app, 'GET', '/api/v1/organization/search?query=Only%20In%20S', {
          headers: { 'X-Mock-Session': 't' },
        })
      ).body.totalElements,
    ).toBe(1);
    expect(app.mock.state.tree.size).toBe(105);
  });
});

describe('for browser apps', () => {
  it('answers a CORS preflight that asks for Authorization, and exposes Retry-After', async () => {
    const app = await makeApp();
    const preflight = await app.request('/api/v1/organization/search?query=', {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://localhost:5173',
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'authorization,x-mock-session',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('DELETE');
    const limited = await call(app, 'GET', '/api/v1/organization/profile', {
      headers: { Origin: 'http://localhost:5173', Prefer: 'code=429' },
    });
    expect(limited.headers.get('access-control-expose-headers')).toContain('Retry-After');
    const restricted = await makeApp({ config: { corsOrigin: 'http://localhost:5173' } });
    const r = await call(restricted, 'GET', '/api/v1/organization/profile', {
      headers: { Origin: 'http://localhost:5173' },
    });
    expect(r.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  });

  it('serves openapi.yaml and the API reference page with its assets', async () => {
    const app = await makeApp();
    const yaml = await app.request('/openapi.yaml');
    expect(yaml.headers.get('content-type')).toContain('application/yaml');
    expect(await yaml.text()).toContain('operationId: searchOrganizations');
    const page = await app.request('/docs');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("url: '/openapi.yaml'");
    for (const asset of html.match(/\/docs\/assets\/[\w.-]+/g) ?? []) {
      const response = await app.request(asset);
      expect(response.status, asset).toBe(200);
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(100);
    }
    expect((await app.request('/docs/assets/package.json')).status).toBe(404);
  });
});
