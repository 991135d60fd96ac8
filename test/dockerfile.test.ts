/**
 * No Docker engine runs on these machines, so the image is checked here: the Dockerfile's instructions,
 * then its own build and start steps run on a clean copy of the repo — the build stage (npm ci, tsc), the
 * production install in a deps stage, the final stage assembled from its COPY lines, started with its ENV
 * and CMD (on loopback), and probed with its own HEALTHCHECK command. Each stage runs on this machine's
 * Node, not the image's; `npm run test:container` builds and runs the real image with podman.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = new URL('..', import.meta.url).pathname;

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

/** Dockerfile → stages of instructions; continuation lines joined, comments dropped. */
function parseDockerfile(text: string): Stage[] {
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (keyword.toUpperCase() === 'FROM') {
      const [, from = '', name] = /^(\S+)(?:\s+AS\s+(\S+))?/i.exec(args) ?? [];
      stages.push({ from, name, instructions: [] });
    } else stages.at(-1)?.instructions.push({ keyword: keyword.toUpperCase(), args });
  }
  return stages;
}

const dockerfile = parseDockerfile(readFileSync(join(repo, 'Dockerfile'), 'utf8'));
const final = dockerfile.at(-1)!;
const all = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword);
const one = (stage: Stage, keyword: string) => all(stage, keyword).at(-1)?.args ?? '';

/** ENV A=1 B=2 → { A: '1', B: '2' } */
function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { args } of all(stage, 'ENV')) for (const [, k, v] of args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) env[k!] = v!.replace(/^"|"$/g, '');
  return env;
}

describe('the Dockerfile', () => {
  it('builds in stages, installs production dependencies only, and runs the build as a non-root user on 0.0.0.0:8080', () => {
    expect(dockerfile.length).toBeGreaterThanOrEqual(3);
    const build = dockerfile.find((s) => all(s, 'RUN').some((r) => r.args.includes('node scripts/build.mjs')))!;
    const deps = dockerfile.find((s) => all(s, 'RUN').some((r) => /npm ci\b.*--omit=dev/.test(r.args)))!;
    expect(build?.name).toBeTruthy();
    expect(deps?.name).toBeTruthy();
    // No install script runs (Scarf, Swagger UI's analytics, among them), and Scarf is told no as well.
    for (const stage of dockerfile) for (const run of all(stage, 'RUN').filter((r) => r.args.includes('npm ci'))) expect(run.args).toContain('--ignore-scripts');
    for (const stage of dockerfile) expect(envOf(stage).SCARF_ANALYTICS).toBe('false');
    expect(all(final, 'RUN')).toEqual([]); // nothing is built or installed in the final stage
    expect(all(final, 'COPY').some((c) => c.args.startsWith(`--from=${deps.name}`) && c.args.includes('node_modules'))).toBe(true);
    expect(all(final, 'COPY').some((c) => c.args.startsWith(`--from=${build.name}`) && c.args.includes('dist'))).toBe(true);
    expect(JSON.parse(one(final, 'CMD'))).toEqual(['node', 'dist/bin/orgs-mock.js', 'serve']);
    expect(one(final, 'USER')).toMatch(/^(node|\d{4,})$/);
    expect(envOf(final)).toMatchObject({ HOST: '0.0.0.0', PORT: '8080', NODE_ENV: 'production' });
    expect(one(final, 'EXPOSE')).toBe('8080');
    expect(one(final, 'HEALTHCHECK')).toContain('/_mock/health');
    // The active LTS line of Node (26 since 2026-10-28), in every stage.
    for (const stage of dockerfile) expect(stage.from).toMatch(/^node:26-(alpine|slim|trixie-slim)$/);
  });

  it('copies only files that exist and that .dockerignore lets through', () => {
    const ignored = readFileSync(join(repo, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
    for (const stage of dockerfile) {
      for (const { args } of all(stage, 'COPY').filter((c) => !c.args.startsWith('--from'))) {
        const sources = args.split(/\s+/).slice(0, -1);
        for (const source of sources) {
          expect(existsSync(join(repo, source)), source).toBe(true);
          expect(ignored.some((pattern) => source === pattern || source.startsWith(`${pattern}/`)), source).toBe(false);
        }
      }
    }
  });
});

describe('the image, built and started by the Dockerfile\'s own steps', () => {
  const work = mkdtempSync(join(tmpdir(), 'image-'));
  let child: ReturnType<typeof spawn> | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  });

  /** A clean copy: only the files git tracks, as a fresh clone has them. */
  function cleanCopy(): string {
    const clean = join(work, 'context');
    for (const file of execFileSync('git', ['ls-files'], { cwd: repo, encoding: 'utf8' }).split('\n').filter(Boolean)) {
      if (!existsSync(join(repo, file))) continue;
      mkdirSync(dirname(join(clean, file)), { recursive: true });
      cpSync(join(repo, file), join(clean, file));
    }
    return clean;
  }

  /** Runs a stage's COPY and RUN lines in a folder standing for its WORKDIR. */
  function buildStage(stage: Stage, context: string, root: string, stages: Map<string, string>): void {
    mkdirSync(root, { recursive: true });
    for (const { keyword, args } of stage.instructions) {
      if (keyword === 'COPY') {
        const from = /^--from=(\S+)\s+/.exec(args);
        const parts = args.replace(/^--\S+\s+/g, '').split(/\s+/);
        const target = parts.pop()!;
        for (const source of parts) {
          const base = from ? stages.get(from[1]!)! : context;
          const relative = from ? source.replace(/^\/app\/?/, '') : source;
          const destination = target.endsWith('/') || parts.length > 1 ? join(root, target, relative.split('/').pop()!) : join(root, target);
          cpSync(join(base, relative), destination, { recursive: true });
        }
      }
      // RUN's own flags (--mount=type=secret,…) are for the builder, not the shell.
      if (keyword === 'RUN') execFileSync('sh', ['-c', args.replace(/^(--\S+\s+)+/, '')], { cwd: root, env: { ...process.env, ...envOf(stage) }, stdio: 'pipe', timeout: 240_000 });
    }
  }

  async function freePort(): Promise<number> {
    return new Promise((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
  }

  it('installs, starts with its CMD, passes its HEALTHCHECK and serves the API', async () => {
    const context = cleanCopy();
    const stages = new Map<string, string>();
    for (const [index, stage] of dockerfile.entries()) {
      const root = join(work, `stage-${index}`);
      buildStage(stage, context, root, stages);
      if (stage.name) stages.set(stage.name, root);
    }
    const app = join(work, `stage-${dockerfile.length - 1}`);
    expect(existsSync(join(app, 'node_modules', 'hono'))).toBe(true);
    for (const devOnly of ['vitest', 'dredd', 'typescript', 'autocannon', 'tsx', 'msw', 'node22']) expect(existsSync(join(app, 'node_modules', devOnly)), devOnly).toBe(false);
    expect(existsSync(join(app, 'src')), 'sources in the image').toBe(false);

    const port = await freePort();
    // Loopback only on this machine: the image's HOST=0.0.0.0 is replaced for the test.
    const env = { ...process.env, ...envOf(final), HOST: '127.0.0.1', PORT: String(port) };
    const [command, ...args] = JSON.parse(one(final, 'CMD')) as string[];
    child = spawn(command === 'node' ? process.execPath : command!, args, { cwd: app, env, stdio: 'pipe' });
    const healthcheck = JSON.parse(one(final, 'HEALTHCHECK').replace(/^.*?CMD\s+/, '')) as string[];
    let healthy = false;
    for (let i = 0; i < 240 && !healthy; i++) {
      await new Promise((r) => setTimeout(r, 250));
      try {
        execFileSync(process.execPath, healthcheck.slice(1), { env, stdio: 'pipe', timeout: 5000 });
        healthy = true;
      } catch {
        // not up yet
      }
    }
    expect(healthy).toBe(true);
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/organization/profile`, { headers: { Authorization: 'Bearer root-admin-token' } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { name: string }).name).toBe('Acme Corp');
  }, 300_000);
});
