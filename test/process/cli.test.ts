/** The `orgs-mock` command as a user runs it: real process, real port on loopback. */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { changedSettingsLine } from '../../src/cli/serve.ts';
import { resolveConfig, SETTINGS } from '../../src/config.ts';
import { COMMAND } from '../setup/command.ts';
import { waitForBanner } from './banner.ts';

const bin = COMMAND;
let child: ChildProcess | undefined;
afterEach(() => child?.kill('SIGKILL'));

function startServer(args: string[], env: Record<string, string> = {}): Promise<{ url: string; output: () => string }> {
  child = spawn(process.execPath, [bin, 'serve', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return waitForBanner(child, 60_000);
}

describe('orgs-mock serve', () => {
  it('serves the default data on the port it is given, logs each request, and stops on SIGTERM', async () => {
    const { url, output } = await startServer(['--port', '0'], { SEED: '42' });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${url}/api/v1/organization/profile`, {
      headers: { Authorization: 'Bearer root-admin-token' },
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { name: string }).name).toBe('Acme Corp');
    // The log line follows the answer; on a loaded machine, by more than a moment.
    await expect.poll(output, { timeout: 30_000 }).toMatch(/GET \/api\/v1\/organization\/profile 200 \d+(\.\d+)?ms/);
    expect(output()).toContain('root-admin-token');
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child!.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('logs JSON lines with LOG_FORMAT=json, and its banner names the docs page', async () => {
    const { url, output } = await startServer(['--port', '0'], { LOG_FORMAT: 'json' });
    expect(output()).toContain(`API reference: ${url}/docs`);
    await fetch(`${url}/api/v1/organization?orgId=abc`, { headers: { Authorization: 'Bearer root-admin-token' } });
    await expect.poll(output, { timeout: 30_000 }).toMatch(/^\{/m);
    const line = output()
      .split('\n')
      .find((l) => l.startsWith('{'));
    expect(JSON.parse(line as string)).toMatchObject({
      method: 'GET',
      path: '/api/v1/organization?orgId=abc',
      status: 400,
      ms: expect.any(Number),
    });
  });

  it('takes ORG_COUNT from the environment and --seed from the command line', async () => {
    const { url } = await startServer(['--port=0', '--seed', '5', '--quiet'], { ORG_COUNT: '3' });
    const response = await fetch(`${url}/api/v1/organization/search?query=`, {
      headers: { Authorization: 'Bearer root-admin-token' },
    });
    expect(((await response.json()) as { totalElements: number }).totalElements).toBe(8);
  });

  it('--help lists every option with its environment variable', () => {
    const result = spawnSync(process.execPath, [bin, 'serve', '--help'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    for (const s of SETTINGS) {
      expect(result.stdout).toContain(s.flag);
      expect(result.stdout).toContain(s.env);
    }
  });

  it('refuses a bad setting with exit code 2 and a clear message', () => {
    const result = spawnSync(process.execPath, [bin, 'serve', '--port', 'eighty'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--port should be an integer from 0 to 65535, not "eighty".');
    const disabled = spawnSync(process.execPath, [bin, 'serve', '--latency-ms', '5-x'], { encoding: 'utf8' });
    expect(disabled.status).toBe(2);
    expect(disabled.stderr).toContain('--latency-ms should be milliseconds like 100 or 50-200');
    const unknown = spawnSync(process.execPath, [bin, 'serve', '--colour'], { encoding: 'utf8' });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('Unknown option --colour');
  });
});

describe('configuration', () => {
  it('has defaults, reads the environment, and lets flags win', () => {
    expect(resolveConfig([], {}).config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      seed: 42,
      orgCount: 100,
      rateLimitPerMinute: 10000,
      tokenTtlSeconds: 86400,
      maxDepth: 4,
    });
    const env = {
      PORT: '9000',
      HOST: '0.0.0.0',
      SEED: '1',
      ORG_COUNT: '5',
      FIXTURES: '/tmp/f.json',
      RATE_LIMIT_PER_MINUTE: '60',
      TOKEN_TTL_SECONDS: '30',
      MAX_DEPTH: '2',
    };
    expect(resolveConfig([], env).config).toMatchObject({
      port: 9000,
      host: '0.0.0.0',
      seed: 1,
      orgCount: 5,
      fixtures: '/tmp/f.json',
      rateLimitPerMinute: 60,
      tokenTtlSeconds: 30,
      maxDepth: 2,
    });
    expect(resolveConfig(['--port', '9001', '--max-depth=3'], env).config).toMatchObject({ port: 9001, maxDepth: 3 });
    expect(
      resolveConfig(['--no-control-plane', '--quiet', '--latency-ms', '50-200', '--fault-rate', '0.25'], {}).config,
    ).toMatchObject({
      controlPlane: false,
      quiet: true,
      latencyMs: { min: 50, max: 200 },
      faultRate: 0.25,
    });
    expect(resolveConfig([], { CONTROL_PLANE: 'false', LOG_FORMAT: 'json' }).config).toMatchObject({
      controlPlane: false,
      logFormat: 'json',
    });
  });
});

describe('what the command says about itself and its settings', () => {
  it('--version prints the version of package.json', () => {
    const result = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(
      JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version,
    );
  });

  it('names every changed setting in the banner, secrets as set only', () => {
    // A value other than the default for every setting; a new setting needs one here.
    const samples: Record<string, string> = {
      PORT: '9999',
      HOST: '0.0.0.0',
      SEED: '7',
      ORG_COUNT: '3',
      FIXTURES: 'my.json',
      RATE_LIMIT_PER_MINUTE: '60',
      TOKEN_TTL_SECONDS: '30',
      MAX_DEPTH: '6',
      MAX_ORGANIZATIONS: '5000',
      LATENCY_MS: '100-600',
      FAULT_RATE: '0.1',
      FAULT_SEED: '9',
      CONTROL_PLANE: 'false',
      MAX_SESSIONS: '5',
      SESSION_MEMORY_MB: '64',
      SESSION_IDLE_SECONDS: '60',
      JOURNAL_SIZE: '10',
      CORS_ORIGIN: 'http://localhost:5173',
      LOG_FORMAT: 'json',
      QUIET: 'true',
      CONTROL_TOKEN: 's3cret',
      CONTROL_HOSTS: 'orgs-mock',
      IMPORT_MAX_BYTES: '2048',
      CLIENT_FAILURES_PER_MINUTE: '3',
    };
    expect(Object.keys(samples).sort()).toEqual(SETTINGS.map((s) => s.env).sort());
    expect(changedSettingsLine(resolveConfig([], {}).config)).toEqual([]);
    const [line] = changedSettingsLine(resolveConfig([], samples).config);
    // Port, host, seed and count are in the banner's first line already.
    for (const s of SETTINGS.filter((s) => !['PORT', 'HOST', 'SEED', 'ORG_COUNT'].includes(s.env)))
      expect(line, s.env).toContain(s.env === 'CONTROL_TOKEN' ? 'CONTROL_TOKEN=(set)' : `${s.env}=${samples[s.env]}`);
    expect(line).not.toContain('s3cret');
  });

  it('shows FAULT_RATE, LATENCY_MS and MAX_DEPTH in the banner of a running server', async () => {
    const { output } = await startServer(['--port', '0', '--quiet'], {
      FAULT_RATE: '0.1',
      LATENCY_MS: '100-600',
      MAX_DEPTH: '6',
    });
    expect(output()).toMatch(/^ {2}settings: MAX_DEPTH=6, LATENCY_MS=100-600, FAULT_RATE=0\.1, QUIET=true$/m);
  });

  it('refuses a port in use in one line that names --port', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => taken.once('listening', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const c = spawn(process.execPath, [bin, 'serve', '--port', String(port)], {
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        c.stderr.on('data', (chunk) => {
          stderr += chunk;
        });
        c.once('exit', (code) => resolve({ code, stderr }));
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        `orgs-mock: port ${port} on 127.0.0.1 is in use; choose another with --port <number> (or PORT=<number>), or --port 0 for any free port.\n`,
      );
    } finally {
      taken.close();
    }
  });

  it('refuses a CORS_ORIGIN without a scheme and a HOST with a scheme or port, in one line each', () => {
    const refusals = [
      [
        { CORS_ORIGIN: 'localhost:5173' },
        'CORS_ORIGIN should be * or origins with their scheme, such as http://localhost:5173 (comma-separated, no path), not "localhost:5173".',
      ],
      [
        { CORS_ORIGIN: 'http://localhost:5173/' },
        'CORS_ORIGIN should be * or origins with their scheme, such as http://localhost:5173 (comma-separated, no path), not "http://localhost:5173/".',
      ],
      [
        { HOST: 'http://0.0.0.0' },
        'HOST should be an address or host name such as 127.0.0.1, 0.0.0.0 or ::, without scheme or port (the port is PORT / --port), not "http://0.0.0.0".',
      ],
      [
        { HOST: '0.0.0.0:8080' },
        'HOST should be an address or host name such as 127.0.0.1, 0.0.0.0 or ::, without scheme or port (the port is PORT / --port), not "0.0.0.0:8080".',
      ],
    ] as const;
    for (const [env, message] of refusals) expect(() => resolveConfig([], env), message).toThrow(message);
    // One of them end to end: exit 2, the message on one line of stderr, nothing else.
    const result = spawnSync(process.execPath, [bin, 'serve'], {
      encoding: 'utf8',
      env: { ...process.env, CORS_ORIGIN: 'localhost:5173' },
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`orgs-mock: ${refusals[0][1]}\n`);
    for (const good of ['*', 'http://localhost:5173', 'http://localhost:5173, https://app.example.com'])
      expect(resolveConfig([], { CORS_ORIGIN: good }).config.corsOrigin).toBe(good.replace(', ', ','));
    for (const good of ['127.0.0.1', '0.0.0.0', '::', '::1', '[::1]', 'localhost', 'orgs-mock'])
      expect(resolveConfig([], { HOST: good }).config.host).toBe(good);
  });
});

describe("the README's commands", () => {
  it('"Five minutes with the mock" runs as printed against a fresh server, every request succeeding', async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const block = /### Five minutes with the mock\s+```sh\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    expect(block).not.toMatch(/<[a-z_]+>/); // no placeholder to fill in by hand
    const { url } = await startServer(['--port', '0', '--quiet']);
    // curl -f: an answer of 400 or more fails the line, and set -e the block.
    const script = `set -e\ncurl() { command curl -f "$@"; }\n${block!.replaceAll('http://127.0.0.1:8080', url)}`;
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile('bash', ['-c', script], { timeout: 30_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
      );
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('"name":"Acme Lisboa"');
    expect(result.stdout).toMatch(/HTTP\/1\.1 204/);
  });
});

describe("the README's browser snippet", () => {
  it('ships no mock in a production build: behind its development-only guard, loaded by import()', async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const snippet = /^if \(import\.meta\.env\.DEV\) \{\n[\s\S]*?\n\}$/m.exec(readme)?.[0];
    expect(snippet).toContain("await import('orgs-mock/msw')");
    // As Vite builds the app: import.meta.env.DEV replaced, dead code dropped, the rest bundled for the browser.
    const bundle = async (dev: boolean) =>
      (
        await build({
          stdin: { contents: snippet!, resolveDir: fileURLToPath(new URL('../..', import.meta.url)), loader: 'ts' },
          bundle: true,
          splitting: true,
          outdir: 'out',
          format: 'esm',
          platform: 'browser',
          target: 'es2022',
          minify: true,
          write: false,
          define: { 'import.meta.env.DEV': String(dev) },
          alias: { 'orgs-mock/msw': './src/msw.ts' },
          logLevel: 'silent',
        })
      ).outputFiles.reduce((bytes, file) => bytes + file.contents.length, 0);
    const [development, production] = await Promise.all([bundle(true), bundle(false)]);
    expect(development).toBeGreaterThan(500_000);
    expect(production).toBeLessThan(100);
  });
});
