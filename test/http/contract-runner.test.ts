/**
 * The contract runner against the mock: green under --strict for every static token and the OAuth
 * client, read-only and with writes; read-only sends no write; no secret in any report; the JSON report
 * matches its JSON Schema; Retry-After waits, the rate cap and the budget.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it, vi } from 'vitest';
import { CHECKS } from '../../src/contract/registry.ts';
import { summary } from '../../src/contract/reporters/console.ts';
import { junitXml } from '../../src/contract/reporters/junit.ts';
import { type Fetch, fetchOf, makeApp, run } from '../contract-helpers.ts';

const snapshot = (app: Awaited<ReturnType<typeof makeApp>>) => JSON.stringify(app.mock.state.tree.all());
const failures = (report: { failures: Array<{ check: string; severity: string; expected: string; actual: string }> }) =>
  report.failures.map((f) => `${f.check} [${f.severity}]: expected ${f.expected}, got ${f.actual}`);

/** Every request the run sends, and every token the server issues during it. */
function recording(app: Awaited<ReturnType<typeof makeApp>>) {
  const requests: string[] = [];
  const issued: string[] = [];
  const fetchImpl: Fetch = async (input, init) => {
    const url = new URL(String(input));
    requests.push(`${(init?.method ?? 'GET').toUpperCase()} ${url.pathname}`);
    const res = await fetchOf(app)(input, init);
    if (url.pathname === '/oauth2/token' && res.status === 200) {
      const body = (await res.clone().json()) as { access_token: string; refresh_token: string };
      issued.push(body.access_token, body.refresh_token);
    }
    return res;
  };
  return { requests, issued, fetchImpl };
}

const SETUPS: Array<[string, Record<string, unknown>]> = [
  ['root-admin-token', { token: 'root-admin-token', otherToken: 'branch-admin-token' }],
  ['branch-admin-token', { token: 'branch-admin-token', otherToken: 'americas-admin-token' }],
  ['viewer-token', { token: 'viewer-token', otherToken: 'branch-admin-token' }],
  [
    'the OAuth client root-client',
    { otherToken: 'branch-admin-token', otherClientId: 'noscope-client', otherClientSecret: 'noscope-secret' },
  ],
];

describe('against the mock, --strict', () => {
  for (const [label, options] of SETUPS) {
    for (const allowWrites of [false, true]) {
      it(`passes with ${label}, ${allowWrites ? '--allow-writes' : 'read-only'}, and leaves the data as it was`, async () => {
        const app = await makeApp();
        const before = snapshot(app);
        const { requests, issued, fetchImpl } = recording(app);
        // 10 property-based examples, not 50: these runs are about the data, the writes and the secrets; the
        // property phase at its default is in the no-false-positive runs (contract-no-false-positive.test.ts).
        const { report, log } = await run(fetchImpl, { ...options, allowWrites, examples: 10 });
        expect(failures(report)).toEqual([]);
        expect(report.verdict).toBe('passed');
        expect(report.cleanup.leftover).toEqual([]);
        expect(snapshot(app)).toBe(before);
        for (const c of report.checks.filter((c) => c.outcome === 'skipped')) expect(c.reason).toBeTruthy();
        if (!allowWrites)
          expect(requests.filter((r) => !r.startsWith('GET ') && r !== 'POST /oauth2/token')).toEqual([]);
        else
          expect(report.checks.find((c) => c.name === 'read_your_writes')?.outcome).toBe(
            label === 'viewer-token' ? 'skipped' : 'passed',
          );
        const text = JSON.stringify(report) + JSON.stringify(log);
        for (const secret of [
          'root-admin-token',
          'branch-admin-token',
          'viewer-token',
          'root-secret',
          'noscope-secret',
          ...issued,
        ])
          expect(text).not.toContain(secret);
      });
    }
  }

  it('runs every registered check with writes, the OAuth client, the other token and the rate-limit burst', async () => {
    let clock = Date.now();
    const app = await makeApp({ now: () => clock, config: { rateLimitPerMinute: 400 } });
    const notes: string[] = [];
    const { report } = await run(fetchOf(app), {
      token: 'root-admin-token',
      otherToken: 'branch-admin-token',
      otherClientId: 'noscope-client',
      otherClientSecret: 'noscope-secret',
      allowWrites: true,
      checkRateLimit: true,
      rateLimitBurst: 500,
      onNote: (line) => notes.push(line),
      sleep: async (ms) => {
        clock += ms;
      },
    });
    expect(failures(report)).toEqual([]);
    expect(report.checks.map((c) => c.name)).toEqual(CHECKS.map((c) => c.name));
    expect(report.checks.filter((c) => c.outcome !== 'passed')).toEqual([]);
    expect(notes.some((n) => /waiting \d+ s as Retry-After says/.test(n))).toBe(true);
  });
});

describe('time on the clock the client keeps (requests are spaced by --max-rps)', () => {
  const timed = async (options: Record<string, unknown>) => {
    const app = await makeApp();
    let clock = 0;
    const { report } = await run(fetchOf(app), {
      otherToken: 'branch-admin-token',
      otherClientId: 'noscope-client',
      otherClientSecret: 'noscope-secret',
      ...options,
      maxRps: options.maxRps as number | undefined,
      clock: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
    });
    expect(failures(report)).toEqual([]);
    return clock;
  };

  it('a read-only run at --max-rps 5 needs under 90 s', async () => {
    expect(await timed({ maxRps: 5 })).toBeLessThan(90_000);
  });

  // 15.5 s since the other token's subtree reads and the refresh without client authentication (5 requests).
  it('a full --allow-writes --strict run at the default rate needs under 15.5 s', async () => {
    expect(await timed({ allowWrites: true })).toBeLessThan(15_500);
  });
});

describe('reports', () => {
  it('the JSON report of a failing run matches docs/contract-report.schema.json and holds no secret', async () => {
    const app = await makeApp();
    const { issued, fetchImpl } = recording(app);
    const failing: Fetch = async (input, init) => {
      const res = await fetchImpl(input, init);
      return new URL(String(input)).pathname === '/oauth2/token' && res.status === 200
        ? new Response(JSON.stringify({ ...((await res.json()) as object), extra: 1 }), {
            status: 200,
            headers: { 'content-type': 'application/json' },
          })
        : res;
    };
    const { report } = await run(failing, {
      allowWrites: true,
      otherClientId: 'noscope-client',
      otherClientSecret: 'noscope-secret',
    });
    const schema = JSON.parse(readFileSync(new URL('../../docs/contract-report.schema.json', import.meta.url), 'utf8'));
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    const json = JSON.parse(JSON.stringify(report));
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    const group = report.failures.find((f) => f.check === 'undeclared_fields');
    expect(group?.severity).toBe('fidelity');
    expect(group?.count).toBeGreaterThan(1);
    expect(group?.examples[0]?.request?.curl).toMatch(
      /^curl -i -X POST "http:\/\/mock\.test\/oauth2\/token\?grant_type=/,
    );
    expect(group?.examples[0]?.response?.bodyStart).toMatch(
      /"access_token":"\$(ACCESS_)?TOKEN".*"refresh_token":"\$REFRESH_TOKEN"/,
    );
    expect(report.verdict).toBe('failed');
    const text = JSON.stringify(report) + junitXml(report) + summary(report);
    expect(issued.length).toBeGreaterThan(4);
    for (const secret of ['root-secret', 'noscope-secret', ...issued]) expect(text).not.toContain(secret);
  });

  it('without --strict, fidelity findings are listed and the verdict passes', async () => {
    const app = await makeApp();
    const extra: Fetch = async (input, init) => {
      const res = await fetchOf(app)(input, init);
      return new URL(String(input)).pathname.endsWith('/profile')
        ? new Response(JSON.stringify({ ...((await res.json()) as object), createdBy: 'x' }), {
            status: res.status,
            headers: res.headers,
          })
        : res;
    };
    const { report } = await run(extra, { strict: false, token: 'root-admin-token' });
    expect(report.totals.contractFailures).toBe(0);
    expect(report.totals.fidelityFindings).toBeGreaterThan(0);
    expect(report.verdict).toBe('passed');
  });
});

describe('the client', () => {
  it('waits as Retry-After says on 429 and retries', async () => {
    let clock = Date.UTC(2026, 0, 1, 0, 0, 0);
    const app = await makeApp({ now: () => clock, config: { rateLimitPerMinute: 5 } });
    const waits: number[] = [];
    const { report } = await run(fetchOf(app), {
      token: 'root-admin-token',
      checks: ['search_paging'],
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
    });
    expect(failures(report)).toEqual([]);
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
    await run(counting, {
      token: 'root-admin-token',
      checks: ['time_in_milliseconds'],
      maxRps: 40,
      clock: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
    });
    expect(sent.length).toBeGreaterThan(2);
    for (let i = 1; i < sent.length; i++) expect(sent[i]! - sent[i - 1]!).toBeGreaterThanOrEqual(25 - 1e-9);
  });

  it('a spent budget leaves checks not run, says which, and still cleans up', async () => {
    const app = await makeApp();
    // The budget runs out after the 150th request, mid-run, whatever the machine's speed: the deadline is
    // read from Date, and the clock jumps past it then (creates of the run are under way by that request).
    vi.useFakeTimers({ toFake: ['Date'] });
    let sent = 0;
    const jumping: Fetch = async (input, init) => {
      if (++sent === 150) vi.setSystemTime(Date.now() + 600_000);
      return fetchOf(app)(input, init);
    };
    const { report } = await run(jumping, { allowWrites: true, budgetSeconds: 300 }).finally(() => vi.useRealTimers());
    expect(report.budgetExceeded).toBe(true);
    expect(report.notRun.length).toBeGreaterThan(0);
    expect(report.verdict).toBe('incomplete');
    expect(report.cleanup.leftover).toEqual([]);
    expect(app.mock.state.tree.size).toBe(105);
  });

  it('a budget spent between a create and its verifying GET still removes what the create made', async () => {
    // The deadline is read from Date: the clock jumps past it as the first create is answered (no sleeping).
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const app = await makeApp();
      let jumped = false;
      const jumping: Fetch = async (input, init) => {
        const res = await fetchOf(app)(input, init);
        if (!jumped && (init?.method ?? 'GET') === 'POST' && String(input).endsWith('/create')) {
          jumped = true;
          vi.setSystemTime(Date.now() + 10_000);
        }
        return res;
      };
      const { report } = await run(jumping, { allowWrites: true, budgetSeconds: 5 });
      expect(jumped).toBe(true);
      expect(report.budgetExceeded).toBe(true);
      expect(report.cleanup.leftover).toEqual([]);
      expect(report.cleanup.removed.length).toBe(1);
      expect(app.mock.state.tree.size).toBe(105);
    } finally {
      vi.useRealTimers();
    }
  });

  it('when interrupted, stops starting checks and removes what it created', async () => {
    const app = await makeApp();
    const controller = new AbortController();
    const { report } = await run(fetchOf(app), {
      allowWrites: true,
      signal: controller.signal,
      onCheck: (c) => c.name === 'read_your_writes' && controller.abort(),
    });
    expect(report.interrupted).toBe(true);
    expect(report.notRun.length).toBeGreaterThan(3);
    expect(report.cleanup.removed.length).toBeGreaterThan(0);
    expect(app.mock.state.tree.size).toBe(105);
  });

  it('--checks and --exclude-checks choose by name; an unknown name is refused', async () => {
    const app = await makeApp();
    const { report } = await run(fetchOf(app), {
      token: 'root-admin-token',
      checks: ['search_sorting', 'undeclared_fields'],
    });
    // The safety checks come along unless excluded by name.
    expect(report.checks.map((c) => c.name)).toEqual([
      'transport_sound',
      'undeclared_fields',
      'writes_verified',
      'search_sorting',
    ]);
    const bare = await run(fetchOf(app), {
      token: 'root-admin-token',
      checks: ['search_sorting'],
      excludeChecks: ['transport_sound', 'writes_verified'],
    });
    expect(bare.report.checks.map((c) => c.name)).toEqual(['search_sorting']);
    const excluded = await run(fetchOf(app), { token: 'root-admin-token', excludeChecks: ['property_based'] });
    expect(excluded.report.checks.some((c) => c.name === 'property_based')).toBe(false);
    await expect(run(fetchOf(app), { token: 'root-admin-token', checks: ['no_such_check'] })).rejects.toThrow(
      'Unknown check no_such_check',
    );
  });
});
