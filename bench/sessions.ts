/**
 * npm run bench:sessions: what sessions cost, in one process, printed (no assertions; issue 17's bounds
 * are stated beside each number).
 *
 * 1. Start-up with 100,000 generated organizations (createApp: generate, build the seeded tree).
 * 2. Memory of 100 writing sessions at 100,000 organizations (ten creates each), heap after a full GC,
 *    above the heap before them.
 * 3. With 1,000,000 organizations: the first write of a new session (a create through the whole
 *    pipeline), a refused write in a new session, and a later write in the same session, for comparison;
 *    for the slowest first writes, the process CPU time and the main thread's GC pauses within them: a
 *    write far slower than its CPU time waited for the core (a shared machine), not for its own work.
 *
 * Run with `node --expose-gc --import tsx bench/sessions.ts` (the npm script does); BENCH_SKIP_MILLION=1
 * leaves out step 3.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { createApp, type MockApp } from '../src/http/app.ts';

const MB = 1024 * 1024;
/** New sessions whose first write is timed at 1,000,000 organizations. */
const SESSIONS = 51;
const gc = (globalThis as { gc?: () => void }).gc;
const heap = () => {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
};

async function send(
  app: MockApp,
  method: string,
  path: string,
  session: string,
  body?: unknown,
  token = 'root-admin-token',
) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const response = await app.request(path, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'X-Mock-Session': session },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  await response.arrayBuffer();
  const ended = performance.now();
  const used = process.cpuUsage(cpu);
  return { status: response.status, ms: ended - started, cpuMs: (used.user + used.system) / 1000, started, ended };
}

/** Garbage collections as they happen (start and duration, ms on performance.now()'s clock). */
const collections: { start: number; duration: number }[] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) collections.push({ start: entry.startTime, duration: entry.duration });
}).observe({ entryTypes: ['gc'] });

/** The GC time that fell within a request. */
const gcWithin = (request: { started: number; ended: number }) =>
  collections
    .filter((gc) => gc.start < request.ended && gc.start + gc.duration > request.started)
    .reduce(
      (sum, gc) => sum + Math.min(gc.start + gc.duration, request.ended) - Math.max(gc.start, request.started),
      0,
    );

const quantile = (values: number[], q: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * q))] ?? Number.NaN;
const ms = (value: number) => `${value.toFixed(2)} ms`;

async function main(): Promise<void> {
  if (!gc) console.log('(no --expose-gc: memory numbers include garbage)');
  let started = performance.now();
  const app = await createApp({ config: { orgCount: 100_000, quiet: true } });
  console.log(
    `start-up at 100,000 organizations: ${Math.round(performance.now() - started)} ms (issue 17: ≤ 1,500 ms)`,
  );

  const base = heap();
  for (let s = 0; s < 100; s++) {
    for (let w = 0; w < 10; w++) {
      const made = await send(app, 'POST', '/api/v1/organization/create', `writer-${s}`, { name: `Writer ${s} ${w}` });
      if (made.status !== 201) throw new Error(`create answered ${made.status}`);
    }
  }
  const above = heap() - base;
  const sessions = app.mock.runtime.sessions;
  console.log(
    `100 writing sessions (10 creates each) at 100,000 organizations: ${(above / MB).toFixed(1)} MB of heap above the base (issue 17: ≤ 100 MB); ${sessions.size} sessions, estimated ${(sessions.estimatedBytes / MB).toFixed(2)} MB`,
  );

  if (process.env.BENCH_SKIP_MILLION === '1') return;
  started = performance.now();
  const big = await createApp({ config: { orgCount: 1_000_000, maxOrganizations: 1_100_000, quiet: true } });
  console.log(`start-up at 1,000,000 organizations: ${Math.round(performance.now() - started)} ms`);
  // The first create of the process compiles its code paths: not a session's cost.
  await send(big, 'POST', '/api/v1/organization/create', 'warm-up', { name: 'Warm Up' });
  const first: number[] = [];
  const refused: number[] = [];
  const later: number[] = [];
  const firstWrites: Awaited<ReturnType<typeof send>>[] = [];
  for (let s = 0; s < SESSIONS; s++) {
    const denied = await send(big, 'DELETE', '/api/v1/organization?orgId=3', `refused-${s}`, undefined, 'viewer-token');
    if (denied.status !== 403) throw new Error(`the viewer's delete answered ${denied.status}`);
    refused.push(denied.ms);
    const made = await send(big, 'POST', '/api/v1/organization/create', `new-${s}`, { name: `First ${s}` });
    if (made.status !== 201) throw new Error(`create answered ${made.status}`);
    first.push(made.ms);
    firstWrites.push(made);
    later.push((await send(big, 'POST', '/api/v1/organization/create', `new-${s}`, { name: `Second ${s}` })).ms);
  }
  console.log(
    `at 1,000,000 organizations, median / 90th percentile / max of ${SESSIONS} sessions: first write of a new session ${[0.5, 0.9, 1].map((q) => ms(quantile(first, q))).join(' / ')} (issue 17: ≤ 5 ms); a refused write in a new session ${[0.5, 0.9, 1].map((q) => ms(quantile(refused, q))).join(' / ')}; a second write ${[0.5, 0.9, 1].map((q) => ms(quantile(later, q))).join(' / ')}`,
  );
  // Time we were not running (another process had the core) or collecting garbage is not the write's work.
  await new Promise((resolve) => setTimeout(resolve, 10)); // the last gc entries arrive
  const slowest = [...firstWrites].sort((a, b) => b.ms - a.ms).slice(0, 3);
  console.log(
    `  the 3 slowest first writes: ${slowest.map((w) => `${ms(w.ms)} (CPU ${ms(w.cpuMs)}, GC ${ms(gcWithin(w))})`).join('; ')}; CPU of a first write: median ${ms(
      quantile(
        firstWrites.map((w) => w.cpuMs),
        0.5,
      ),
    )}, max ${ms(
      quantile(
        firstWrites.map((w) => w.cpuMs),
        1,
      ),
    )}`,
  );
}

await main();
