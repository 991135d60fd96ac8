/**
 * The image, really built and run (npm run test:container; not part of `npm test`): podman builds the
 * Dockerfile unchanged (--format docker keeps HEALTHCHECK; --pull-never uses the stand-in base image of
 * scripts/container/base-image.sh), runs it, waits for `podman healthcheck run` to pass, calls the API with a
 * static token, checks that the server runs as the unprivileged user and that it stops on SIGTERM within a
 * few seconds. Prints the image's size and its time from `podman run` to healthy. Runs the GitLab CI and
 * Compose recipes' job scripts against it under their service alias. Needs root, podman, buildah and runc
 * (scripts/container/setup.sh).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const repo = new URL('../..', import.meta.url).pathname;
const IMAGE = 'localhost/orgs-mock:container-test';
const CONTAINER = `orgs-mock-test-${process.pid}`;

function podman(args: string[], timeout = 60_000): string {
  try {
    return execFileSync('podman', args, { cwd: repo, encoding: 'utf8', stdio: 'pipe', timeout });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`podman ${args.join(' ')} failed:\n${e.stdout ?? ''}\n${e.stderr ?? e.message}`);
  }
}

function succeeds(args: string[]): boolean {
  try {
    execFileSync('podman', args, { stdio: 'pipe', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** The CA bundle npm uses here, if any: given to the build as a secret, never copied into a layer. */
function hostCa(): string | undefined {
  const candidates = [
    process.env.NODE_EXTRA_CA_CERTS,
    execFileSync('npm', ['config', 'get', 'cafile'], { encoding: 'utf8' }).trim(),
  ];
  return candidates.find((path) => path && path !== 'null' && existsSync(path));
}

const measured: Record<string, string> = {};
let baseImage = '';

beforeAll(() => {
  baseImage = `docker.io/library/${/^FROM (\S+)/m.exec(readFileSync(`${repo}Dockerfile`, 'utf8'))![1]}`;
  expect(succeeds(['image', 'exists', baseImage]), `${baseImage} is missing: run scripts/container/base-image.sh`).toBe(
    true,
  );
  const ca = hostCa();
  const started = performance.now();
  podman(
    [
      'build',
      '--format',
      'docker',
      '--pull-never',
      '--network',
      'host',
      ...(ca ? ['--secret', `id=npm-ca,src=${ca}`] : []),
      '--tag',
      IMAGE,
      '.',
    ],
    1_200_000,
  );
  measured.build = `${Math.round((performance.now() - started) / 1000)} s`;
}, 1_300_000);

afterAll(() => {
  succeeds(['rm', '--force', '--time', '0', CONTAINER]);
  console.log(`image ${IMAGE}: ${JSON.stringify(measured)}`);
});

describe('the image built from the Dockerfile', () => {
  it('keeps the HEALTHCHECK, runs as node, and holds neither sources nor dev dependencies nor the build CA', () => {
    type Inspect = { Size: number; Healthcheck?: { Test: string[] }; Config: { User: string; Env: string[] } };
    const [config] = JSON.parse(podman(['image', 'inspect', IMAGE])) as [Inspect];
    const [base] = JSON.parse(podman(['image', 'inspect', baseImage])) as [Inspect];
    expect(config.Config.User).toBe('node');
    // podman keeps the Docker format's HEALTHCHECK beside Config.
    expect(config.Healthcheck?.Test.join(' ')).toContain('/_mock/health');
    expect(config.Config.Env.some((e) => e.startsWith('NODE_EXTRA_CA_CERTS'))).toBe(false);
    measured.size = `${Math.round(config.Size / 1e6)} MB, of which ${Math.round((config.Size - base.Size) / 1e6)} MB above the base image`;
    const listing = podman([
      'run',
      '--rm',
      '--network',
      'none',
      '--entrypoint',
      'sh',
      IMAGE,
      '-c',
      'ls /app /app/node_modules; ls /run/secrets 2>&1 || true',
    ]);
    expect(listing).toMatch(/\bdist\b/);
    expect(listing).not.toMatch(/\bsrc\b|\btypescript\b|\bvitest\b|\bnode22\b/);
    expect(listing).not.toContain('npm-ca');
  });

  it('becomes healthy, answers with a static token as the node user, and stops on SIGTERM within seconds', async () => {
    const port = await freePort();
    const started = performance.now();
    // Host network: loopback only on this machine; PORT and HOST as a user would override them.
    podman([
      'run',
      '--detach',
      '--name',
      CONTAINER,
      '--network',
      'host',
      '--env',
      `PORT=${port}`,
      '--env',
      'HOST=127.0.0.1',
      IMAGE,
    ]);
    let healthy = false;
    for (let i = 0; i < 600 && !healthy; i++) {
      healthy = succeeds(['healthcheck', 'run', CONTAINER]);
      if (!healthy) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(healthy, podman(['logs', CONTAINER])).toBe(true);
    measured.runToHealthy = `${Math.round(performance.now() - started)} ms`;

    const response = await fetch(`http://127.0.0.1:${port}/api/v1/organization/profile`, {
      headers: { Authorization: 'Bearer root-admin-token' },
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { name: string }).name).toBe('Acme Corp');
    expect(podman(['exec', CONTAINER, 'id', '-un']).trim()).toBe('node');
    expect(podman(['top', CONTAINER, 'user', 'args'])).toMatch(/node\s+node dist\/bin\/orgs-mock\.js serve/);

    const stopping = performance.now();
    podman(['stop', '--time', '10', CONTAINER]);
    const stopMs = performance.now() - stopping;
    measured.stopOnSigterm = `${Math.round(stopMs)} ms`;
    // Exit code 0: the server ended on SIGTERM by itself, not killed when the 10 s ran out (137).
    expect(podman(['inspect', '--format', '{{.State.ExitCode}}', CONTAINER]).trim()).toBe('0');
    expect(stopMs).toBeLessThan(5000);
  }, 120_000);
});

/**
 * The service recipes of examples/ci against the image: the mock runs with the recipe's settings, and the
 * job's own script runs in a second container that reaches it under the alias. These machines allow only
 * host networking, so the alias is mapped with --add-host (as the job's DNS would map it) and the port is a
 * free one instead of 8080.
 */
describe('the service recipes against the image', () => {
  const recipes = () => {
    const gitlab = parse(readFileSync(`${repo}examples/ci/gitlab-ci.yml`, 'utf8')).e2e;
    const compose = parse(readFileSync(`${repo}examples/ci/compose.yaml`, 'utf8')).services;
    return [
      {
        name: 'gitlab-ci.yml',
        env: gitlab.services[0].variables as Record<string, string>,
        alias: gitlab.services[0].alias as string,
        baseUrl: gitlab.variables.API_BASE_URL as string,
        script: (gitlab.script as string[]).filter((line) => !line.startsWith('npm ')),
      },
      {
        name: 'compose.yaml',
        env: compose['orgs-mock'].environment as Record<string, string>,
        alias: 'orgs-mock',
        baseUrl: compose.tests.environment.API_BASE_URL as string,
        script: [String(compose.tests.command[2]).split(' && npm ')[0]!],
      },
    ];
  };

  const job = (alias: string, baseUrl: string, script: string) =>
    execFileSync(
      'podman',
      [
        'run',
        '--rm',
        '--network',
        'host',
        '--add-host',
        `${alias}:127.0.0.1`,
        '--env',
        `API_BASE_URL=${baseUrl}`,
        '--entrypoint',
        'sh',
        IMAGE,
        '-c',
        script,
      ],
      { encoding: 'utf8', stdio: 'pipe', timeout: 60_000 },
    );

  for (const { name, env, alias, baseUrl, script } of recipes()) {
    it(`${name}: the job's script waits for the service, and resets it under the alias with CONTROL_HOSTS`, async () => {
      const port = await freePort();
      const url = baseUrl.replace(':8080', `:${port}`);
      const service = `${CONTAINER}-${alias}-${port}`;
      const start = (settings: Record<string, string>) =>
        podman([
          'run',
          '--detach',
          '--name',
          service,
          '--network',
          'host',
          '--env',
          `PORT=${port}`,
          ...Object.entries(settings).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
          IMAGE,
        ]);
      try {
        start(env);
        // The job starts at once, as GitLab's does; its script does the waiting.
        const output = job(alias, url, script.join('\n'));
        expect(output).toMatch(/^reset: 200 /m);
      } finally {
        succeeds(['rm', '--force', '--time', '0', service]);
      }
      try {
        const { CONTROL_HOSTS: _, ...without } = env;
        start(without);
        const reset = script.at(-1)!;
        let refused = '';
        try {
          job(alias, url, `${script[0] ?? ''}\n${reset}`);
        } catch (error) {
          refused = String((error as { stdout?: string }).stdout);
        }
        expect(refused).toContain('reset: 403');
        expect(refused).toContain('list other names in CONTROL_HOSTS');
      } finally {
        succeeds(['rm', '--force', '--time', '0', service]);
      }
    }, 180_000);
  }
});
