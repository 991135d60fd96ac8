/**
 * Resident memory under the attacks of issue 10, on a real server process with 100,000 organizations:
 * 150 requests with new session ids and no valid token, then 100 writing sessions (MAX_SESSIONS) and 50
 * reading ones past them (one writer is evicted, and told so), and a 100 MB import that is refused at its last organization. Health must
 * answer throughout, every other writer keep its write (sessions are overlays of their changes: 100 of them
 * cost a few hundred KB, issue 17 bounds them at 100 MB above the base), and the resident memory stay
 * within the bounds stated in docs/control-plane.md.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { afterEach, expect, it } from 'vitest';
import { COMMAND } from '../setup/command.ts';
import { waitForBanner } from './banner.ts';

const bin = COMMAND;
let child: ChildProcess | undefined;
// Waited for: a server left to die after the test would hold its 100,000 organizations into the next file.
afterEach(async () => {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child!.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
});

const MB = 1024 * 1024;
/** The bounds of docs/control-plane.md for this scenario. */
const MAX_RSS = 1_024 * MB;
const MAX_GROWTH = 700 * MB;

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) * 1024;
}

let output = () => '';
function start(env: Record<string, string>): Promise<string> {
  child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--quiet'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return waitForBanner(child, 60_000).then((started) => {
    output = started.output;
    return started.url;
  });
}

/**
 * PUT with node:http rather than fetch, on a new connection: building the 100 MB body takes seconds on a busy
 * machine, and fetch's pool may then hand out a keep-alive connection that the server closes at that moment
 * for being idle 5 s (a write EPIPE, seen twice under full load). And should the server refuse before it
 * has read the whole body, its answer is read, not lost to the write that the closed connection cuts short.
 */
function put(url: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      agent: false, // a connection of its own
    });
    let answered = false;
    request.on('response', (response) => {
      answered = true;
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      response.on('error', reject);
    });
    request.on('error', (error) => {
      if (!answered) reject(new Error(`the import got no answer: ${error.message}`));
    });
    request.end(body);
  });
}

/** About `bytes` of snapshot whose last organization breaks a rule of create: read to the end, then refused. */
function hundredMegabyteImport(bytes: number): string {
  const pieces = [
    '{"format":"orgs-mock/state@1","organizations":[{"id":1,"name":"Imported Root","tz":"UTC","lastModifiedTs":0}',
  ];
  let size = pieces[0]!.length;
  for (let id = 2; size < bytes; id++) {
    const piece = `,{"id":${id},"name":"Imported organization ${id}","description":"${'d'.repeat(300)}","parentOrganizationId":1,"tz":"Europe/Kyiv","lastModifiedTs":${id}}`;
    pieces.push(piece);
    size += piece.length;
  }
  pieces.push(',{"id":2147483647,"name":"","tz":"UTC","lastModifiedTs":0}]}');
  return pieces.join('');
}

it('stays within its memory bounds and keeps answering health through sessions and a 100 MB import', async () => {
  const url = await start({ ORG_COUNT: '100000' });
  const pid = child!.pid as number;
  const before = rssOf(pid);

  let polling = true;
  const health = { ok: 0, failed: 0 };
  const poller = (async () => {
    while (polling) {
      try {
        // Generous: it tells a server that stopped answering from one slowed by a loaded machine.
        const reply = await fetch(`${url}/_mock/health`, { signal: AbortSignal.timeout(30_000) });
        if (reply.status === 200) health.ok++;
        else health.failed++;
      } catch {
        health.failed++;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();

  const statuses: number[] = [];
  for (let i = 0; i < 150; i++) {
    const headers: Record<string, string> = { 'X-Mock-Session': `stranger-${i}` };
    if (i % 2 === 0) headers.Authorization = 'Bearer wrong-token';
    statuses.push((await fetch(`${url}/api/v1/organization/profile`, { headers })).status);
  }
  expect(new Set(statuses)).toEqual(new Set([401]));
  expect(((await (await fetch(`${url}/_mock/health`)).json()) as { sessions: number }).sessions).toBe(0);

  // 100 writers (MAX_SESSIONS), then 50 readers past the bound. The first reader pushes out the least recently
  // used writer (every other session holds changes); after that the readers, which lose nothing, go first.
  const send = (i: number, writes: boolean) =>
    fetch(`${url}/api/v1/organization/${writes ? 'create' : 'profile'}`, {
      method: writes ? 'POST' : 'GET',
      headers: {
        Authorization: 'Bearer root-admin-token',
        'Content-Type': 'application/json',
        'X-Mock-Session': writes ? `writer-${i}` : `reader-${i}`,
      },
      ...(writes ? { body: JSON.stringify({ name: `Writer ${i}` }) } : {}),
    });
  const sessionsStarted = performance.now();
  for (let i = 0; i < 100; i++) expect((await send(i, true)).status).toBe(201);
  const sessionsMs = performance.now() - sessionsStarted;
  const afterSessions = rssOf(pid);
  for (let i = 100; i < 150; i++) expect((await send(i, false)).status).toBe(200);
  const { sessions } = (await (await fetch(`${url}/_mock/health`)).json()) as { sessions: number };
  expect(sessions).toBe(100); // MAX_SESSIONS
  // Every writer finds its own organization, or is told that it was evicted: nothing silently went back to the seed.
  for (let i = 0; i < 100; i++) {
    const found = (await (
      await fetch(`${url}/api/v1/organization/search?query=${encodeURIComponent(`Writer ${i}`)}`, {
        headers: { Authorization: 'Bearer root-admin-token', 'X-Mock-Session': `writer-${i}` },
      })
    ).json()) as { content?: { name: string }[]; error?: { message: string } };
    if (i === 0)
      expect(found.error?.message).toMatch(
        /^This session was evicted at .* \(more than MAX_SESSIONS=100 sessions were open\)/,
      );
    else
      expect(
        found.content?.map((org) => org.name),
        JSON.stringify(found),
      ).toEqual([`Writer ${i}`]);
  }
  const afterReads = rssOf(pid);

  const body = hundredMegabyteImport(100 * MB);
  const imported = await put(`${url}/_mock/state`, body);
  expect(imported, `the server said:\n${output()}`).toEqual({
    status: 400,
    body: JSON.stringify({
      error: {
        message:
          'Imported state is invalid: organization 2147483647: Organization name should be from 3 to 100 symbols.',
      },
    }),
  });
  const afterImport = rssOf(pid);

  polling = false;
  await poller;
  const state = (await (await fetch(`${url}/_mock/health`)).json()) as { organizations: number };
  expect(state.organizations).toBe(100_005);
  expect(health.failed).toBe(0);
  expect(health.ok).toBeGreaterThan(5);
  const peak = Math.max(afterSessions, afterReads, afterImport);
  console.log(
    `resident memory: ${Math.round(before / MB)} MB at start, ${Math.round(afterSessions / MB)} MB after 100 writing sessions (${Math.round((afterSessions - before) / MB)} MB above the base; 100 creates in ${Math.round(sessionsMs)} ms), ${Math.round(afterReads / MB)} MB after their reads, ${Math.round(afterImport / MB)} MB after the import; health ${health.ok} answers`,
  );
  // Issue 17: 100 writing sessions at 100,000 organizations within 100 MB above the base.
  expect(afterSessions - before).toBeLessThan(100 * MB);
  expect(peak).toBeLessThan(MAX_RSS);
  expect(peak - before).toBeLessThan(MAX_GROWTH);
}, 180_000);
