/**
 * npm run soak: a bounded mixed read and write load on loopback for a set time. Each connection repeats
 * create → get → rename → search → delete on its own organization, plus a profile read; every answer is
 * expected to be 2xx. Beside it, one client works the parts around the API (issue 10): new session ids
 * with and without a token, writes in sessions, the control plane (config, journal, per-session reset,
 * export and import of a session, a refused oversized import), each answer checked against the status it
 * should have. Reports errors (expected zero) and the mock's memory at start and end.
 *
 * SOAK_SECONDS (default 60), SOAK_RPS (default 2000), SOAK_CONNECTIONS (default 10), SOAK_ORG_COUNT (default 100000).
 */
import autocannon from 'autocannon';
import { memoryOf, startMock } from './servers.ts';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const RPS = Number(process.env.SOAK_RPS ?? 2000);
const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 10);
const ORG_COUNT = process.env.SOAK_ORG_COUNT ?? '100000';
const headers = { Authorization: 'Bearer root-admin-token', 'Content-Type': 'application/json' };

type Context = { id?: number; n?: number };
const orgPath = (context: Context) => `/api/v1/organization?orgId=${context.id ?? 2147483647}`;

async function health(url: string): Promise<{ organizations: number }> {
  return (await (await fetch(`${url}/_mock/health`)).json()) as { organizations: number };
}

/** Statuses that were not the expected ones, by request. */
type Surprises = Map<string, number>;

/** Sequential requests around the API until `deadline`: sessions, imports and the control plane. */
async function aroundTheApi(url: string, deadline: number): Promise<{ requests: number; surprises: Surprises }> {
  const surprises: Surprises = new Map();
  let requests = 0;
  const expect = async (label: string, status: number, request: Promise<Response>) => {
    const response = await request;
    await response.arrayBuffer();
    requests++;
    if (response.status !== status)
      surprises.set(`${label} → ${response.status}`, (surprises.get(`${label} → ${response.status}`) ?? 0) + 1);
  };
  const small = JSON.stringify({
    format: 'orgs-mock/state@1',
    organizations: [
      { id: 1, name: 'Soak Root', tz: 'UTC', lastModifiedTs: 0 },
      { id: 2, parentOrganizationId: 1, name: 'Soak Child', tz: 'Europe/Kyiv', lastModifiedTs: 0 },
    ],
  });
  // Refused at the first organization (an empty name), after reading about 8 MB.
  const refused = `{"format":"orgs-mock/state@1","organizations":[{"id":1,"name":"","tz":"UTC","lastModifiedTs":0}${' '.repeat(8 * 1024 * 1024)}]}`;
  for (let round = 0; Date.now() < deadline; round++) {
    const session = `soak-${round}`;
    await expect(
      'new session without a token',
      401,
      fetch(`${url}/api/v1/organization/profile`, { headers: { 'X-Mock-Session': `${session}-stranger` } }),
    );
    await expect(
      'new session with a bad token',
      401,
      fetch(`${url}/api/v1/organization/profile`, {
        headers: { 'X-Mock-Session': `${session}-forger`, Authorization: 'Bearer wrong' },
      }),
    );
    await expect(
      'write in a new session',
      201,
      fetch(`${url}/api/v1/organization/create`, {
        method: 'POST',
        headers: { ...headers, 'X-Mock-Session': session },
        body: JSON.stringify({ name: `Session Org ${round}` }),
      }),
    );
    await expect(
      'import into a session',
      200,
      fetch(`${url}/_mock/state`, {
        method: 'PUT',
        headers: { ...headers, 'X-Mock-Session': `${session}-imported` },
        body: small,
      }),
    );
    await expect(
      'read an imported session',
      200,
      fetch(`${url}/api/v1/organization?orgId=2`, { headers: { ...headers, 'X-Mock-Session': `${session}-imported` } }),
    );
    await expect(
      'reset a session',
      200,
      fetch(`${url}/_mock/reset`, { method: 'POST', headers: { 'X-Mock-Session': session } }),
    );
    await expect('control plane config', 200, fetch(`${url}/_mock/config`));
    await expect('control plane journal', 200, fetch(`${url}/_mock/journal?limit=20`));
    await expect(
      'control plane from another origin',
      403,
      fetch(`${url}/_mock/reset`, { method: 'POST', headers: { Origin: 'http://evil.example' } }),
    );
    if (round % 20 === 0) {
      await expect(
        'export of a session',
        200,
        fetch(`${url}/_mock/state`, { headers: { 'X-Mock-Session': `${session}-imported` } }),
      );
      await expect(
        'an import refused mid-stream',
        400,
        fetch(`${url}/_mock/state`, {
          method: 'PUT',
          headers: { ...headers, 'X-Mock-Session': `${session}-refused` },
          body: refused,
        }),
      );
    }
  }
  return { requests, surprises };
}

async function main(): Promise<void> {
  const mock = await startMock({ ORG_COUNT }, { quiet: true });
  const pid = mock.child.pid as number;
  const before = await health(mock.url);
  const start = memoryOf(pid);
  console.log(
    `soak: ${SECONDS} s at up to ${RPS} req/s over ${CONNECTIONS} connections against ${mock.url} (${before.organizations} organizations, ${start.rssMb} MB resident)`,
  );

  const around = aroundTheApi(mock.url, Date.now() + SECONDS * 1000);
  const result = await autocannon({
    url: mock.url,
    connections: CONNECTIONS,
    duration: SECONDS,
    overallRate: RPS,
    requests: [
      {
        method: 'POST',
        path: '/api/v1/organization/create',
        headers,
        setupRequest: (request: Record<string, unknown>, context: Context) => {
          context.n = (context.n ?? 0) + 1;
          return { ...request, body: JSON.stringify({ name: `Soak Org ${context.n}`, parentId: 5 }) };
        },
        onResponse: (_status: number, body: string, context: Context) => {
          context.id = JSON.parse(body).id;
        },
      },
      {
        method: 'GET',
        headers,
        setupRequest: (r: Record<string, unknown>, c: Context) => ({ ...r, path: orgPath(c) }),
      },
      {
        method: 'PUT',
        headers,
        setupRequest: (r: Record<string, unknown>, c: Context) => ({
          ...r,
          path: orgPath(c),
          body: JSON.stringify({ name: `Soak Renamed ${c.n}` }),
        }),
      },
      { method: 'GET', path: '/api/v1/organization/search?query=soak&size=50&sortBy=Name', headers },
      {
        method: 'DELETE',
        headers,
        setupRequest: (r: Record<string, unknown>, c: Context) => ({ ...r, path: orgPath(c) }),
      },
      { method: 'GET', path: '/api/v1/organization/profile', headers },
    ],
  });

  const { requests: aroundRequests, surprises } = await around;
  const after = await health(mock.url);
  const end = memoryOf(pid);
  await mock.stop();
  const unexpected = [...surprises.values()].reduce((sum, n) => sum + n, 0);
  const errors = result.errors + result.timeouts + result.non2xx + unexpected;
  console.log(
    [
      `requests: ${result.requests.total} (${Math.round(result.requests.average)} req/s), latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`,
      `around the API: ${aroundRequests} requests (sessions, imports, control plane), ${unexpected} with an unexpected status${unexpected ? `: ${[...surprises].map(([what, n]) => `${what} ×${n}`).join(', ')}` : ''}`,
      `errors: ${errors} (socket errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx}, unexpected around the API ${unexpected})`,
      `memory: ${start.rssMb} MB resident at start, ${end.rssMb} MB at end, ${end.peakMb} MB peak`,
      `organizations: ${before.organizations} at start, ${after.organizations} at end (at most one per connection in flight)`,
    ].join('\n'),
  );
  if (errors > 0 || Math.abs(after.organizations - before.organizations) > CONNECTIONS) process.exit(1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
