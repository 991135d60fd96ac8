/** `orgs-mock contract` as CI runs it: a real process against a real mock on loopback. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import { XMLValidator } from 'fast-xml-parser';
import { parse as parseJunit } from 'junit2json';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { contractCommand } from '../../src/cli/contract.ts';
import { CHECKS } from '../../src/contract/registry.ts';
import type { MockApp } from '../../src/http/app.ts';
import { listen, type RunningServer } from '../../src/server.ts';
import { makeApp } from '../helpers.ts';
import { COMMAND } from '../setup/command.ts';

const bin = COMMAND;
const exec = promisify(execFile);

async function contract(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [bin, 'contract', ...args], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The command's function in this process, its console captured. */
async function inProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
  const listeners = [process.listeners('SIGINT'), process.listeners('SIGTERM')];
  try {
    const code = await contractCommand(args);
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
    // The command installs its Ctrl-C handlers; a test process keeps its own.
    for (const [i, signal] of (['SIGINT', 'SIGTERM'] as const).entries())
      for (const l of process.listeners(signal)) if (!listeners[i]?.includes(l)) process.off(signal, l);
  }
}

let app: MockApp;
let server: RunningServer;
let broken: RunningServer;
beforeAll(async () => {
  app = await makeApp();
  server = await listen(app, '127.0.0.1', 0);
  // A server whose 404 bodies are malformed: the contract must fail on it.
  const good = await makeApp();
  const bad = Object.assign(Object.create(good), {
    fetch: async (request: Request) => {
      const response = await good.fetch(request);
      if (response.status !== 404) return response;
      return Response.json({ message: 'not found' }, { status: 404 });
    },
  });
  broken = await listen(bad, '127.0.0.1', 0);
});
afterAll(async () => {
  await server.close();
  await broken.close();
});

describe('orgs-mock contract', () => {
  // The runs that wait on a process or on the clock (--max-rps) run side by side: each writes only to a server
  // of its own, and at most one of them captures the console (inProcess).
  it.concurrent('passes against the mock with writes, and writes a JUnit file that a JUnit parser reads', async ({
    expect,
  }) => {
    const out = mkdtempSync(join(tmpdir(), 'contract-'));
    const result = await contract([
      '--target',
      server.url,
      '--client-id',
      'root-client',
      '--client-secret',
      'root-secret',
      '--other-token',
      'branch-admin-token',
      '--allow-writes',
      '--strict',
      '--reporter',
      'console,json,junit',
      '--out',
      out,
      '--max-rps',
      '1000',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^✓ search_sorting \(\d+ ms\)$/m);
    expect(result.stdout).toMatch(/0 contract failures, 0 fidelity findings/);
    expect(result.stdout).toContain('Coverage of documented statuses');
    const xml = readFileSync(join(out, 'junit.xml'), 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = (await parseJunit(xml)) as {
      tests: number;
      failures: number;
      testsuite: Array<{ name: string; testcase: unknown[] }>;
    };
    const json = JSON.parse(readFileSync(join(out, 'contract-report.json'), 'utf8'));
    expect(parsed.tests).toBe(json.checks.length);
    expect(parsed.failures).toBe(0);
    expect(
      json.coverage.find((row: { operationId: string }) => row.operationId === 'deleteOrganization').statuses,
    ).toContainEqual({ status: '204', exercised: true });
    expect(app.mock.state.tree.size).toBe(105);
  });

  it.concurrent('npm run contract:dredd runs Dredd with our hooks against the mock, green, leaving nothing behind', async ({
    expect,
  }) => {
    const out = join(mkdtempSync(join(tmpdir(), 'dredd-')), 'dredd.xml');
    const script = new URL('../../contracts/run-dredd.sh', import.meta.url).pathname;
    // A mock of its own: the run beside it writes to the shared one.
    const own = await makeApp();
    const ownServer = await listen(own, '127.0.0.1', 0);
    try {
      const before = own.mock.state.tree.size;
      const { stdout } = await promisify(execFile)(
        'bash',
        [script, ownServer.url, '--reporter', 'xunit', '--output', out],
        {
          timeout: 120_000,
        },
      );
      // biome-ignore lint/suspicious/noControlCharactersInRegex: Dredd colours its output with ANSI escapes.
      expect(stdout.replace(/\x1b\[[0-9;]*m/g, '')).toMatch(/complete: \d+ passing, 0 failing, 0 errors/);
      const xml = readFileSync(out, 'utf8');
      expect(XMLValidator.validate(xml)).toBe(true);
      expect(xml).toMatch(/failures="0"/);
      expect(own.mock.state.tree.size).toBe(before);
    } finally {
      await ownServer.close();
    }
  });

  it.concurrent('exits 3 naming the checks not run when the budget runs out, 0 with --allow-partial', async ({
    expect,
  }) => {
    // A mock of its own: the run beside it writes to the shared one.
    const own = await listen(await makeApp(), '127.0.0.1', 0);
    try {
      const args = ['--target', own.url, '--token', 'root-admin-token', '--max-rps', '20', '--budget', '1'];
      const partial = await inProcess(args);
      expect(partial.code).toBe(3);
      expect(partial.stderr).toMatch(/the budget ran out before these checks ran: [a-z_]+/);
      expect(partial.stdout).toContain('verdict: incomplete');
      const allowed = await inProcess([...args, '--allow-partial']);
      expect(allowed.code).toBe(0);
    } finally {
      await own.close();
    }
  });

  it('exits 1 against a broken server, and its JUnit failures carry the request, response and reason', async () => {
    const out = mkdtempSync(join(tmpdir(), 'contract-'));
    // In-process: the process's exit codes are the first test's and the diff's; this one is about the report.
    const result = await inProcess([
      '--target',
      broken.url,
      '--token',
      'root-admin-token',
      '--reporter',
      'junit',
      '--out',
      out,
      '--max-rps',
      '1000',
    ]);
    expect(result.code).toBe(1);
    const xml = readFileSync(join(out, 'junit.xml'), 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = (await parseJunit(xml)) as {
      failures: number;
      testsuite: Array<{
        testcase: Array<{ name: string; failure?: Array<{ message: string; inner: string; type: string }> }>;
      }>;
    };
    expect(parsed.failures).toBeGreaterThan(0);
    const failure = parsed.testsuite.flatMap((s) => s.testcase).find((c) => c.name === 'response_schema_conformance')
      ?.failure?.[0];
    expect(failure?.type).toBe('response_schema_conformance');
    expect(failure?.inner).toContain('curl -i -X GET "http://127.0.0.1');
    expect(failure?.inner).toContain('→ 404');
    expect(failure?.inner).toContain('{"message":"not found"}');
    expect(failure?.inner).toContain('Bearer $TOKEN');
    // Tokens never appear whole in a report.
    expect(xml).not.toContain('root-admin-token');
  });

  it('exits 2 with a clear message when it cannot work', async () => {
    const unreachable = await contract(['--target', 'http://127.0.0.1:9', '--token', 'x']);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toMatch(
      /Cannot find the token's organization .*: 0 cannot reach http:\/\/127\.0\.0\.1:9\//,
    );
    // The rest in-process: the same command function, without a process start each.
    const noTarget = await inProcess(['--token', 'x']);
    expect(noTarget.code).toBe(2);
    expect(noTarget.stderr).toContain('--target is required.');
    const badFlag = await inProcess(['--target', server.url, '--token', 'x', '--frobnicate']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain("Unknown option '--frobnicate'");
    const dir = mkdtempSync(join(tmpdir(), 'spec-'));
    writeFileSync(join(dir, 'broken.yaml'), 'openapi: 3.0.3\ninfo: {}\n');
    const badSpec = await inProcess([
      '--target',
      server.url,
      '--token',
      'root-admin-token',
      '--spec',
      join(dir, 'broken.yaml'),
    ]);
    expect(badSpec.code).toBe(2);
    expect(badSpec.stderr).toContain('Cannot read the spec');
    const badToken = await inProcess(['--target', server.url, '--token', 'nobody']);
    expect(badToken.code).toBe(2);
    expect(badToken.stderr).toContain("Cannot find the token's organization");
    const unknownCheck = await inProcess([
      '--target',
      server.url,
      '--token',
      'root-admin-token',
      '--checks',
      'no_such_check',
    ]);
    expect(unknownCheck.code).toBe(2);
    expect(unknownCheck.stderr).toContain('Unknown check no_such_check');
  });

  it('Ctrl-C stops starting checks and cleans up; a second Ctrl-C prints the ids left behind', async () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const err: string[] = [];
    const error = vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => {
      // Twice, as a user would, while organizations of the run exist.
      if (String(line).includes('read_your_writes')) {
        process.emit('SIGINT');
        process.emit('SIGINT');
      }
    });
    const listeners = [...process.listeners('SIGINT'), ...process.listeners('SIGTERM')];
    try {
      const code = await contractCommand([
        '--target',
        server.url,
        '--token',
        'root-admin-token',
        '--allow-writes',
        '--max-rps',
        '1000',
      ]);
      expect(code).toBe(2);
      expect(exit).toHaveBeenCalledWith(2);
      expect(err.join('\n')).toContain('Interrupted: finishing the current check');
      expect(err.join('\n')).toMatch(/Left behind: \d+ "orgs-mock-contract [0-9a-f]{8} /);
      // The mocked exit returned, so the run went on to clean up after all.
      expect(app.mock.state.tree.size).toBe(105);
    } finally {
      for (const signal of ['SIGINT', 'SIGTERM'] as const)
        for (const l of process.listeners(signal)) if (!listeners.includes(l)) process.off(signal, l);
      exit.mockRestore();
      error.mockRestore();
      log.mockRestore();
    }
  });

  it('--list-checks prints every registered check with what it catches', async () => {
    const listed = await inProcess(['--list-checks']);
    expect(listed.code).toBe(0);
    for (const check of CHECKS) expect(listed.stdout).toContain(`${check.name}`);
    expect(listed.stdout).toContain('visibility [needs other-token]');
  });

  it('diff reports no differences between two copies of the mock, and each difference of a broken one', async () => {
    const same = await inProcess([
      'diff',
      '--a',
      server.url,
      '--b',
      server.url,
      '--token',
      'root-admin-token',
      '--max-rps',
      '1000',
    ]);
    expect(same.stdout).toContain('No differences');
    expect(same.code).toBe(0);
    const drift = await inProcess([
      'diff',
      '--a',
      server.url,
      '--b',
      broken.url,
      '--token',
      'root-admin-token',
      '--max-rps',
      '1000',
    ]);
    expect(drift.code).toBe(1);
    expect(drift.stdout).toMatch(
      /unknown_id_not_found \(GET \/api\/v1\/organization\?orgId=\d+\) error message: A Organization is not found or you don't have access to it\. \| B \(none\)/,
    );
    expect(drift.stdout).toMatch(
      /body shape: A \$\.error: object, \$\.error\.message: string \| B \$\.message: string/,
    );
  });
});

/** A mock behind a real socket whose answers a handler may replace (undefined: the mock answers). */
async function serveWith(
  handler: (request: Request, mock: (request: Request) => Promise<Response>) => Promise<Response | undefined>,
): Promise<RunningServer> {
  const good = await makeApp();
  const mock = async (request: Request) => good.fetch(request);
  const wrapped = Object.assign(Object.create(good), {
    fetch: async (request: Request) => (await handler(request, mock)) ?? mock(request),
  });
  return listen(wrapped, '127.0.0.1', 0);
}

/** Everything the command printed or wrote, for a search for secrets. */
function everything(result: { stdout: string; stderr: string }, dir: string): string {
  return [
    result.stdout,
    result.stderr,
    readFileSync(join(dir, 'contract-report.json'), 'utf8'),
    readFileSync(join(dir, 'junit.xml'), 'utf8'),
  ].join('\n');
}

const reportSchema = () =>
  new Ajv({ strict: false, allErrors: true }).compile(
    JSON.parse(readFileSync(new URL('../../docs/contract-report.schema.json', import.meta.url), 'utf8')),
  );

/** The request as an echoing server would send it back: headers, query, body, the Basic credentials decoded. */
async function echo(request: Request): Promise<Response> {
  const authorization = request.headers.get('authorization') ?? '';
  const basic = /^Basic (.+)$/.exec(authorization)?.[1];
  return Response.json(
    {
      error: 'server_error',
      authorization,
      decoded: basic ? Buffer.from(basic, 'base64').toString() : undefined,
      url: request.url,
      body: await request.text(),
    },
    { status: 500 },
  );
}

describe('orgs-mock contract when the target is hostile', () => {
  const basic = Buffer.from('root-client:root-secret').toString('base64');
  const client = ['--client-id', 'root-client', '--client-secret', 'root-secret'];
  const reports = (dir: string) => ['--reporter', 'console,json,junit', '--out', dir, '--max-rps', '1000'];

  // A process beside an in-process run: each against its own server.
  it.concurrent('a 200 MB answer costs the runner no memory: its peak RSS stays under 200 MB, and the run goes on', async ({
    expect,
  }) => {
    const MB = 1024 * 1024;
    let served = 0;
    const server = await serveWith(async (request) => {
      const url = new URL(request.url);
      if (url.pathname !== '/api/v1/organization/search' || url.searchParams.get('page') !== '1') return undefined;
      const piece = new Uint8Array(MB).fill(0x20);
      // Made as it is read: the test's own memory stays low too.
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (served >= 200 * MB) return controller.close();
          served += MB;
          controller.enqueue(piece);
        },
      });
      return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
    });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'contract-'));
      // The command's own peak, written as it exits (Linux pipes and files are written synchronously).
      const peakFile = join(dir, 'peak-rss');
      const preload = join(dir, 'peak.mjs');
      writeFileSync(
        preload,
        `import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(${JSON.stringify(peakFile)}, String(process.resourceUsage().maxRSS)));\n`,
      );
      const args = ['--target', server.url, '--token', 'root-admin-token', '--checks', 'search_paging'];
      const result = await promisify(execFile)(
        process.execPath,
        ['--import', pathToFileURL(preload).href, bin, 'contract', ...args, ...reports(dir)],
        { timeout: 60_000 },
      ).catch((error: { code: number; stdout: string; stderr: string }) => error);
      const json = JSON.parse(readFileSync(join(dir, 'contract-report.json'), 'utf8'));
      expect(json.requests, result.stderr).toBeGreaterThan(2);
      expect(served).toBeGreaterThan(0);
      expect(served).toBeLessThan(200 * MB);
      // maxRSS is in kilobytes.
      expect(Number(readFileSync(peakFile, 'utf8')) / 1024).toBeLessThan(200);
    } finally {
      await server.close();
    }
  });

  it.concurrent('a token endpoint answering 500 with the credentials: exit 2, the reason in JSON and JUnit, no secret anywhere', async ({
    expect,
  }) => {
    const server = await serveWith(async (request) =>
      new URL(request.url).pathname === '/oauth2/token' ? echo(request) : undefined,
    );
    try {
      const dir = mkdtempSync(join(tmpdir(), 'contract-'));
      const result = await inProcess(['--target', server.url, ...client, ...reports(dir)]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('orgs-mock contract: Cannot obtain a token from /oauth2/token: 500');
      const all = everything(result, dir);
      expect(all).not.toContain('root-secret');
      expect(all).not.toContain(basic);
      const json = JSON.parse(readFileSync(join(dir, 'contract-report.json'), 'utf8'));
      const validate = reportSchema();
      expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
      expect(json.verdict).toBe('error');
      expect(json.error).toMatch(/^Cannot obtain a token from \/oauth2\/token: 500 /);
      const xml = readFileSync(join(dir, 'junit.xml'), 'utf8');
      expect(XMLValidator.validate(xml)).toBe(true);
      const parsed = (await parseJunit(xml)) as {
        errors: number;
        testsuite: Array<{ testcase: Array<{ name: string; error?: Array<{ message: string }> }> }>;
      };
      expect(parsed.errors).toBe(1);
      expect(parsed.testsuite[0]?.testcase[0]?.error?.[0]?.message).toMatch(
        /^the runner could not work: Cannot obtain a token/,
      );
    } finally {
      await server.close();
    }
  });

  it('a profile answering 500 with the access token and the refresh token just issued: neither is printed or written', async () => {
    const issued: string[] = [];
    const server = await serveWith(async (request, mock) => {
      const path = new URL(request.url).pathname;
      if (path === '/oauth2/token') {
        const response = await mock(request);
        const body = (await response.clone().json()) as { access_token: string; refresh_token?: string };
        issued.push(body.access_token, ...(body.refresh_token ? [body.refresh_token] : []));
        return response;
      }
      if (path !== '/api/v1/organization/profile') return undefined;
      const answer = await echo(request);
      const body = (await answer.json()) as Record<string, unknown>;
      // The refresh token first: the runner's message quotes the start of the answer.
      return Response.json({ refresh: issued[1], ...body }, { status: 500 });
    });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'contract-'));
      const result = await inProcess(['--target', server.url, ...client, ...reports(dir)]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("Cannot find the token's organization");
      expect(issued).toHaveLength(2);
      const all = everything(result, dir);
      for (const secret of [...issued, 'root-secret', basic]) expect(all).not.toContain(secret);
      expect(all).toContain('Bearer $TOKEN');
    } finally {
      await server.close();
    }
  });

  it('organizations it could not delete are listed in the console, the JSON and a failing JUnit case', async () => {
    const server = await serveWith(async (request) =>
      request.method === 'DELETE' ? Response.json({ error: 'nope' }, { status: 500 }) : undefined,
    );
    try {
      const dir = mkdtempSync(join(tmpdir(), 'contract-'));
      const result = await inProcess([
        '--target',
        server.url,
        '--token',
        'root-admin-token',
        '--allow-writes',
        '--checks',
        'read_your_writes',
        ...reports(dir),
      ]);
      expect(result.stdout).toMatch(/LEFT BEHIND \(remove by hand\):\n {2}id \d+ "orgs-mock-contract [0-9a-f]{8} /);
      const json = JSON.parse(readFileSync(join(dir, 'contract-report.json'), 'utf8'));
      expect(json.cleanup.leftover.length).toBeGreaterThan(0);
      const xml = readFileSync(join(dir, 'junit.xml'), 'utf8');
      const parsed = (await parseJunit(xml)) as {
        testsuite: Array<{ testcase: Array<{ name: string; failure?: Array<{ message: string; inner: string }> }> }>;
      };
      const cleanup = parsed.testsuite[0]?.testcase.find((c) => c.name === 'cleanup');
      expect(cleanup?.failure?.[0]?.message).toBe(
        `${json.cleanup.leftover.length} organizations of the run left behind (remove by hand)`,
      );
      expect(cleanup?.failure?.[0]?.inner).toMatch(/^id \d+ "orgs-mock-contract /);
    } finally {
      await server.close();
    }
  });

  it('diff whose first side answers the profile with the credentials: exit 2, masked, its report written', async () => {
    const server = await serveWith(async (request) =>
      new URL(request.url).pathname === '/api/v1/organization/profile' ? echo(request) : undefined,
    );
    try {
      const dir = mkdtempSync(join(tmpdir(), 'contract-'));
      const result = await inProcess([
        'diff',
        '--a',
        server.url,
        '--b',
        server.url,
        '--token',
        'root-admin-token',
        '--reporter',
        'json',
        '--out',
        dir,
      ]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('Bearer $TOKEN');
      const json = readFileSync(join(dir, 'contract-report.json'), 'utf8');
      expect(JSON.parse(json).error).toMatchObject({
        verdict: 'error',
        error: expect.stringContaining('Bearer $TOKEN'),
      });
      expect([result.stdout, result.stderr, json].join('\n')).not.toContain('root-admin-token');
    } finally {
      await server.close();
    }
  });

  it('a usage error, a target that does not answer and a budget that runs out still write their reports', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'contract-'));
    const down = await inProcess([
      '--target',
      'http://127.0.0.1:9',
      ...client,
      '--reporter',
      'json,junit',
      '--out',
      dir,
    ]);
    expect(down.code).toBe(2);
    expect(JSON.parse(readFileSync(join(dir, 'contract-report.json'), 'utf8')).error).toMatch(
      /^Cannot obtain a token from \/oauth2\/token: 0 cannot reach http:\/\/127\.0\.0\.1:9\/oauth2\/token/,
    );
    expect(readFileSync(join(dir, 'junit.xml'), 'utf8')).toContain('errors="1"');
    const usage = await inProcess(['--token', 'root-admin-token', '--reporter', 'json', '--out', dir]);
    expect(usage.code).toBe(2);
    expect(JSON.parse(readFileSync(join(dir, 'contract-report.json'), 'utf8'))).toMatchObject({
      verdict: 'error',
      error: '--target is required.',
    });
    const partial = await inProcess([
      '--target',
      server.url,
      '--token',
      'root-admin-token',
      '--max-rps',
      '20',
      '--budget',
      '1',
      '--reporter',
      'json',
      '--out',
      dir,
    ]);
    expect(partial.code).toBe(3);
    expect(JSON.parse(readFileSync(join(dir, 'contract-report.json'), 'utf8')).verdict).toBe('incomplete');
  });
});
