/** The `orgs-mock` command as a user runs it: real process, real port on loopback. */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
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
  return waitForBanner(child, 20_000);
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
    await new Promise((r) => setTimeout(r, 100));
    expect(output()).toMatch(/GET \/api\/v1\/organization\/profile 200 \d+(\.\d+)?ms/);
    expect(output()).toContain('root-admin-token');
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child!.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('logs JSON lines with LOG_FORMAT=json, and its banner names the docs page', async () => {
    const { url, output } = await startServer(['--port', '0'], { LOG_FORMAT: 'json' });
    expect(output()).toContain(`API reference: ${url}/docs`);
    await fetch(`${url}/api/v1/organization?orgId=abc`, { headers: { Authorization: 'Bearer root-admin-token' } });
    await new Promise((r) => setTimeout(r, 100));
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
