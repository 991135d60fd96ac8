/**
 * The runner through a keep-alive HTTP proxy (node:http with an Agent that keeps its sockets) in front of a
 * real `orgs-mock serve` on loopback: connections are reused on both sides, and the run still passes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fullRun } from '../blind-variants/run.ts';
import { COMMAND } from '../setup/command.ts';
import { waitForBanner } from './banner.ts';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te']);
const endToEnd = (headers: http.IncomingHttpHeaders) =>
  Object.fromEntries(Object.entries(headers).filter(([k]) => !HOP_BY_HOP.has(k)));

let child: ChildProcess;
let proxy: http.Server;
let agent: http.Agent;
const upstreamSockets = new Set<Socket>();
const clientSockets = new Set<Socket>();
let proxied = 0;

beforeAll(async () => {
  child = spawn(process.execPath, [COMMAND, 'serve', '--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const upstream = new URL((await waitForBanner(child, 20_000)).url);
  agent = new http.Agent({ keepAlive: true, maxSockets: 4, noDelay: true });
  proxy = http.createServer({ noDelay: true }, (req, res) => {
    proxied++;
    const out = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...endToEnd(req.headers), host: upstream.host },
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
        answer.pipe(res);
      },
    );
    out.on('socket', (socket) => upstreamSockets.add(socket));
    out.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(out);
  });
  proxy.on('connection', (socket) => clientSockets.add(socket));
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  proxy?.closeAllConnections();
  await new Promise((resolve) => proxy?.close(resolve));
  agent?.destroy();
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
});

it('passes behind a keep-alive proxy, with connections reused on both sides', { timeout: 60_000 }, async () => {
  const port = (proxy.address() as AddressInfo).port;
  const { report } = await fullRun(fetch, { target: `http://127.0.0.1:${port}`, strict: true });
  expect({ verdict: report.verdict, failures: report.failures.map((f) => `${f.check}: ${f.actual}`) }).toEqual({
    verdict: 'passed',
    failures: [],
  });
  expect(report.cleanup.leftover).toEqual([]);
  expect(proxied).toBeGreaterThan(100);
  // Keep-alive at work: far fewer connections than requests, to the proxy and from it.
  expect(upstreamSockets.size).toBeLessThanOrEqual(4);
  expect(clientSockets.size).toBeLessThan(proxied / 10);
});
