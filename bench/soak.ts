/**
 * npm run soak: a bounded mixed read and write load on loopback for a set time. Each connection repeats
 * create → get → rename → search → delete on its own organization, plus a profile read; every answer is
 * expected to be 2xx. Reports errors (expected zero) and the mock's memory at start and end.
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

async function main(): Promise<void> {
  const mock = await startMock({ ORG_COUNT });
  const pid = mock.child.pid as number;
  const before = await health(mock.url);
  const start = memoryOf(pid);
  console.log(`soak: ${SECONDS} s at up to ${RPS} req/s over ${CONNECTIONS} connections against ${mock.url} (${before.organizations} organizations, ${start.rssMb} MB resident)`);

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
      { method: 'GET', headers, setupRequest: (r: Record<string, unknown>, c: Context) => ({ ...r, path: orgPath(c) }) },
      {
        method: 'PUT',
        headers,
        setupRequest: (r: Record<string, unknown>, c: Context) => ({ ...r, path: orgPath(c), body: JSON.stringify({ name: `Soak Renamed ${c.n}` }) }),
      },
      { method: 'GET', path: '/api/v1/organization/search?query=soak&size=50&sortBy=Name', headers },
      { method: 'DELETE', headers, setupRequest: (r: Record<string, unknown>, c: Context) => ({ ...r, path: orgPath(c) }) },
      { method: 'GET', path: '/api/v1/organization/profile', headers },
    ],
  });

  const after = await health(mock.url);
  const end = memoryOf(pid);
  await mock.stop();
  const errors = result.errors + result.timeouts + result.non2xx;
  console.log(
    [
      `requests: ${result.requests.total} (${Math.round(result.requests.average)} req/s), latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`,
      `errors: ${errors} (socket errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx})`,
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
