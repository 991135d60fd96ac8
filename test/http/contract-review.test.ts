/**
 * Defects a fresh-user review found in the contract runner, each pinned by a test: progress lines that
 * agree with the recap, write checks skipped once creates cannot be verified, every organization the run
 * left behind listed, diff pairing by request, curl lines for the token endpoint, the token organization
 * touched by the update probe, and checks skipped (not "not run") when the budget is spent.
 */
import { describe, expect, it, vi } from 'vitest';
import { TargetClient } from '../../src/contract/client.ts';
import { ContractSpec } from '../../src/contract/contract-spec.ts';
import type { CheckRecap } from '../../src/contract/report.ts';
import { checkLine } from '../../src/contract/reporters/console.ts';
import { Sandbox } from '../../src/contract/sandbox.ts';
import { cachedSpec } from '../../src/http/app.ts';
import { broken, HOSTILE, MODEL_VARIANTS, VARIANTS } from '../broken-variants/index.ts';
import { type Fetch, fetchOf, makeApp, run } from '../contract-helpers.ts';

const variant = (name: string) => {
  const found = [...VARIANTS, ...MODEL_VARIANTS, ...HOSTILE].find((v) => v.name === name);
  if (!found) throw new Error(`no variant ${name}`);
  return found;
};

describe('progress lines', () => {
  it('show each check with the outcome the recap gives it, response checks included', async () => {
    const lines: Array<{ recap: CheckRecap; line: string }> = [];
    const { report } = await run(broken(await makeApp(), variant('403 instead of 404 outside the subtree').handler), {
      token: 'root-admin-token',
      otherToken: 'branch-admin-token',
      checks: ['property_based', 'unknown_id_not_found', 'visibility', 'rate_limit'],
      onCheck: (recap, foundBy) => lines.push({ recap: { ...recap }, line: checkLine(recap, foundBy) }),
    });
    const outcome = (name: string) => report.checks.find((c) => c.name === name)?.outcome;
    expect(lines.map((l) => l.recap.name).sort()).toEqual(report.checks.map((c) => c.name).sort());
    for (const { recap } of lines) expect(recap.outcome, recap.name).toBe(outcome(recap.name));
    for (const name of ['property_based', 'unknown_id_not_found', 'visibility']) {
      expect(outcome(name)).toBe('failed');
      expect(lines.find((l) => l.recap.name === name)?.line).toMatch(new RegExp(`^✗ ${name} \\(\\d+ contract`));
    }
    expect(lines.find((l) => l.recap.name === 'rate_limit')?.line).toMatch(/^- rate_limit — skipped: opt-in/);
  });

  it('say when a response check found failures in the requests of a check that passed', async () => {
    const lines: Array<{ recap: CheckRecap; line: string }> = [];
    const { report } = await run(broken(await makeApp(), variant('undeclared fields').handler), {
      token: 'root-admin-token',
      checks: ['undeclared_fields', 'positive_data_accepted'],
      onCheck: (recap, foundBy) => lines.push({ recap: { ...recap }, line: checkLine(recap, foundBy) }),
    });
    expect(lines.map((l) => l.line)).toEqual([
      expect.stringMatching(
        /^✓ positive_data_accepted \(\d+ ms; failures in its requests are counted under undeclared_fields\)$/,
      ),
      // The safety checks run unnamed (unless excluded by name).
      '✓ transport_sound (all requests of the run)',
      expect.stringMatching(/^✗ undeclared_fields \(0 contract, \d+ fidelity; all requests of the run\)$/),
      '✓ writes_verified (all requests of the run)',
    ]);
    expect(report.checks.map((c) => [c.name, c.outcome])).toEqual([
      ['transport_sound', 'passed'],
      ['undeclared_fields', 'failed'],
      ['writes_verified', 'passed'],
      ['positive_data_accepted', 'passed'],
    ]);
  });

  it('show ✗ for time_in_milliseconds and read_your_writes against lastModifiedTs in seconds', async () => {
    const lines: string[] = [];
    const { report } = await run(broken(await makeApp(), variant('lastModifiedTs in seconds').handler), {
      token: 'root-admin-token',
      allowWrites: true,
      checks: ['time_in_milliseconds', 'read_your_writes'],
      onCheck: (recap, foundBy) => lines.push(checkLine(recap, foundBy)),
    });
    for (const name of ['time_in_milliseconds', 'read_your_writes']) {
      expect(report.checks.find((c) => c.name === name)?.outcome, name).toBe('failed');
      expect(lines.find((l) => l.includes(` ${name} `))).toMatch(/^✗ /);
    }
  });
});

describe('a spent budget', () => {
  it('lists as not run only checks that would have run; the others are skipped with their reason', async () => {
    const app = await makeApp();
    let sent = 0;
    // The set-up is done (the token's organization, the inventory), then the clock jumps past the budget:
    // the deadline is read from Date, so the test neither sleeps nor depends on the machine's speed.
    vi.useFakeTimers({ toFake: ['Date'] });
    const jumping: Fetch = async (input, init) => {
      if (++sent === 3) vi.setSystemTime(Date.now() + 60_000);
      return fetchOf(app)(input, init);
    };
    const { report } = await run(jumping, {
      token: 'root-admin-token',
      clientId: undefined,
      clientSecret: undefined,
      budgetSeconds: 30,
    }).finally(() => vi.useRealTimers());
    expect(report.budgetExceeded).toBe(true);
    const skipped = Object.fromEntries(
      report.checks.filter((c) => c.outcome === 'skipped').map((c) => [c.name, c.reason]),
    );
    expect(skipped).toMatchObject({
      read_your_writes: 'needs --allow-writes',
      depth_limit: 'needs --allow-writes',
      visibility: 'needs --other-token',
      rate_limit: expect.stringMatching(/^opt-in: needs --check-rate-limit/),
      oauth_token_works: 'needs --client-id and --client-secret',
      oauth_refresh_bound_to_client: 'needs --client-id and --client-secret',
    });
    expect(report.notRun.length).toBeGreaterThan(0);
    expect(report.notRun.filter((name) => name in skipped)).toEqual([]);
    expect(report.totals.notRun).toBe(report.notRun.length);
  });
});

describe('creates that cannot be verified', () => {
  it('skip the write checks with the reason, and the cause is one writes_verified entry', async () => {
    const app = await makeApp();
    const { report } = await run(broken(app, variant('a create that answers an existing id').handler), {
      token: 'root-admin-token',
      allowWrites: true,
      examples: 10,
    });
    const contract = report.failures.filter((f) => f.severity === 'contract');
    expect(contract.map((f) => [f.check, f.count])).toEqual([['writes_verified', 1]]);
    expect(contract[0]?.actual).toMatch(/answered id 3, an organization that existed before/);
    for (const name of [
      'read_your_writes',
      'name_alphabet',
      'name_trimmed',
      'description_forbidden_chars',
      'time_zone_valid',
      'parent_must_exist',
      'depth_limit',
      'delete_with_children_refused',
      'oversized_body_rejected',
    ]) {
      const recap = report.checks.find((c) => c.name === name);
      expect(recap?.outcome, name).toBe('skipped');
      expect(recap?.reason, name).toMatch(/^the run's creates could not be verified .*see writes_verified\)$/);
    }
    // Only the first create was sent; what it made is listed.
    const made = app.mock.state.tree.all().filter((o) => o.id > 105);
    expect(made.map((o) => o.name)).toEqual([expect.stringContaining(`${report.runId} Probe`)]);
    expect(report.cleanup.leftover.map((l) => l.id)).toEqual(made.map((o) => o.id));
  });
});

describe('clean-up', () => {
  const sandboxOn = async (fetchImpl: Fetch) => {
    const client = new TargetClient({
      target: 'http://mock.test',
      fetch: fetchImpl,
      maxRps: 100_000,
      deadline: Date.now() + 60_000,
    });
    const spec = new ContractSpec(await cachedSpec());
    const sandbox = new Sandbox(client, spec, 'root-admin-token', 'orgs-mock-contract 0123abcd', {
      id: 1,
      name: 'Acme Corp',
    });
    // What the token sees before the first create (the runner's inventory).
    await client.send({ ...sandbox.getRequest(3) });
    return sandbox;
  };

  it('lists by id and name what an unverified create made, also when its name cannot carry the run prefix', async () => {
    const app = await makeApp();
    const existing = await sandboxOn(broken(app, variant('a create that answers an existing id').handler));
    expect((await existing.create({ name: 'L 7', parentId: 1 }, 1)).unverified).toBe(true);
    const elsewhere = await sandboxOn(
      broken(app, variant('create files under the token organization, not the asked parent').handler),
    );
    expect((await elsewhere.create({ name: 'L 8', parentId: 2 }, 2)).unverified).toBe(true);
    const made = app.mock.state.tree.all().filter((o) => o.id > 105);
    expect(made.map((o) => [o.id, o.name])).toEqual([
      [106, 'L 7'],
      [107, 'L 8'],
    ]);
    expect((await existing.cleanUp()).leftover).toEqual([
      { id: 106, name: 'L 7', why: expect.stringContaining('did not exist before the run') },
    ]);
    expect((await elsewhere.cleanUp()).leftover).toEqual([
      { id: 107, name: 'L 8', why: expect.stringContaining('created by the run but not verified') },
    ]);
    expect(app.mock.state.tree.all().filter((o) => o.id > 105).length).toBe(2);
  });
});

describe('the update probe', () => {
  it("against a server that ignores orgId, reports that it modified the token's organization, by id", async () => {
    const { report } = await run(broken(await makeApp(), variant('an update that ignores orgId').handler), {
      token: 'root-admin-token',
      allowWrites: true,
      checks: ['writes_verified', 'read_your_writes'],
    });
    const touched = report.failures.find((f) => f.check === 'writes_verified' && f.actual.includes('modified'));
    expect(touched?.actual).toMatch(
      /^organization 1 \(the token's own, "Acme Corp"\) was modified by the probe: lastModifiedTs \d+ → \d+ \(its name is unchanged\)$/,
    );
    expect(touched?.severity).toBe('contract');
    expect(touched?.examples[0]?.request?.url).toBe('http://mock.test/api/v1/organization?orgId=1');
  });
});

describe('curl lines for the token endpoint', () => {
  it('pass the client with -u and shell variables that --help lists, every placeholder included', async () => {
    const { report } = await run(broken(await makeApp(), variant('an unknown client accepted').handler), {
      otherClientId: 'noscope-client',
      otherClientSecret: 'noscope-secret',
      checks: ['oauth_client_rejected', 'oauth_token_works', 'oauth_refresh_bound_to_client'],
    });
    const curls = report.failures.flatMap((f) => f.examples.map((e) => e.request?.curl ?? ''));
    expect(curls.length).toBeGreaterThan(1);
    // HTTP Basic travels as -u; the client sent as parameters (query, form) stays where it was sent, masked.
    const basic = curls.filter((curl) => curl.includes(' -u '));
    expect(basic.length).toBeGreaterThan(1);
    for (const curl of basic)
      expect(curl).toMatch(
        /^curl -i -X POST "http:\/\/mock\.test\/oauth2\/token\?grant_type=[^"]+" .* -u "[^"]+:[^"]+"$/,
      );
    for (const curl of curls) {
      expect(curl).not.toContain('Authorization');
      expect(curl).not.toContain('root-secret');
    }
    expect(curls).toContainEqual(expect.stringContaining('-u "$CLIENT_ID:$CLIENT_SECRET-wrong"'));
    expect(curls).toContainEqual(expect.stringContaining('-u "$OTHER_CLIENT_ID:$OTHER_CLIENT_SECRET"'));
    expect(curls).toContainEqual(expect.stringMatching(/-u "orgs-mock-contract-unknown-[0-9a-f]+:wrong"/));
    const { CONTRACT_HELP } = await import('../../src/cli/contract.ts');
    const placeholders = new Set(JSON.stringify(report).match(/\$[A-Z_]+/g));
    for (const name of ['$TOKEN', '$CLIENT_ID', '$CLIENT_SECRET', '$OTHER_CLIENT_ID', '$OTHER_CLIENT_SECRET'])
      placeholders.add(name);
    for (const name of placeholders) expect(CONTRACT_HELP).toContain(name);
  });
});

describe('diff', () => {
  it('pairs exchanges by request, so that a server differing only in 404 → 403 shows only that', async () => {
    const { diffReports } = await import('../../src/contract/diff.ts');
    const options = { token: 'root-admin-token', checks: ['property_based', 'unknown_id_not_found'] };
    const a = await run(fetchOf(await makeApp()), options);
    const b = await run(broken(await makeApp(), variant('403 instead of 404 outside the subtree').handler), options);
    // The generated phase diverges: B's failure is shrunk, A goes on generating.
    expect(b.log.filter((e) => e.check === 'property_based').map((e) => e.url)).not.toEqual(
      a.log.filter((e) => e.check === 'property_based').map((e) => e.url),
    );
    const diffs = diffReports(a, b);
    expect(diffs.length).toBeGreaterThan(0);
    for (const d of diffs) {
      expect(d.request, JSON.stringify(d)).toMatch(/^GET \/api\/v1\/organization\?orgId=\d+$/);
      if (d.aspect === 'status') expect([d.a, d.b]).toEqual(['404', '403']);
      else expect(d.aspect).toBe('error message');
    }
    expect(diffs).toContainEqual({
      check: 'unknown_id_not_found',
      request: 'GET /api/v1/organization?orgId=2147483647',
      aspect: 'status',
      a: '404',
      b: '403',
    });
    expect(diffReports(a, a)).toEqual([]);
  });

  it('finds no difference between two runs with writes, whose run ids and created ids differ', async () => {
    const { diffReports } = await import('../../src/contract/diff.ts');
    const options = {
      token: 'root-admin-token',
      allowWrites: true,
      checks: ['read_your_writes', 'name_alphabet', 'delete_with_children_refused'],
    };
    const shifted = await makeApp();
    // A first run on B's server makes the ids of B's organizations come later than A's.
    const a = await run(fetchOf(await makeApp()), options);
    const warmUp = await run(fetchOf(shifted), { ...options, checks: ['read_your_writes'] });
    const b = await run(fetchOf(shifted), options);
    expect(a.report.runId).not.toBe(b.report.runId);
    expect(warmUp.report.verdict).toBe('passed');
    expect(diffReports(a, b)).toEqual([]);
  });
});

describe('set-up calls', () => {
  it('retry a 5xx with back-off: the run goes on, and the 5xx counts once, under not_a_server_error', async () => {
    const app = await makeApp();
    const failed: Record<string, number> = {};
    // The token request and the profile each answer 500 twice before they work.
    const flaky: Fetch = async (input, init) => {
      const path = new URL(String(input)).pathname;
      if (path === '/oauth2/token' || path.endsWith('/profile')) {
        failed[path] = (failed[path] ?? 0) + 1;
        if (failed[path] <= 2)
          return new Response(JSON.stringify({ error: { message: 'Internal server error.' } }), {
            status: 500,
            headers: { 'content-type': 'application/json' },
          });
      }
      return fetchOf(app)(input, init);
    };
    const waits: number[] = [];
    const { report } = await run(flaky, {
      strict: false,
      checks: ['not_a_server_error', 'response_schema_conformance', 'answers_match_model'],
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    expect(waits.slice(0, 2)).toEqual([250, 500]);
    const groups = report.failures.map((f) => [f.check, f.operation, f.count]);
    expect(groups).toContainEqual(['not_a_server_error', 'issueToken', 1]);
    expect(groups).toContainEqual(['not_a_server_error', 'getCurrentOrganization', 1]);
    expect(report.failures.filter((f) => f.check !== 'not_a_server_error')).toEqual([]);
  });
});

describe('x-never-omitted', () => {
  it('an Organization answer without a never-omitted field fails with the severity its source mark gives (doc)', async () => {
    const { report } = await run(
      broken(
        await makeApp(),
        variant('organizations answered without their never-set description, phoneNumber and address').handler,
      ),
      { token: 'root-admin-token', strict: false, checks: ['response_schema_conformance'] },
    );
    const found = report.failures.filter((f) => f.specLocation === '#/components/schemas/Organization/x-never-omitted');
    expect(found.length).toBeGreaterThan(0);
    expect(new Set(found.map((f) => [f.check, f.severity].join(' ')))).toEqual(
      new Set(['response_schema_conformance contract']),
    );
    expect(found[0]?.actual).toMatch(/^id \d+ lacks (description|phoneNumber|address)/);
    expect(report.verdict).toBe('failed');
  });
});
