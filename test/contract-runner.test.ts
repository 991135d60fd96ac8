/**
 * The contract runner against the mock (every check green, nothing left behind) and against broken
 * variants of it: each breaks one rule and must be reported as a failure, with the check's name.
 */
import { describe, expect, it } from 'vitest';
import type { MockApp } from '../src/http/app.ts';
import { fetchOf, makeApp, rewriteJson, run, type Fetch } from './contract-helpers.ts';

const snapshot = (app: MockApp) => JSON.stringify(app.mock.state.tree.all());

describe('against the mock', () => {
  it('passes every check, exercises every kind, and removes everything it created', async () => {
    const app = await makeApp();
    const before = snapshot(app);
    const report = await run(fetchOf(app));
    const failures = report.results.filter((r) => r.outcome !== 'passed').map((r) => `${r.name}: ${r.reason}`);
    expect(failures).toEqual([]);
    expect(new Set(report.results.map((r) => r.kind))).toEqual(new Set(['positive', 'negative', 'auth', 'not-found', 'oauth', 'stateful']));
    expect(report.results.length).toBeGreaterThan(80);
    expect(report.cleanup.leftover).toEqual([]);
    expect(report.cleanup.deleted.length).toBeGreaterThan(0);
    const after = app.mock.state.tree.all().filter((org) => org.id <= 105);
    expect(JSON.stringify(after)).toBe(before);
    expect(app.mock.state.tree.size).toBe(105);
  });

  it('is read-only by default: writes are skipped and the data is untouched', async () => {
    const app = await makeApp();
    const before = snapshot(app);
    const report = await run(fetchOf(app), { allowWrites: false, token: 'root-admin-token', clientId: undefined, clientSecret: undefined });
    expect(report.totals.failed).toBe(0);
    expect(report.results.find((r) => r.name === 'stateful lifecycle')?.outcome).toBe('skipped');
    expect(report.results.find((r) => r.name === 'positive issueToken')?.reason).toBe('needs --client-id and --client-secret');
    expect(report.results.filter((r) => r.outcome === 'skipped').every((r) => r.reason)).toBe(true);
    expect(snapshot(app)).toBe(before);
  });

  it('--only runs the checks of the named operations', async () => {
    const app = await makeApp();
    const report = await run(fetchOf(app), { only: ['getOrganization'] });
    expect(new Set(report.results.map((r) => r.operationId))).toEqual(new Set(['getOrganization']));
    expect(report.totals.failed).toBe(0);
  });

  it('waits as Retry-After says on 429 and retries', async () => {
    let clock = Date.UTC(2026, 0, 1, 0, 0, 0);
    const app = await makeApp({ now: () => clock, config: { rateLimitPerMinute: 5 } });
    const waits: number[] = [];
    const report = await run(fetchOf(app), {
      only: ['getCurrentOrganization', 'searchOrganizations'],
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
    });
    expect(report.totals.failed).toBe(0);
    expect(report.retriesAfter429).toBeGreaterThan(0);
    expect(waits.filter((ms) => ms >= 1000).length).toBe(report.retriesAfter429);
  });

  it('caps the request rate', async () => {
    const app = await makeApp();
    let clock = 0;
    const sent: number[] = [];
    const counting: Fetch = (input, init) => {
      sent.push(clock);
      return fetchOf(app)(input, init);
    };
    await run(counting, { only: ['getCurrentOrganization'], maxRps: 40, clock: () => clock, sleep: async (ms) => void (clock += ms) });
    expect(sent.length).toBeGreaterThan(4);
    // At 40 requests per second, no two requests leave less than 25 ms apart.
    for (let i = 1; i < sent.length; i++) expect(sent[i]! - sent[i - 1]!).toBeGreaterThanOrEqual(25 - 1e-9);
  });

  it('stops starting checks when the budget is spent, and still cleans up', async () => {
    const app = await makeApp();
    const slow: Fetch = async (input, init) => {
      await new Promise((r) => setTimeout(r, 15));
      return fetchOf(app)(input, init);
    };
    const report = await run(slow, { budgetSeconds: 0.6 });
    expect(report.budgetExceeded).toBe(true);
    expect(report.results.some((r) => r.outcome === 'skipped' && r.reason === 'the time budget is spent')).toBe(true);
    expect(report.cleanup.leftover).toEqual([]);
    expect(app.mock.state.tree.size).toBe(105);
  });

  it('when interrupted, finishes the current check and removes what it created', async () => {
    const app = await makeApp();
    const controller = new AbortController();
    const report = await run(fetchOf(app), {
      signal: controller.signal,
      onResult: (r) => {
        if (r.name.startsWith('negative createOrganization')) controller.abort();
      },
    });
    expect(report.interrupted).toBe(true);
    expect(report.results.filter((r) => r.reason === 'the run was interrupted').length).toBeGreaterThan(5);
    expect(report.cleanup.deleted.length).toBeGreaterThan(0);
    expect(app.mock.state.tree.size).toBe(105);
  });
});

/** Each variant breaks one rule of the contract; the runner must name the check that caught it. */
const variants: Array<[string, (app: MockApp) => Fetch, string[]]> = [
  [
    'a missing required field (tz)',
    (app) => async (input, init) => {
      const res = await fetchOf(app)(input, init);
      return res.status === 200 && new URL(String(input)).pathname === '/api/v1/organization' ? rewriteJson(res, ({ tz: _tz, ...rest }) => rest) : res;
    },
    ['response_schema_conformance'],
  ],
  [
    'a wrong type (id as a string)',
    (app) => async (input, init) => {
      const res = await fetchOf(app)(input, init);
      return res.status === 200 && String(input).includes('/profile') ? rewriteJson(res, (b) => ({ ...b, id: String(b.id) })) : res;
    },
    ['response_schema_conformance'],
  ],
  [
    'an undocumented status (delete answers 200 with a body)',
    (app) => async (input, init) => {
      const res = await fetchOf(app)(input, init);
      return res.status === 204 ? Response.json({ deleted: true }, { status: 200 }) : res;
    },
    ['status_code_conformance'],
  ],
  [
    'a wrong content type',
    (app) => async (input, init) => {
      const res = await fetchOf(app)(input, init);
      return String(input).includes('/search') ? rewriteJson(res, (b) => b, res.status, 'text/plain') : res;
    },
    ['content_type_conformance'],
  ],
  [
    'auth ignored',
    (app) => async (input, init) => {
      const headers = new Headers(init?.headers);
      if (!String(input).includes('/oauth2/')) headers.set('Authorization', 'Bearer root-admin-token');
      return fetchOf(app)(input, { ...init, headers });
    },
    ['auth_required'],
  ],
  [
    'a 401 without WWW-Authenticate',
    (app) => async (input, init) => {
      const res = await fetchOf(app)(input, init);
      if (res.status !== 401) return res;
      return new Response(await res.text(), { status: 401, headers: { 'content-type': 'application/json' } });
    },
    ['response_headers_conformance', 'auth_required'],
  ],
  [
    'invalid input accepted (search ignores its parameters)',
    (app) => async (input, init) => {
      const url = new URL(String(input));
      if (url.pathname.endsWith('/search')) {
        const query = url.searchParams.get('query') ?? '';
        return fetchOf(app)(`${url.origin}${url.pathname}?query=${encodeURIComponent(query.slice(0, 10))}`, init);
      }
      return fetchOf(app)(input, init);
    },
    ['invalid_data_rejected'],
  ],
  [
    'invalid input accepted (create ignores the name rules)',
    (app) => async (input, init) => {
      if (String(input).includes('/create') && typeof init?.body === 'string') {
        const body = JSON.parse(init.body);
        if (body && typeof body === 'object' && !Array.isArray(body)) {
          const fixed = { ...body, name: typeof body.name === 'string' && body.name.length >= 3 ? body.name.slice(0, 100) : 'Accepted Anyway' };
          return fetchOf(app)(input, { ...init, body: JSON.stringify(fixed) });
        }
      }
      return fetchOf(app)(input, init);
    },
    ['invalid_data_rejected'],
  ],
  [
    'a delete that does nothing',
    (app) => async (input, init) => (init?.method === 'DELETE' && !String(input).includes('2147483647') ? new Response(null, { status: 204 }) : fetchOf(app)(input, init)),
    ['stateful_lifecycle'],
  ],
  [
    'a malformed error body',
    (app) => async (input, init) => {
      const res = await fetchOf(app)(input, init);
      return res.status === 404 ? rewriteJson(res, (b) => ({ message: b.error?.message })) : res;
    },
    ['response_schema_conformance'],
  ],
  [
    'a 5xx',
    (app) => async (input, init) => (String(input).includes('/search') ? Response.json({ error: { message: 'boom' } }, { status: 500 }) : fetchOf(app)(input, init)),
    ['not_a_server_error'],
  ],
  [
    'an update that changes nothing',
    (app) => async (input, init) => {
      if (init?.method !== 'PUT') return fetchOf(app)(input, init);
      const url = new URL(String(input));
      const current = await fetchOf(app)(`${url.origin}/api/v1/organization${url.search}`, { headers: init.headers });
      return current.status === 200 ? current : fetchOf(app)(input, init);
    },
    ['stateful_lifecycle'],
  ],
];

describe('against broken servers', () => {
  it.each(variants)('catches %s', async (_label, breakServer, expectedChecks) => {
    const app = await makeApp();
    const report = await run(breakServer(app));
    const failed = report.results.filter((r) => r.outcome === 'failed');
    expect(failed.length, 'the broken server passed').toBeGreaterThan(0);
    const names = new Set(failed.map((r) => r.failedCheck));
    expect(expectedChecks.some((name) => names.has(name)), `failed checks: ${[...names].join(', ')}`).toBe(true);
    for (const r of failed) {
      expect(r.reason).toMatch(/^[a-z_]+: /);
      expect(r.exchanges.length).toBeGreaterThan(0);
    }
  });
});
