/**
 * The CI that users copy and the project's own: the workflow files say what the package promises (Node
 * lines, architectures), and every wait loop in the docs and workflows fails when the mock never becomes
 * healthy — run here as written, with its timeout cut to 2 s — and passes when it is. The service recipes of
 * examples/ci (GitLab CI, Compose) reach the control plane under their alias with the CONTROL_HOSTS they set,
 * and their job scripts run as written; test/container runs them against the built image.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { resolveConfig } from '../../src/config.ts';
import { messages } from '../../src/domain/errors.ts';
import { listen, type RunningServer } from '../../src/server.ts';
import { makeApp } from '../helpers.ts';

const repo = new URL('../..', import.meta.url).pathname;
const workflowDir = join(repo, '.github', 'workflows');
const workflow = (name: string) => parse(readFileSync(join(workflowDir, name), 'utf8'));
const steps = (w: any, job: string): any[] => w.jobs[job].steps;

describe('the workflows', () => {
  it('test every supported Node line, from the one `engines` names up to the active LTS', () => {
    const engines = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).engines.node as string;
    expect(engines).toBe('>=20');
    expect(workflow('ci.yml').jobs.test.strategy.matrix.node).toEqual([20, 22, 24, 26]);
    expect(
      steps(workflow('ci.yml'), 'test')
        .map((s) => s.run)
        .filter(Boolean),
    ).toEqual(expect.arrayContaining(['npm ci']));
  });

  it('build the image for amd64 and arm64, check it is healthy, and push it only outside pull requests', () => {
    const image = steps(workflow('image.yml'), 'image');
    const push = image.find((s) => s.with?.push === true);
    expect(push.with.platforms).toBe('linux/amd64,linux/arm64');
    expect(push.if).toBe("github.event_name != 'pull_request'");
    const check = image.findIndex((s) => /State\.Health\.Status/.test(s.run ?? ''));
    expect(check).toBeGreaterThan(-1);
    expect(check).toBeLessThan(image.indexOf(push));
  });

  it('publish the tested package with provenance, only for the version the tag names', () => {
    const release = steps(workflow('release.yml'), 'publish').map((s) => s.run ?? '');
    const publish = release.findIndex((r) => /^npm publish \S+\.tgz --provenance/.test(r));
    expect(release.findIndex((r) => r.includes('$GITHUB_REF_NAME'))).toBeLessThan(publish);
    expect(release.indexOf('npm test')).toBeLessThan(publish);
    // The tarball of scripts/pack.mjs (no scripts in its manifest), not the repository as it stands.
    expect(release.indexOf('npm run pack -- --out .')).toBeLessThan(publish);
  });

  it('.ci/run runs npm test, then the blind sweep (npm run test:blind, on its own config), as the README says', () => {
    const lines = readFileSync(join(repo, '.ci', 'run'), 'utf8').split('\n');
    expect(lines.indexOf('npm test')).toBeGreaterThan(lines.indexOf('npm ci'));
    expect(lines.indexOf('npm run test:blind')).toBe(lines.indexOf('npm test') + 1);
    const scripts = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).scripts as Record<string, string>;
    expect(scripts['test:blind']).toBe('vitest run --config vitest.blind.config.ts');
    expect(readFileSync(join(repo, 'vitest.blind.config.ts'), 'utf8')).toContain(
      "include: ['test/blind/**/*.test.ts']",
    );
    // npm test's layers leave the sweep out: none of their folders holds it.
    expect(readFileSync(join(repo, 'vitest.config.ts'), 'utf8')).not.toMatch(/test\/blind\//);
    expect(readFileSync(join(repo, 'README.md'), 'utf8')).toContain(
      '`.ci/run` runs `npm ci`, `npm test`, `npm run test:blind`,',
    );
  });

  it('cannot publish the repository itself by mistake: its prepack refuses, naming npm run pack', async () => {
    const { code, output } = await runLine('npm pack --dry-run', {});
    expect(code).not.toBe(0);
    expect(output).toContain('make the tarball with `npm run pack` (then `npm publish <tarball>`)');
  });
});

/** Every `timeout N sh -c '… until …'` line of the docs and workflows. */
function waitLoops(): { source: string; line: string }[] {
  const sources = [
    'README.md',
    'docs/ci.md',
    'examples/ci/github-actions.yml',
    ...readdirSync(workflowDir).map((f) => `.github/workflows/${f}`),
  ];
  return sources.flatMap((source) =>
    readFileSync(join(repo, source), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => /^timeout \d+ sh -c '.*until /.test(line))
      .map((line) => ({ source, line })),
  );
}

/** Asynchronous, so that the in-process mock can answer meanwhile. */
function exitCode(line: string): Promise<number> {
  return new Promise((resolve) => {
    // A limit for a hung shell only: the loops' own `timeout` ends them (2 s, or 30 s when they should pass).
    execFile('bash', ['-c', line], { cwd: repo, timeout: 90_000 }, (error) =>
      resolve(error ? Number(error.code ?? 1) : 0),
    );
  });
}

describe('the wait loops of the docs and workflows', () => {
  let mock: RunningServer;
  beforeAll(async () => {
    mock = await listen(await makeApp(), '127.0.0.1', 0);
  });
  afterAll(() => mock?.close());

  it('are there: in the README, docs/ci.md, the GitHub Actions recipe and the image workflow', () => {
    const sources = new Set(waitLoops().map((w) => w.source));
    expect([...sources].sort()).toEqual([
      '.github/workflows/image.yml',
      'README.md',
      'docs/ci.md',
      'examples/ci/github-actions.yml',
    ]);
  });

  it('fail when the mock never becomes healthy', async () => {
    expect(new URL(mock.url).port).not.toBe('9');
    // Side by side: each waits out its 2 s.
    const loops = waitLoops();
    const codes = await Promise.all(
      loops.map(({ line }) =>
        // Nothing listens on port 9 (discard) of loopback; no Docker engine runs here, so a container is never healthy.
        exitCode(line.replace(/^timeout \d+/, 'timeout 2').replaceAll('127.0.0.1:8080', '127.0.0.1:9')),
      ),
    );
    for (const [i, { source, line }] of loops.entries()) expect(codes[i], `${source}: ${line}`).not.toBe(0);
  }, 60_000);

  it('pass once the mock is healthy', async () => {
    const port = new URL(mock.url).port;
    const curlLoops = waitLoops().filter((w) => w.line.includes('curl'));
    expect(curlLoops.length).toBeGreaterThan(0);
    for (const { source, line } of curlLoops) {
      expect(
        await exitCode(line.replace(/^timeout \d+/, 'timeout 30').replaceAll('127.0.0.1:8080', `127.0.0.1:${port}`)),
        `${source}: ${line}`,
      ).toBe(0);
    }
  }, 60_000);
});

const recipe = (name: string) => parse(readFileSync(join(repo, 'examples', 'ci', name), 'utf8'));

/** The mock of each service recipe (its settings as the image reads them) and what its job runs and sends. */
function serviceRecipes(): {
  name: string;
  env: Record<string, string>;
  alias: string;
  baseUrl: string;
  script: string[];
}[] {
  const gitlab = recipe('gitlab-ci.yml').e2e;
  const compose = recipe('compose.yaml').services;
  return [
    {
      name: 'examples/ci/gitlab-ci.yml',
      env: gitlab.services[0].variables,
      alias: gitlab.services[0].alias,
      baseUrl: gitlab.variables.API_BASE_URL,
      // The user's own steps (npm ci, their tests) are not ours to run.
      script: gitlab.script.filter((line: string) => !line.startsWith('npm ')),
    },
    {
      name: 'examples/ci/compose.yaml',
      env: compose['orgs-mock'].environment,
      alias: 'orgs-mock',
      baseUrl: compose.tests.environment.API_BASE_URL,
      script: [String(compose.tests.command[2]).split(' && npm ')[0]!],
    },
  ];
}

/** A job's script line, in a shell, as the CI runs it; asynchronous, so that the in-process mock answers. */
function runLine(line: string, env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      'sh',
      ['-c', line],
      { cwd: repo, env: { ...process.env, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

describe('the service recipes (GitLab CI, Docker Compose)', () => {
  it('reach /_mock/reset under the service alias with their CONTROL_HOSTS, and are refused without it', async () => {
    const recipes = serviceRecipes();
    expect(recipes.length).toBe(2);
    for (const { name, env, alias, baseUrl } of recipes) {
      expect(new URL(baseUrl).hostname, name).toBe(alias);
      // The image sets HOST=0.0.0.0; the job's requests carry Host: <alias>:8080.
      const config = resolveConfig([], { HOST: '0.0.0.0', ...env }).config;
      const reset = await (await makeApp({ config })).request(`${baseUrl}/_mock/reset`, { method: 'POST' });
      expect(reset.status, name).toBe(200);
      const refused = await (await makeApp({ config: { ...config, controlHosts: '' } })).request(
        `${baseUrl}/_mock/reset`,
        { method: 'POST' },
      );
      expect(refused.status, name).toBe(403);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toBe(messages.controlOtherHost);
    }
  });

  it('run their job scripts as written: wait for health, then reset; and fail when no mock answers', async () => {
    const mock = await listen(await makeApp(), '127.0.0.1', 0);
    try {
      for (const { name, script } of serviceRecipes()) {
        for (const line of script) {
          const { code, output } = await runLine(line, { API_BASE_URL: mock.url });
          expect(code, `${name}: ${line}\n${output}`).toBe(0);
        }
        expect((await runLine(script.at(-1)!, { API_BASE_URL: mock.url })).output).toMatch(/^reset: 200 /m);
      }
      const [gitlab] = serviceRecipes();
      // Nothing listens on port 9 (discard); the wait's 30 s cut to 2.
      const wait = await runLine(gitlab!.script[0]!.replace('30000', '2000'), { API_BASE_URL: 'http://127.0.0.1:9' });
      expect(wait.code).toBe(1);
      expect(wait.output).toContain('orgs-mock is not healthy at http://127.0.0.1:9/_mock/health');
    } finally {
      await mock.close();
    }
  }, 60_000);
});
