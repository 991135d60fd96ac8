/**
 * No false positive: the runner, with every check and writes allowed, passes against the unbroken mock with
 * other data sets (SEED, ORG_COUNT), with every static token that can run it, with the OAuth client alone,
 * at 300 ms latency per answer (a virtual clock shared by the mock, the latency and the runner: no real
 * waiting), and with answers whose JSON keys are reordered and pretty-printed.
 */
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/contract/report.ts';
import type { MockApp } from '../../src/http/app.ts';
import type { Fetch } from '../blind-variants/kit.ts';
import { fetchOf, fullRun, makeMock } from '../blind-variants/run.ts';

/** What a failed run found, for the assertion message. */
const findings = (report: RunReport) =>
  report.failures.map((f) => `${f.check} ${f.operation}: expected ${f.expected}; actual ${f.actual}`.slice(0, 300));

function expectPassed(report: RunReport) {
  expect({ verdict: report.verdict, findings: findings(report), leftover: report.cleanup.leftover }).toEqual({
    verdict: 'passed',
    findings: [],
    leftover: [],
  });
  expect(report.totals.contractFailures + report.totals.fidelityFindings).toBe(0);
}

/** Keys in reverse order at every level, and the JSON indented: the same data in another form. */
function reordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reordered);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reordered(v)]),
    );
  return value;
}

function reshaping(app: MockApp): Fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const response = await app.fetch(new Request(input, init));
    if (!(response.headers.get('content-type') ?? '').includes('json')) return response;
    const text = await response.text();
    const headers = new Headers(response.headers);
    headers.delete('content-length');
    return new Response(JSON.stringify(reordered(JSON.parse(text)), null, 2), { status: response.status, headers });
  }) as Fetch;
}

describe('the contract runner against the unbroken mock', () => {
  it.each([
    { seed: 1, orgCount: 0 },
    { seed: 7, orgCount: 37 },
    { seed: 2027, orgCount: 260 },
  ])('passes with SEED=$seed ORG_COUNT=$orgCount', async ({ seed, orgCount }) => {
    const app = await makeMock({ seed, orgCount });
    expectPassed((await fullRun(fetchOf(app), { strict: true })).report);
  });

  it.each([
    { token: 'root-admin-token', otherToken: 'branch-admin-token', allowWrites: true },
    { token: 'branch-admin-token', otherToken: 'americas-admin-token', allowWrites: true },
    { token: 'americas-admin-token', otherToken: 'branch-admin-token', allowWrites: true },
    // ORG_VIEW only: it can run the read-only checks.
    { token: 'viewer-token', otherToken: 'branch-admin-token', allowWrites: false },
  ])('passes with the static token $token (writes: $allowWrites)', async (tokens) => {
    const app = await makeMock();
    expectPassed((await fullRun(fetchOf(app), { strict: true, ...tokens })).report);
  });

  it('passes with the OAuth client alone (root-client / root-secret), no static token', async () => {
    const app = await makeMock();
    expectPassed((await fullRun(fetchOf(app), { strict: true, token: undefined })).report);
  });

  it('passes at 300 ms latency per answer, on a virtual clock the mock, the latency and the runner share', async () => {
    let now = Date.parse('2026-06-01T08:00:00Z');
    const clock = () => now;
    const app = await makeMock({}, clock);
    let answers = 0;
    const slow = (async (input: string | URL | Request, init?: RequestInit) => {
      const request = new Request(input, init);
      now += 150; // on the way there
      const response = await app.fetch(request);
      const headers = new Headers(response.headers);
      headers.set('date', new Date(now).toUTCString());
      now += 150; // and back
      answers++;
      return new Response(response.body, { status: response.status, headers });
    }) as Fetch;
    const started = now;
    const { report } = await fullRun(slow, {
      strict: true,
      clock,
      sleep: async (ms) => {
        now += ms;
      },
      // 300 ms per answer: a full run's requests take minutes of (virtual) time.
      budgetSeconds: 3600,
    });
    expectPassed(report);
    expect(now - started).toBeGreaterThanOrEqual(answers * 300);
  });

  it('passes when every JSON answer has its keys reordered and is pretty-printed', async () => {
    const app = await makeMock();
    expectPassed((await fullRun(reshaping(app), { strict: true })).report);
  });
});
