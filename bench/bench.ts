/**
 * npm run bench: the mock against the limit of its stack, in one run on loopback.
 *
 * 1. Throughput: a bare Hono app on the same adapter (a fixed Organization) and the mock with 100,000
 *    generated organizations, run as `npm start` runs it with its request log on, loaded in turn by
 *    autocannon (10 connections) on profile, get, search and create; requests per second, p50/p99
 *    latency, the CPU time each server spent per request, and the ratio mock ÷ bare.
 * 2. Search latency at 100,000 organizations: one connection (service time, not queueing), a 50-item page
 *    with a query, every sort field and order in rotation.
 * 3. Start-up with 100,000 and 1,000,000 generated organizations: time to serving, peak memory.
 * 4. Cold start at the default size: from spawning the process to its first answer, the median of
 *    BENCH_COLD_RUNS (default 7) starts, for the built package, the sources through tsx, Prism, and a bare
 *    node:http server (Node's own start: the floor on this machine).
 *
 * Writes bench/results.md. BENCH_SECONDS (default 4) sets each load's length, BENCH_ROUNDS (default 3)
 * the alternating bare/mock rounds per load (the median ratio is kept); BENCH_SKIP_MILLION=1
 * leaves out the 1,000,000-organization start-up; BENCH_ONLY=cold-start measures only the cold starts and
 * replaces only their section of bench/results.md; BENCH_SKIP_COLD=1 leaves them out (and keeps their
 * section of results.md as it was).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { cpus, loadavg, totalmem } from 'node:os';
import autocannon from 'autocannon';
import { nodeBinary } from '../scripts/node-lines.mjs';
import { prismCli } from '../scripts/prism.mjs';
import { DEFAULT_CONFIG } from '../src/config.ts';
import { cpuMsOf, memoryOf, npmStartCommand, type Started, startBare, startMock } from './servers.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const RESULTS = new URL('./results.md', import.meta.url);

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const AUTH = { Authorization: 'Bearer root-admin-token' };
const WORDS = ['inc', 'an', 'llc', 'group', 'son', 'er', 'tech', 'and', 'ltd', 'ro'];
const SORTS = ['Organization%20Id', 'Name', 'Device%20Count', 'User%20Count', 'Sub%20Organizations'];

interface Scenario {
  name: string;
  method: 'GET' | 'POST';
  path: () => string;
  body?: string;
}

let counter = 0;
const searchPath = () => {
  const i = counter++;
  return `/api/v1/organization/search?query=${WORDS[i % WORDS.length]}&size=50&sortBy=${SORTS[i % SORTS.length]}&sortOrder=${i % 2 ? 'DESC' : 'ASC'}`;
};

/** Every two-letter query in turn: never one of the few (token, query) match sets the mock keeps. */
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const BIGRAMS = [...LETTERS].flatMap((a) => [...LETTERS].map((b) => a + b));
let fresh = 0;
const freshSearchPath = () => {
  const i = fresh++;
  return `/api/v1/organization/search?query=${BIGRAMS[i % BIGRAMS.length]}&size=50&sortBy=${SORTS[i % SORTS.length]}&sortOrder=${i % 2 ? 'DESC' : 'ASC'}`;
};
const FRESH_SEARCH: Scenario = { name: 'search, a new query each time', method: 'GET', path: freshSearchPath };

const SCENARIOS: Scenario[] = [
  { name: 'profile', method: 'GET', path: () => '/api/v1/organization/profile' },
  { name: 'get', method: 'GET', path: () => '/api/v1/organization?orgId=4' },
  { name: 'search', method: 'GET', path: searchPath },
  {
    name: 'create',
    method: 'POST',
    path: () => '/api/v1/organization/create',
    body: JSON.stringify({ name: 'Bench Org', parentId: 5 }),
  },
];

interface Load {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  unexpected: number;
  /** CPU time (user + system) the server spent per request answered, in µs (10 ms ticks over the load). */
  cpuUs: number;
}

async function load(server: Started, scenario: Scenario, connections: number, duration = SECONDS): Promise<Load> {
  const pid = server.child.pid as number;
  const cpuBefore = cpuMsOf(pid);
  const result = await autocannon({
    url: server.url,
    connections,
    duration,
    requests: [
      {
        method: scenario.method,
        headers: { ...AUTH, ...(scenario.body ? { 'Content-Type': 'application/json' } : {}) },
        body: scenario.body,
        setupRequest: (request: Record<string, unknown>) => ({ ...request, path: scenario.path() }),
      },
    ],
  });
  return {
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    unexpected: result.non2xx,
    cpuUs: Math.round(((cpuMsOf(pid) - cpuBefore) * 1000) / Math.max(1, result.requests.total)),
  };
}

async function startup(count: number): Promise<{ count: number; ms: number; peakMb: number }> {
  // As a user starts it: ORG_COUNT alone (an unset MAX_ORGANIZATIONS leaves room above it), Node's own heap.
  const mock = await startMock({ ORG_COUNT: String(count) });
  const { peakMb } = memoryOf(mock.child.pid as number);
  await mock.stop();
  return { count, ms: Math.round(mock.startMs), peakMb };
}

const pad = (s: string | number, n: number) => String(s).padEnd(n);

/** What the throughput loads compare, printed with them and written to results.md. */
const CONDITIONS = `Conditions: the mock as \`npm start\` runs it (\`node ${npmStartCommand().join(' ')}\`), ORG_COUNT=100000, its request log ON (text lines to stdout, a pipe the bench reads and drops),
RATE_LIMIT_PER_MINUTE lifted so that no load meets a 429; the bare app is Hono on the same adapter
(@hono/node-server) answering every route with c.json() of a fixed 7-field Organization (about 170 bytes,
serialized per request; 201 to POST), reading nothing of the request, logging nothing. autocannon in the
bench process, 10 connections, keep-alive, Bearer root-admin-token; endpoints: profile
GET /api/v1/organization/profile, get GET /api/v1/organization?orgId=4, search
GET /api/v1/organization/search?query=…&size=50&sortBy=…, create POST /api/v1/organization/create
{"name":"Bench Org","parentId":5}.`;

const TABLE_HEAD = `| load    | bare req/s | bare p50/p99 | bare CPU/req | mock req/s | mock p50/p99 | mock CPU/req | mock ÷ bare | mock errors or non-2xx |
|---------|---------|-------------|----------|---------|-------------|----------|-------|---|`;

const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 7);
const COLD_TARGET_MS = 300;

interface ColdCandidate {
  name: string;
  /** The command, given a free port. */
  command: (port: number) => [string, ...string[]];
}

// Fetched on first use into a cache (scripts/node-lines.mjs, scripts/prism.mjs), not installed by npm ci.
const NODE26 = process.platform === 'linux' && process.arch === 'x64';
const COLD_CANDIDATES: ColdCandidate[] = [
  {
    name: 'orgs-mock, built (`node dist/bin/orgs-mock.js serve`, as the package and the image run it)',
    command: () => [process.execPath, 'dist/bin/orgs-mock.js', 'serve'],
  },
  ...(NODE26
    ? [
        {
          name: "orgs-mock, built, on Node 26 (the image's Node; compile cache warm after the first start)",
          command: () => [nodeBinary(26), 'dist/bin/orgs-mock.js', 'serve'] as [string, ...string[]],
        },
      ]
    : []),
  {
    name: 'orgs-mock from the sources through tsx (`npm start` before 0.1.0 built its bundle)',
    command: () => [process.execPath, 'bin/orgs-mock.mjs', 'serve'],
  },
  {
    name: 'Prism 5 (`prism mock openapi.yaml`)',
    command: (port) => [process.execPath, prismCli(), 'mock', 'openapi.yaml', '-h', '127.0.0.1', '-p', String(port)],
  },
  {
    name: 'a bare node:http server (Node alone: the floor on this machine)',
    command: () => [
      process.execPath,
      '-e',
      "require('http').createServer((q, s) => s.end('{}')).listen(process.env.PORT, '127.0.0.1')",
    ],
  },
];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.once('error', reject);
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Spawns the server, waits until its port accepts, then asks for the profile: the time to that answer, and the
 * CPU time the server used until then (which other work on a shared machine disturbs less).
 */
async function firstAnswer(candidate: ColdCandidate): Promise<{ ms: number; cpuMs: number }> {
  const port = await freePort();
  const [command, ...args] = candidate.command(port);
  const started = performance.now();
  const child: ChildProcess = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), QUIET: 'true' },
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    while (performance.now() - started < 60_000) {
      // A bare TCP connect is the cheapest probe: fetch every 2 ms would take CPU from the server it waits for.
      if (!(await accepts(port))) {
        if (child.exitCode !== null) throw new Error(`${candidate.name} exited with ${child.exitCode}`);
        await new Promise((resolve) => setTimeout(resolve, 2));
        continue;
      }
      let response: Response;
      try {
        response = await fetch(`http://127.0.0.1:${port}/api/v1/organization/profile`, { headers: AUTH });
      } catch {
        continue;
      }
      await response.arrayBuffer();
      const ms = performance.now() - started;
      if (response.status !== 200) throw new Error(`${candidate.name} answered ${response.status}`);
      return { ms, cpuMs: cpuMsOf(child.pid as number) };
    }
    throw new Error(`${candidate.name} did not answer within 60 s`);
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/** Every candidate in turn, COLD_RUNS times, so that noise from other work spreads over all of them. */
async function coldStarts(
  machine: string,
): Promise<{ section: string; target: string; builtMs: number; prismMs: number }> {
  // The built package is measured as built from these sources.
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
  const load = loadavg()[0]?.toFixed(1);
  const times = new Map<ColdCandidate, number[]>(COLD_CANDIDATES.map((c) => [c, []]));
  const cpu = new Map<ColdCandidate, number[]>(COLD_CANDIDATES.map((c) => [c, []]));
  for (let run = 0; run < COLD_RUNS; run++) {
    for (const candidate of COLD_CANDIDATES) {
      const { ms, cpuMs } = await firstAnswer(candidate);
      times.get(candidate)?.push(ms);
      cpu.get(candidate)?.push(cpuMs);
    }
  }
  const bare = COLD_CANDIDATES.at(-1) as ColdCandidate;
  const bareMs = median(times.get(bare) ?? []);
  const rows = COLD_CANDIDATES.map((c) => {
    const all = times.get(c) ?? [];
    const overFloor = c === bare ? '' : `+${Math.round(median(all) - bareMs)} ms`;
    const line = `| ${c.name} | ${Math.round(median(all))} ms | ${Math.round(Math.min(...all))}–${Math.round(Math.max(...all))} ms | ${overFloor} | ${Math.round(median(cpu.get(c) ?? []))} ms |`;
    console.log(line);
    return line;
  });
  const builtMs = Math.round(median(times.get(COLD_CANDIDATES[0] as ColdCandidate) ?? []));
  const prism = COLD_CANDIDATES.find((c) => c.name.startsWith('Prism'));
  const prismMs = Math.round(median(times.get(prism as ColdCandidate) ?? []));
  const section = `## Cold start: from process start to the first answer

At the default size (${DEFAULT_CONFIG.orgCount} generated organizations), measured ${new Date().toISOString().slice(0, 10)} on ${machine}: each
server spawned ${COLD_RUNS} times (candidates in turn, so that noise from other work spreads over all of them),
probed with a TCP connect every 2 ms until it accepts, then asked for the profile; the median and the range of that time, the median's
excess over Node's own start (the bare server), and the median CPU time (user + system) the server used
until its answer, which other work on a shared machine disturbs less than the elapsed time. Prism answers
from the spec's examples, the others from their data. Load average when the measure began: ${load} on
${cpus().length} cores — on a busy machine every row grows, Node's own start included.

| server | median | range | over bare Node | CPU to first answer |
|---|---|---|---|---|
${rows.join('\n')}
`;
  const target = `| first answer ≤ ${COLD_TARGET_MS} ms from process start, default size, built (Prism: ${prismMs} ms) | ${builtMs} ms | ${builtMs <= COLD_TARGET_MS ? '✓' : '✗'} |`;
  return { section, target, builtMs, prismMs };
}

const COLD_HEADING = '## Cold start';

/** The cold-start section and target row of an earlier results.md, for a run that leaves cold starts out. */
function keptColdSection(report: string): { section: string; target: string } {
  const start = report.indexOf(COLD_HEADING);
  const next = start === -1 ? -1 : report.indexOf('\n## ', start + COLD_HEADING.length);
  const section = start === -1 ? '' : report.slice(start, next === -1 ? undefined : next + 1);
  const target = /^\| first answer .*$/m.exec(report)?.[0] ?? '| first answer: not measured in this run | | |';
  return { section, target };
}

/** Replaces the cold-start section of results.md (up to the next heading) and its target row, or adds them. */
function withColdSection(report: string, section: string, target: string): string {
  const start = report.indexOf(COLD_HEADING);
  const next = start === -1 ? -1 : report.indexOf('\n## ', start + COLD_HEADING.length);
  let updated =
    start === -1
      ? `${report.trimEnd()}\n\n${section}`
      : `${report.slice(0, start)}${section}${next === -1 ? '' : `\n${report.slice(next + 1)}`}`;
  if (/^\| first answer .*$/m.test(updated)) updated = updated.replace(/^\| first answer .*$/m, target);
  else updated = updated.replace(/(## Targets\n\n\| target .*\n\|---.*\n)/, `$1${target}\n`);
  return updated;
}

async function main(): Promise<void> {
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`;
  console.log(`orgs-mock bench — ${machine}; ${SECONDS} s per load\n`);
  if (process.env.BENCH_ONLY === 'cold-start') {
    const cold = await coldStarts(machine);
    const previous = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '# Benchmark results\n';
    writeFileSync(RESULTS, withColdSection(previous, cold.section, cold.target));
    console.log(
      `\ncold start ${cold.builtMs} ms (target ${COLD_TARGET_MS} ms), Prism ${cold.prismMs} ms; wrote the cold-start section of bench/results.md`,
    );
    return;
  }

  const bare: Started = await startBare();
  const mock: Started = await startMock({ ORG_COUNT: '100000' });
  const loadAtStart = `${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on ${cpus().length} cores`;
  console.log(`${CONDITIONS}\nload average when the loads began: ${loadAtStart}\n\n${TABLE_HEAD}`);
  const rows: string[] = [];
  const throughput: Record<string, { bare: Load; mock: Load }> = {};
  let search: Load | undefined;
  let repeated: Load | undefined;
  for (const scenario of SCENARIOS) {
    // Search service time on one connection, while the tree still holds 100,000 (creates come last):
    // a new query each time (no cached match set), and ten queries in rotation (cached after the first).
    if (scenario.name === 'create') {
      search = await load(mock, FRESH_SEARCH, 1);
      repeated = await load(mock, SCENARIOS[2] as Scenario, 1);
    }
    // One second of warm-up each, so that both are measured with their code compiled; then rounds that
    // alternate bare and mock, keeping the round with the median ratio, so that a burst of noise from
    // other work on a shared machine hits one round, not the comparison.
    await load(bare, scenario, 10, 1);
    await load(mock, scenario, 10, 1);
    const rounds: Array<{ bare: Load; mock: Load }> = [];
    for (let round = 0; round < ROUNDS; round++)
      rounds.push({ bare: await load(bare, scenario, 10), mock: await load(mock, scenario, 10) });
    rounds.sort((x, y) => x.mock.rps / x.bare.rps - y.mock.rps / y.bare.rps);
    // (The 10-connection search load repeats ten queries, so after the first round it measures cached match sets.)
    const { bare: b, mock: m } = rounds[Math.floor(rounds.length / 2)] as { bare: Load; mock: Load };
    throughput[scenario.name] = { bare: b, mock: m };
    const line = `| ${pad(scenario.name, 7)} | ${pad(b.rps, 7)} | ${pad(`${b.p50} / ${b.p99}`, 11)} | ${pad(`${b.cpuUs} µs`, 8)} | ${pad(m.rps, 7)} | ${pad(`${m.p50} / ${m.p99}`, 11)} | ${pad(`${m.cpuUs} µs`, 8)} | ${pad((m.rps / b.rps).toFixed(2), 5)} | ${m.errors + m.unexpected} |`;
    rows.push(line);
    console.log(line);
  }
  if (!search || !repeated) throw new Error('the search scenario did not run');
  console.log(
    `search, 1 connection, a new query each time: ${search.rps} req/s, p50 ${search.p50} ms, p99 ${search.p99} ms`,
  );
  console.log(
    `search, 1 connection, 10 queries in rotation: ${repeated.rps} req/s, p50 ${repeated.p50} ms, p99 ${repeated.p99} ms`,
  );
  const afterLoad = memoryOf(mock.child.pid as number);
  await mock.stop();
  await bare.stop();

  const starts = [await startup(100_000)];
  if (!process.env.BENCH_SKIP_MILLION) starts.push(await startup(1_000_000));
  for (const s of starts) console.log(`start-up with ${s.count} organizations: ${s.ms} ms, peak ${s.peakMb} MB`);
  const previousReport = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '';
  const cold = process.env.BENCH_SKIP_COLD ? keptColdSection(previousReport) : await coldStarts(machine);

  const ratio = (name: string) =>
    (throughput[name] as { bare: Load; mock: Load }).mock.rps /
    (throughput[name] as { bare: Load; mock: Load }).bare.rps;
  const check = (ok: boolean) => (ok ? '✓' : '✗');
  const startOf = (count: number) => starts.find((s) => s.count === count);
  console.log('\nside by side, in this run:');
  for (const name of Object.keys(throughput)) {
    const { bare: b, mock: m } = throughput[name] as { bare: Load; mock: Load };
    console.log(
      `  ${pad(name, 8)} mock ÷ bare ${ratio(name).toFixed(2)}× (CPU per request: mock ${m.cpuUs} µs, bare ${b.cpuUs} µs)`,
    );
  }
  const targets = [
    cold.target,
    `| get at ≥ 0.9× bare, log on | ${ratio('get').toFixed(2)}× | ${check(ratio('get') >= 0.9)} |`,
    `| profile at ≥ 0.9× bare, log on | ${ratio('profile').toFixed(2)}× | ${check(ratio('profile') >= 0.9)} |`,
    `| create at ≥ 0.5× bare, log on | ${ratio('create').toFixed(2)}× | ${check(ratio('create') >= 0.5)} |`,
    `| search p99 < 20 ms at 100,000 (50-item page, a new query each time, every sort) | ${search.p99} ms | ${check(search.p99 < 20)} |`,
    `| start-up with 100,000 ≤ 1.5 s | ${startOf(100_000)?.ms} ms | ${check((startOf(100_000)?.ms ?? Infinity) <= 1500)} |`,
    ...(startOf(1_000_000)
      ? [
          `| start-up with 1,000,000 < 30 s | ${startOf(1_000_000)?.ms} ms | ${check((startOf(1_000_000)?.ms ?? Infinity) < 30_000)} |`,
          `| memory with 1,000,000 < 1.5 GB | ${startOf(1_000_000)?.peakMb} MB peak | ${check((startOf(1_000_000)?.peakMb ?? Infinity) < 1536)} |`,
        ]
      : []),
  ];

  const report = `# Benchmark results

Measured ${new Date().toISOString().slice(0, 10)} on ${machine}, with \`npm run bench\` (BENCH_SECONDS=${SECONDS}).
Servers run as child processes on loopback; autocannon runs in the bench process. The machine is shared,
so compare the ratios within one run rather than the absolute numbers across runs.

## Throughput: the mock (100,000 organizations) against a bare Hono app on the same adapter

${CONDITIONS}
${SECONDS} s per load, ${ROUNDS} alternating rounds per load, the round with the median ratio shown. Latency in ms
(p50 / p99); CPU is the user + system time the server process spent per request answered. Load average
when the loads began: ${loadAtStart}.

${TABLE_HEAD}
${rows.join('\n')}

Search on one connection (service time), 50 per page, every sort field ascending and descending in turn:

| queries | req/s | p50 | p99 |
|---|---|---|---|
| a new two-letter query each time (aa, ab, …; no cached match set) | ${search.rps} | ${search.p50} ms | ${search.p99} ms |
| ${WORDS.join(', ')} in rotation (match sets cached until a write) | ${repeated.rps} | ${repeated.p50} ms | ${repeated.p99} ms |
Mock memory after the loads: ${afterLoad.rssMb} MB resident, ${afterLoad.peakMb} MB peak.

## Start-up

Time from starting the process to serving (module load, data generation, indexes), and peak memory.

| generated organizations | start-up | peak memory |
|---|---|---|
${starts.map((s) => `| ${s.count.toLocaleString('en')} | ${s.ms} ms | ${s.peakMb} MB |`).join('\n')}

${cold.section}
## Targets

| target | measured | |
|---|---|---|
${targets.join('\n')}
`;
  // The image's section comes from `npm run test:container`, not from here: kept as it is.
  const previous = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '';
  const image = /\n## Image[\s\S]*?(?=\n## |$)/.exec(previous)?.[0];
  writeFileSync(RESULTS, image ? `${report.trimEnd()}\n${image.trimEnd()}\n` : report);
  console.log('\nwrote bench/results.md');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
