/**
 * The package as a user gets it: built from a clean copy of the repo, packed with `npm pack`, and installed
 * from the tarball into a new app — offline, from the npm cache that the repo's own `npm ci` filled (the
 * app's lockfile is cut from the repo's, so npm needs no registry metadata). There: plain Node ESM imports
 * it and gets answers; a TypeScript file type-checks under strict NodeNext settings with skipLibCheck off;
 * Vitest runs a test that imports it, without any configuration; `npx orgs-mock serve` serves. The Node
 * parts run on this Node and on the official Node 22, 24 and 26 binaries (devDependencies node22, node24,
 * node26).
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForBanner } from './banner.ts';

const repo = new URL('../..', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'package-'));
const app = join(work, 'app');
const repoPackage = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** The Node binaries the Node parts run on: this one, and the official 22, 24 and 26. */
const NODES: Record<string, string> = {
  [`this (${process.version})`]: process.execPath,
  ...Object.fromEntries(
    ['node22', 'node24', 'node26'].map((alias) => [alias, join(repo, 'node_modules', alias, 'bin', 'node')]),
  ),
};

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(work, { recursive: true, force: true });
});

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  try {
    return execFileSync(command, args, { cwd, env, encoding: 'utf8', stdio: 'pipe', timeout: 120_000 });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed:\n${e.stdout ?? ''}\n${e.stderr ?? e.message}`);
  }
}

/** A clean copy of the repo (the files git tracks or would track), with the repo's node_modules. */
function cleanCopy(): string {
  const copy = join(work, 'repo');
  const files = run('git', ['ls-files', '--cached', '--others', '--exclude-standard'], repo)
    .split('\n')
    .filter(Boolean);
  for (const file of files) {
    if (!existsSync(join(repo, file))) continue;
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    cpSync(join(repo, file), join(copy, file));
  }
  symlinkSync(join(repo, 'node_modules'), join(copy, 'node_modules'));
  return copy;
}

/** Like run(), without blocking this worker: the Node lines run side by side. */
function runAsync(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env, encoding: 'utf8', timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed:\n${stdout}\n${stderr || error.message}`));
      else resolve(stdout);
    });
  });
}

type Dependencies = Record<string, string>;
type LockEntry = {
  dependencies?: Dependencies;
  optionalDependencies?: Dependencies;
  peerDependencies?: Dependencies;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
};

const registry = run('npm', ['config', 'get', 'registry'], repo).trim().replace(/\/?$/, '/');

/**
 * Where the registry keeps a tarball. This project's lockfile leaves `resolved` out (npm's
 * omit-lockfile-registry-resolved); with it put back, npm takes the tarball from its cache by integrity and
 * needs no package metadata, which the cache may not hold.
 */
function tarballUrl(name: string, version: string): string {
  return `${registry}${name}/-/${name.replace(/^@[^/]+\//, '')}-${version}.tgz`;
}

/** The entries of the repo's lockfile that these packages need, found as Node finds them (nearest node_modules). */
function lockClosure(packages: Record<string, LockEntry>, roots: string[]): Record<string, LockEntry> {
  const found: Record<string, LockEntry> = {};
  const locate = (from: string, name: string): string | undefined => {
    for (let base = from; ; base = base.replace(/\/?node_modules\/(@[^/]+\/)?[^/]+$/, '')) {
      const path = `${base ? `${base}/` : ''}node_modules/${name}`;
      if (packages[path]) return path;
      if (base === '') return undefined;
    }
  };
  const visit = (from: string, name: string) => {
    const path = locate(from, name);
    if (!path || found[path]) return;
    const { dev: _dev, devOptional: _devOptional, ...entry } = packages[path]!;
    found[path] = {
      resolved: tarballUrl(
        (entry.name as string | undefined) ?? path.replace(/^.*node_modules\//, ''),
        entry.version as string,
      ),
      ...entry,
    };
    // npm installs peers too, so they belong to the closure, except the optional ones.
    const peers = Object.keys(entry.peerDependencies ?? {}).filter(
      (name) => !entry.peerDependenciesMeta?.[name]?.optional,
    );
    for (const dependency of [...Object.keys({ ...entry.dependencies, ...entry.optionalDependencies }), ...peers])
      visit(path, dependency);
  };
  for (const name of roots) visit('', name);
  return found;
}

/** A new app with orgs-mock from the tarball, plus msw and @types/node at the versions the repo tests. */
function installApp(tarball: string): void {
  mkdirSync(app, { recursive: true });
  cpSync(tarball, join(app, 'orgs-mock.tgz'));
  const extras = { msw: repoPackage.devDependencies.msw!, '@types/node': repoPackage.devDependencies['@types/node']! };
  const dependencies = { 'orgs-mock': 'file:orgs-mock.tgz', ...extras };
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies }, null, 2),
  );
  const repoLock = JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  const manifest = JSON.parse(readFileSync(join(work, 'repo', 'package.json'), 'utf8')) as Record<string, unknown>;
  const self: LockEntry = {
    version: repoPackage.version,
    resolved: 'file:orgs-mock.tgz',
    integrity,
    dependencies: repoPackage.dependencies,
  };
  for (const key of ['license', 'bin', 'engines', 'peerDependencies', 'peerDependenciesMeta'])
    self[key] = manifest[key];
  const packages = {
    '': { name: 'consumer', dependencies },
    'node_modules/orgs-mock': self,
    ...lockClosure(repoLock.packages, [...Object.keys(repoPackage.dependencies), ...Object.keys(extras)]),
  };
  writeFileSync(
    join(app, 'package-lock.json'),
    JSON.stringify({ name: 'consumer', lockfileVersion: 3, requires: true, packages }, null, 2),
  );
  run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], app);
}

let packedFiles: string[] = [];

beforeAll(() => {
  const copy = cleanCopy();
  run(process.execPath, ['scripts/build.mjs'], copy);
  const [packed] = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], copy)) as [
    { filename: string; files: { path: string }[] },
  ];
  packedFiles = packed.files.map((f) => f.path);
  installApp(join(work, packed.filename));
}, 300_000);

describe('the packed package', () => {
  it('holds the build, the spec, the fixtures and the README, and no sources, tests or tooling', () => {
    expect(packedFiles).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'openapi.yaml',
        'fixtures/default.json',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/msw.js',
        'dist/bin/orgs-mock.js',
      ]),
    );
    const outside = packedFiles.filter(
      (f) => !/^(dist\/.+\.(js|d\.ts)|package\.json|README\.md|LICENSE|openapi\.yaml|fixtures\/[\w-]+\.json)$/.test(f),
    );
    expect(outside).toEqual([]);
  });

  it('runs no script when a user installs it (its prepare and prepack are for this repository only)', () => {
    const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    for (const hook of ['preinstall', 'install', 'postinstall']) expect(manifest.scripts[hook], hook).toBeUndefined();
  });

  it('installs the Node binaries it is tested on, without shadowing the node of npm scripts', () => {
    for (const [name, node] of Object.entries(NODES)) expect(existsSync(node), `${name}: run npm ci`).toBe(true);
    // scripts/unlink-node-bins.mjs (prepare) removes the link that npm makes for these packages' `node` bin.
    expect(
      existsSync(join(repo, 'node_modules', '.bin', 'node')),
      'node_modules/.bin/node is back (npm install <pkg> skips prepare): run node scripts/unlink-node-bins.mjs',
    ).toBe(false);
  });
});

const PLAIN = 'plain.mjs';
beforeAll(() => {
  writeFileSync(
    join(app, PLAIN),
    `import { createApp } from 'orgs-mock';
import { createHandlers } from 'orgs-mock/msw';
import { setupServer } from 'msw/node';
const app = await createApp({ config: { quiet: true } });
const auth = { Authorization: 'Bearer root-admin-token' };
const profile = await app.request('/api/v1/organization/profile', { headers: auth });
const docs = await app.request('/docs/assets/swagger-ui.css');
const handlers = await createHandlers({ baseUrl: 'https://orgs.example', config: { quiet: true } });
const server = setupServer(...handlers);
server.listen({ onUnhandledRequest: 'error' });
const missing = await fetch('https://orgs.example/api/v1/organization?orgId=999999', { headers: auth });
server.close();
console.log(JSON.stringify({ node: process.version, status: profile.status, name: (await profile.json()).name, docs: docs.status, missing: missing.status, message: (await missing.json()).error.message }));
`,
  );
});

// Side by side: these tests wait on child processes (one per Node line, tsc, Vitest), not on this worker.
describe.concurrent('installed in an app', () => {
  for (const [name, node] of Object.entries(NODES)) {
    it(`on Node ${name}: imports from plain Node ESM; createApp answers, and the MSW handlers answer through setupServer`, async ({
      expect,
    }) => {
      const result = JSON.parse(await runAsync(node, [PLAIN], app)) as Record<string, unknown>;
      expect(result).toEqual({
        node: expect.stringMatching(/^v\d+/),
        status: 200,
        name: 'Acme Corp',
        docs: 200,
        missing: 404,
        message: "Organization is not found or you don't have access to it.",
      });
      if (node !== process.execPath)
        expect(result.node).toBe(`v${/node(\d+)/.exec(node)![1]}${String(result.node).slice(3)}`);
    }, 60_000);

    // npx on this Node; on the others, the same bin file (npx would run it with the node first on PATH).
    const viaNpx = node === process.execPath;
    it(`on Node ${name}: serves with ${viaNpx ? '`npx orgs-mock serve`' : 'its `orgs-mock` bin'}, and stops on SIGTERM`, async ({
      expect,
    }) => {
      const env = {
        ...process.env,
        PATH: `${dirname(node)}:${process.env.PATH}`,
        PORT: '0',
        HOST: '127.0.0.1',
        QUIET: 'true',
      };
      const bin = join(app, 'node_modules', 'orgs-mock', 'dist', 'bin', 'orgs-mock.js');
      const [command, args] = viaNpx ? ['npx', ['--no', 'orgs-mock', 'serve']] : [node, [bin, 'serve']];
      const child = spawn(command, args, { cwd: app, env, stdio: 'pipe', detached: true });
      children.push(child);
      const { url } = await waitForBanner(child, 30_000);
      const response = await fetch(`${url}/api/v1/organization/search?query=acme`, {
        headers: { Authorization: 'Bearer root-admin-token' },
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { totalElements: number }).totalElements).toBeGreaterThan(0);
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      // As a CI runner ends a job: SIGTERM to the process group (npx and the mock it started).
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
      const groupAlive = () => {
        try {
          process.kill(-child.pid!, 0);
          return true;
        } catch {
          return false;
        }
      };
      for (let i = 0; i < 100 && groupAlive(); i++) await new Promise((r) => setTimeout(r, 100));
      expect(groupAlive(), 'the mock outlived SIGTERM by 10 s').toBe(false);
      await expect(fetch(`${url}/_mock/health`)).rejects.toThrow();
    }, 60_000);
  }

  it('type-checks under NodeNext, strict, exactOptionalPropertyTypes and skipLibCheck: false', async ({ expect }) => {
    writeFileSync(
      join(app, 'use.ts'),
      `import { createApp, type ErrorBody, type Organization, type RequestBodyOf, type ResponseBodyOf } from 'orgs-mock';
import { createHandlers, type MockHandlers } from 'orgs-mock/msw';

const app = await createApp({ config: { quiet: true, orgCount: 10 }, now: () => 0 });
const response = await app.request('/api/v1/organization/profile', { headers: { Authorization: 'Bearer root-admin-token' } });
const org: Organization = (await response.json()) as ResponseBodyOf<'getOrganization', 200>;
const create: RequestBodyOf<'createOrganization'> = { name: 'New', tz: 'UTC', parentId: org.id };
const error: ErrorBody = { error: { message: 'x' } };
const handlers: MockHandlers = await createHandlers({ baseUrl: 'https://orgs.example' });
console.log(org.name, create, error, handlers.length, app.mock.state.tree.size);
`,
    );
    const compilerOptions = {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      exactOptionalPropertyTypes: true,
      skipLibCheck: false,
      // TypeScript's own lib files (lib.dom.d.ts and the rest) hold for the compiler that ships them; every
      // other declaration file, ours and our dependencies', is still checked. A quarter of the check's CPU.
      skipDefaultLibCheck: true,
      noEmit: true,
    };
    // The same file with a mistake beside it, in one compiler run: the types are really checked, and only there.
    writeFileSync(
      join(app, 'wrong.ts'),
      `import type { RequestBodyOf } from 'orgs-mock';\nexport const wrong: RequestBodyOf<'createOrganization'> = { name: 1 };\n`,
    );
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['use.ts', 'wrong.ts'] }));
    const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
    const errors = await runAsync(process.execPath, [tsc, '-p', '.', '--pretty', 'false'], app).then(
      () => '',
      (error: Error) => error.message,
    );
    expect(errors.match(/^\S+\(\d+,\d+\): error TS\d+.*$/gm)).toEqual([
      expect.stringMatching(/^wrong\.ts\(2,\d+\): error TS2322: Type 'number' is not assignable to type 'string'/),
    ]);
  }, 120_000);

  it('runs in Vitest without any configuration', async ({ expect }) => {
    // Vitest itself is the repo's; the app has no vitest config and no server.deps.inline.
    symlinkSync(join(repo, 'node_modules', 'vitest'), join(app, 'node_modules', 'vitest'));
    writeFileSync(
      join(app, 'org.test.ts'),
      `import { expect, it } from 'vitest';
import { createApp } from 'orgs-mock';
it('answers', async () => {
  const app = await createApp({ config: { quiet: true } });
  const response = await app.request('/api/v1/organization/profile', { headers: { Authorization: 'Bearer viewer-token' } });
  expect(response.status).toBe(200);
});
`,
    );
    const output = await runAsync(
      process.execPath,
      [join(repo, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--root', app],
      app,
      { ...process.env, CI: 'true' },
    );
    expect(output).toMatch(/1 passed/);
  }, 120_000);
});
