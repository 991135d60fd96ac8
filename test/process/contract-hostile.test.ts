/**
 * `orgs-mock contract` pointed, as a user would, at hostile servers (test/hostile-servers/): redirected
 * writes, echoed credentials, endless, cut and huge bodies, a server that dies mid-run. Whatever the server
 * does, the run touches nothing outside its own organizations, prints no secret, always writes its JSON
 * and JUnit reports, names the bad request in a finding, and stays under 200 MB of resident memory.
 * HOSTILE_CPU_LOG=1 prints each run's CPU time and peak memory (to keep the suite cheap).
 */
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, describe, type ExpectStatic, it, type OnTestFinishedHandler } from 'vitest';
import type { OrgRecord } from '../../src/domain/organization.ts';
import type { MockApp } from '../../src/http/app.ts';
import { makeApp, TOKENS } from '../helpers.ts';
import { cutBody, endlessBody, hugeBody } from '../hostile-servers/bodies.ts';
import { type Hostile, hostileServer, type Misbehave, recorder, type Seen } from '../hostile-servers/proxy.ts';
import { leakForms, leaks, type Run, runContract, stopRuns } from '../hostile-servers/run.ts';
import { diesWhen, echoCredentials, FOREIGN_ORG, onFirst, redirectWrites } from '../hostile-servers/scenarios.ts';

const CLIENT = { id: 'root-client', secret: 'root-secret' };
const MAX_PEAK_MB = 200;
/** Runs are bounded by the runner's budget; runContract's deadline (45 s) only catches one that hangs anyway. */
const BUDGET = ['--max-rps', '1000', '--budget', '20'];
const TEST_TIMEOUT = 60_000;
/**
 * A scenario's checks, with those that judge every exchange of the run (a redirect, a cut, endless or
 * oversized body is transport_sound's to report, a 5xx or a wrong status theirs, whichever check sent the
 * request): a cheap run that still sees everything.
 */
const checks = (names: string) =>
  `${names},transport_sound,not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,writes_verified`;

// The runs are processes that mostly wait: they run side by side (describe.concurrent), each against its own
// servers, closed when its test ends; a runner still alive at the end is killed.
afterAll(() => stopRuns());

interface RedirectCase {
  status: 307 | 308;
  crossOrigin: boolean;
}

interface Setting {
  app: MockApp;
  hostile: Hostile;
  /** The organizations that existed before the run, as JSON, by id. */
  before: Map<number, string>;
}

/** The test context's hook: a concurrent test's clean-up must be its own. */
type Finished = (fn: OnTestFinishedHandler) => void;

async function serve(
  onTestFinished: Finished,
  misbehave?: Misbehave,
  late?: (hostile: Hostile) => Misbehave,
): Promise<Setting> {
  const app = await makeApp({ config: { rateLimitPerMinute: 1_000_000 } });
  let bound: Misbehave | undefined = misbehave;
  const hostile = await hostileServer(app, (seen, res, forward) => bound?.(seen, res, forward) ?? false);
  if (late) bound = late(hostile);
  onTestFinished(() => hostile.close());
  return { app, hostile, before: snapshot(app) };
}

function snapshot(app: MockApp): Map<number, string> {
  return new Map(app.mock.state.tree.all().map((org: OrgRecord) => [org.id, JSON.stringify(org)]));
}

/** Path and query of a URL as the report gives it (absolute or not). */
const pathAndQuery = (url: string) => {
  const u = new URL(url, 'http://x');
  return u.pathname + u.search;
};

/** The report's failure examples whose request is this one (same method, path and query). */
function findingsFor(run: Run, request: Seen): unknown[] {
  const groups: any[] = run.report?.failures ?? [];
  return groups.filter((group) =>
    (group.examples ?? []).some(
      (e: any) => e.request?.method === request.method && pathAndQuery(String(e.request?.url)) === request.url,
    ),
  );
}

/** What must hold of every run, whatever the server did; soft, so that a failure lists every property broken. */
function expectSafe(
  expect: ExpectStatic,
  { app, hostile, before }: Setting,
  run: Run,
  secrets: string[] = [TOKENS.root],
): void {
  if (process.env.HOSTILE_CPU_LOG) console.log(`runner: ${run.cpuMs} ms CPU, ${Math.round(run.peakRssMb)} MB peak`);
  const exit = `exit ${run.code}${run.timedOut ? ' (killed at the deadline)' : ''}`;
  // Writes go only to what the run created, in this run.
  const foreign = hostile.writes.filter((w) => !hostile.created.has(w.orgId as number));
  expect
    .soft(
      foreign.map((w) => `${w.method} ${w.url}`),
      `writes to organizations the run did not create, ${exit}`,
    )
    .toEqual([]);
  // Nothing that existed before the run changed or went away.
  const after = snapshot(app);
  const changed = [...before].filter(([id, json]) => after.get(id) !== json).map(([id]) => id);
  expect.soft(changed, `organizations of before the run changed or gone, ${exit}`).toEqual([]);
  // No secret, raw or base64, in any output.
  const forms = leakForms(
    [...secrets, ...hostile.issued],
    secrets.includes(CLIENT.secret) ? [[CLIENT.id, CLIENT.secret]] : [],
  );
  expect.soft(leaks(run, forms), `secrets in the outputs, ${exit}`).toEqual([]);
  // The run ends by itself, and writes both reports.
  expect.soft(run.timedOut, exit).toBe(false);
  expect.soft(run.json, `contract-report.json written, ${exit}; stderr ends: ${run.stderr.slice(-600)}`).toBeDefined();
  if (run.json !== undefined) expect.soft(run.report, 'contract-report.json parses').toBeDefined();
  expect.soft(run.junit, `junit.xml written, ${exit}`).toBeDefined();
  if (run.junit !== undefined) expect.soft(XMLValidator.validate(run.junit), 'junit.xml is XML').toBe(true);
  expect.soft(run.peakRssMb, 'peak resident memory (MB) of the runner').toBeLessThan(MAX_PEAK_MB);
}

/** The report names this request in a finding, in JSON and in JUnit. */
function expectFindingFor(expect: ExpectStatic, run: Run, request: Seen | undefined): void {
  expect(request, 'the bad request was sent').toBeDefined();
  const bad = request as Seen;
  expect.soft(findingsFor(run, bad), `a finding on ${bad.method} ${bad.url}`).not.toEqual([]);
  expect.soft(run.junit ?? '').toContain(bad.url.replaceAll('&', '&amp;'));
}

describe.concurrent('orgs-mock contract against hostile servers', () => {
  it(
    'control: through the recording proxy the mock passes, and only the run’s organizations are written',
    async ({ expect, onTestFinished }) => {
      const setting = await serve(onTestFinished);
      const run = await runContract([
        '--target',
        setting.hostile.url,
        '--token',
        TOKENS.root,
        '--allow-writes',
        '--checks',
        checks('read_your_writes,unknown_id_not_found'),
        ...BUDGET,
      ]);
      expectSafe(expect, setting, run);
      expect.soft(run.code).toBe(0);
      expect.soft(setting.hostile.writes.length).toBeGreaterThan(0);
      expect.soft(setting.app.mock.state.tree.size).toBe(setting.before.size);
    },
    TEST_TIMEOUT,
  );

  // Each method is redirected once to each origin, with 307 once and 308 once.
  const redirects: Array<[RedirectCase, RedirectCase]> = [
    [
      { status: 307, crossOrigin: false },
      { status: 308, crossOrigin: true },
    ],
    [
      { status: 308, crossOrigin: true },
      { status: 307, crossOrigin: false },
    ],
  ];
  for (const [put, del] of redirects)
    it(
      `a write redirected to orgId=${FOREIGN_ORG} (PUT: ${put.status} ${put.crossOrigin ? 'cross' : 'same'}-origin, DELETE: ${del.status} ${del.crossOrigin ? 'cross' : 'same'}-origin) is a finding, never followed`,
      async ({ expect, onTestFinished }) => {
        const elsewhere = await recorder();
        onTestFinished(() => elsewhere.close());
        const redirected: Seen[] = [];
        const to = (r: RedirectCase) => ({
          status: r.status,
          origin: r.crossOrigin ? elsewhere.url : '',
        });
        const setting = await serve(onTestFinished, redirectWrites({ PUT: to(put), DELETE: to(del) }, redirected));
        const run = await runContract([
          '--target',
          setting.hostile.url,
          '--token',
          TOKENS.root,
          '--allow-writes',
          '--checks',
          checks('read_your_writes'),
          ...BUDGET,
        ]);
        expect
          .soft(
            setting.hostile.writes.filter((w) => w.orgId === FOREIGN_ORG).map((w) => `${w.method} ${w.url}`),
            'writes that followed a same-origin redirect',
          )
          .toEqual([]);
        expect
          .soft(
            elsewhere.seen.map(
              (s) => `${s.method} ${s.url}${s.headers.authorization ? ' with its Authorization' : ''}`,
            ),
            'requests that reached the other origin',
          )
          .toEqual([]);
        expectSafe(expect, setting, run);
        expect(redirected.map((r) => r.method)).toContain('PUT');
        for (const r of redirected) expectFindingFor(expect, run, r);
        expect.soft(run.code).toBe(1);
      },
      TEST_TIMEOUT,
    );

  describe('credentials echoed by every set-up call appear in no output', () => {
    const secrets = [TOKENS.root, TOKENS.branch, CLIENT.secret];

    it(
      'the token endpoint answers 500 with the Basic header, the form and a working token',
      async ({ expect, onTestFinished }) => {
        const setting = await serve(onTestFinished, echoCredentials());
        const run = await runContract([
          '--target',
          setting.hostile.url,
          '--client-id',
          CLIENT.id,
          '--client-secret',
          CLIENT.secret,
          '--other-token',
          TOKENS.branch,
          '--checks',
          checks('oauth_token_works,search_paging'),
          ...BUDGET,
        ]);
        expect(setting.hostile.issued.size, 'the echo carried a token the mock issued').toBeGreaterThan(0);
        expectSafe(expect, setting, run, secrets);
        expect.soft(run.code).not.toBe(0);
      },
      TEST_TIMEOUT,
    );

    it(
      'with a static token and --other-token, the profile echoes each of them',
      async ({ expect, onTestFinished }) => {
        const setting = await serve(onTestFinished, echoCredentials());
        const run = await runContract([
          '--target',
          setting.hostile.url,
          '--token',
          TOKENS.root,
          '--other-token',
          TOKENS.branch,
          '--checks',
          checks('visibility,search_paging'),
          ...BUDGET,
        ]);
        expectSafe(expect, setting, run, secrets);
        expect.soft(run.code).not.toBe(0);
      },
      TEST_TIMEOUT,
    );

    it(
      'once each, then the server recovers: the run goes on, and the echoed 500s are reported masked',
      async ({ expect, onTestFinished }) => {
        // The first token request, and the first profile call with each Authorization, misbehave.
        const first = new Set<string>();
        const echo = echoCredentials();
        const setting = await serve(onTestFinished, (seen, res, forward) => {
          const key =
            seen.pathname === '/oauth2/token' ? seen.pathname : `${seen.pathname} ${seen.headers.authorization}`;
          if (first.has(key)) return false;
          first.add(key);
          return echo(seen, res, forward);
        });
        const run = await runContract([
          '--target',
          setting.hostile.url,
          '--client-id',
          CLIENT.id,
          '--client-secret',
          CLIENT.secret,
          '--other-token',
          TOKENS.branch,
          '--checks',
          checks('oauth_token_works,visibility,search_paging'),
          ...BUDGET,
        ]);
        expectSafe(expect, setting, run, secrets);
        // The run went past its set-up: it searched.
        expect.soft(setting.hostile.seen.some((s) => s.pathname === '/api/v1/organization/search')).toBe(true);
      },
      TEST_TIMEOUT,
    );
  });

  describe('a bad body on one request is a finding on that request, and the run goes on', () => {
    // A read by id, which no set-up needs (it reads the profile, and may search): the bad body lands in a check.
    const firstGet = (s: Seen) => s.method === 'GET' && s.pathname === '/api/v1/organization';
    for (const [name, answer] of [
      ['a body that never ends', endlessBody],
      ['a connection cut mid-body', cutBody],
      ['a 200 MB answer', hugeBody],
    ] as const)
      it(
        name,
        async ({ expect, onTestFinished }) => {
          const bad: Seen[] = [];
          const setting = await serve(onTestFinished, onFirst(firstGet, answer, bad));
          const run = await runContract([
            '--target',
            setting.hostile.url,
            '--token',
            TOKENS.root,
            '--checks',
            checks('search_paging,unknown_id_not_found,time_in_milliseconds'),
            ...BUDGET,
          ]);
          expectSafe(expect, setting, run);
          expectFindingFor(expect, run, bad[0]);
          // Requests after the bad one were sent: the run did not stop there.
          expect.soft(setting.hostile.seen.length).toBeGreaterThan((bad[0]?.index ?? Number.POSITIVE_INFINITY) + 1);
          expect.soft(run.code).toBe(1);
        },
        TEST_TIMEOUT,
      );
  });

  it(
    'a server that dies mid-run: the run ends, writes its reports, and lists what it left behind',
    async ({ expect, onTestFinished }) => {
      const diedOn: Seen[] = [];
      const setting = await serve(onTestFinished, undefined, (hostile) =>
        // Dies on the first request after the run's third organization exists.
        diesWhen(
          (seen) => hostile.created.size >= 3 && diedOn.push(seen) > 0,
          () => hostile.die(),
        ),
      );
      const run = await runContract([
        '--target',
        setting.hostile.url,
        '--token',
        TOKENS.root,
        '--allow-writes',
        '--checks',
        checks('read_your_writes,depth_limit,delete_with_children_refused'),
        ...BUDGET,
      ]);
      expectSafe(expect, setting, run);
      expect.soft(run.code).not.toBe(0);
      // Every organization of the run still in the mock is listed as left behind.
      const left = setting.app.mock.state.tree
        .all()
        .map((org: OrgRecord) => org.id)
        .filter((id: number) => !setting.before.has(id));
      expect(left.length).toBeGreaterThan(0);
      const listed = (run.report?.cleanup?.leftover ?? []).map((l: { id: number }) => l.id);
      expect.soft(listed).toEqual(expect.arrayContaining(left));
      // The request the server died on is named in a finding.
      expectFindingFor(expect, run, diedOn[0]);
    },
    TEST_TIMEOUT,
  );
});
