/**
 * Stopping: SIGTERM to `npm start` stops the server (npm's shell does not pass the signal on, so the
 * server notices that its parent is gone), and a directly signalled server drains requests in flight
 * but does not wait for a stuck client beyond its deadline.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { COMMAND } from '../setup/command.ts';
import { waitForBanner } from './banner.ts';

const root = new URL('../..', import.meta.url).pathname;
const bin = COMMAND;
const started: ChildProcess[] = [];
const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
  // Each process group started here, npm's shell and the server included.
  for (const child of started.splice(0)) {
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

function launch(command: string, args: string[]): { child: ChildProcess; url: Promise<string> } {
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  started.push(child);
  return { child, url: waitForBanner(child, 30_000).then((started) => started.url) };
}

/** Whether the port still accepts connections. */
function accepts(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** Polls until the port is closed; gives up (false) after `limitMs`. */
async function closesWithin(url: string, limitMs: number): Promise<boolean> {
  for (let waited = 0; waited < limitMs; waited += 100) {
    if (!(await accepts(url))) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

describe('stopping', () => {
  it('SIGTERM to `npm start` stops the server within a few seconds', async () => {
    const { child, url } = launch('npm', ['start', '--silent', '--', '--quiet']);
    const served = await url;
    expect((await fetch(`${served}/_mock/health`)).status).toBe(200);
    process.kill(child.pid as number, 'SIGTERM');
    expect(await closesWithin(served, 10_000)).toBe(true);
  }, 60_000);

  it('a directly signalled server finishes a request in flight and cuts a stuck connection at its deadline', async () => {
    const { child, url } = launch(process.execPath, [bin, 'serve', '--quiet']);
    const served = await url;
    const { hostname, port } = new URL(served);
    // A client that sends half a request and never the rest.
    const stuck = connect(Number(port), hostname);
    sockets.push(stuck);
    stuck.on('error', () => {});
    await new Promise<void>((resolve) => stuck.once('connect', () => resolve()));
    stuck.write('POST /api/v1/organization/create HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"na');
    // A request in flight when the signal comes: 1 s of asked-for delay.
    const inFlight = fetch(`${served}/api/v1/organization/profile`, {
      headers: { Authorization: 'Bearer root-admin-token', Prefer: 'delay=1000' },
    });
    await new Promise((r) => setTimeout(r, 200));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    process.kill(child.pid as number, 'SIGTERM');
    expect((await inFlight).status).toBe(200);
    const code = await Promise.race([
      exited,
      new Promise<'still running'>((r) => setTimeout(() => r('still running'), 15_000)),
    ]);
    expect(code).toBe(0);
  }, 60_000);

  it('SIGHUP stops like SIGTERM: the request in flight is answered, and the exit code is 0', async () => {
    const { child, url } = launch(process.execPath, [bin, 'serve', '--quiet']);
    const served = await url;
    const inFlight = fetch(`${served}/api/v1/organization/profile`, {
      headers: { Authorization: 'Bearer root-admin-token', Prefer: 'delay=500' },
    });
    await new Promise((r) => setTimeout(r, 100));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    process.kill(child.pid as number, 'SIGHUP');
    expect((await inFlight).status).toBe(200);
    expect(await exited).toBe(0);
  }, 60_000);
});
