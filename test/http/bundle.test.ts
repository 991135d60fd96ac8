/**
 * The mock runs where fetch runs: its core (tree, tokens, rules, validation, the Hono app, the MSW handlers)
 * bundles for the browser with no Node built-in, and what it would otherwise read from files or compute at
 * start is generated at build time — and current.
 */
import { existsSync, readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { BUNDLE_PATH, generateBundle } from '../../scripts/generate-bundle.ts';
import { DEFAULT_CONFIG } from '../../src/config.ts';
import { defaultFixtures, generatedOrganizations } from '../../src/domain/fixtures.ts';
import { generateOrganizations } from '../../src/domain/seed.ts';
import { createApp as createWebApp } from '../../src/http/app.ts';
import { loadFixtures } from '../../src/node/fixtures.ts';
import { bundledSpec } from '../../src/openapi/bundled.ts';
import { loadSpec } from '../../src/openapi/document.ts';

describe('the bundle generated at build time', () => {
  it('matches openapi.yaml, fixtures/default.json and the generator (run `npm run generate` when this fails)', async () => {
    // A boolean, not the strings: a stale bundle would print a diff of 150 kB.
    const current = readFileSync(BUNDLE_PATH, 'utf8') === (await generateBundle());
    expect(current, 'src/generated/bundle.ts is stale: run `npm run generate`').toBe(true);
  });

  it('holds the same spec as swagger-parser reads from openapi.yaml', async () => {
    const fromFile = await loadSpec();
    const bundled = bundledSpec();
    expect(bundled.raw).toEqual(fromFile.raw);
    expect(bundled.text).toBe(fromFile.text);
    expect(bundled.operations).toEqual(fromFile.operations);
  });

  it('holds the default fixtures and the organizations faker generates at the default settings', async () => {
    expect(defaultFixtures()).toEqual(loadFixtures());
    const prebuilt = await generatedOrganizations(defaultFixtures(), DEFAULT_CONFIG);
    expect(prebuilt).toHaveLength(DEFAULT_CONFIG.orgCount);
    expect(prebuilt).toEqual(
      generateOrganizations(defaultFixtures().organizations, {
        seed: DEFAULT_CONFIG.seed,
        count: DEFAULT_CONFIG.orgCount,
        maxDepth: DEFAULT_CONFIG.maxDepth,
      }),
    );
    // Other settings are generated on demand.
    const other = await generatedOrganizations(defaultFixtures(), { ...DEFAULT_CONFIG, seed: 7 });
    expect(other).toEqual(
      generateOrganizations(defaultFixtures().organizations, {
        seed: 7,
        count: DEFAULT_CONFIG.orgCount,
        maxDepth: DEFAULT_CONFIG.maxDepth,
      }),
    );
    expect(other).not.toEqual(prebuilt);
  });
});

describe('the web-standard core', () => {
  it('bundles for the browser with no Node built-in (src/msw.ts and everything it imports)', async () => {
    const result = await build({
      entryPoints: ['src/msw.ts'],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const ours = Object.keys(result.metafile.inputs).filter((input) => input.startsWith('src/'));
    expect(ours).toEqual(
      expect.arrayContaining([
        'src/http/app.ts',
        'src/domain/tree.ts',
        'src/domain/tokens.ts',
        'src/openapi/validators.ts',
        'src/msw.ts',
      ]),
    );
    // The edges stay out: file reading, swagger-parser, the Node server, the contract runner.
    const EDGES = /^src\/(node|cli|contract)\/|^src\/(server|index)\.ts$|^src\/openapi\/document\.ts$/;
    // The rule can fail: every edge it names is a file of the repository (a rename breaks this line, not the rule).
    for (const edge of [
      'src/node/app.ts',
      'src/cli/main.ts',
      'src/contract/runner.ts',
      'src/server.ts',
      'src/index.ts',
      'src/openapi/document.ts',
    ]) {
      expect(EDGES.test(edge), edge).toBe(true);
      expect(existsSync(new URL(`../../${edge}`, import.meta.url)), edge).toBe(true);
    }
    expect(ours.filter((input) => EDGES.test(input))).toEqual([]);
    expect(
      Object.keys(result.metafile.inputs).filter((input) => /swagger-parser|@hono\/node-server/.test(input)),
    ).toEqual([]);
  });

  it('refuses a fixture path, which it cannot read, and says what to give instead', async () => {
    await expect(createWebApp({ config: { fixtures: 'fixtures/default.json', quiet: true } })).rejects.toThrow(
      /give the fixtures themselves as options.fixtures/,
    );
    const app = await createWebApp({ config: { quiet: true }, fixtures: loadFixtures() });
    expect(app.mock.state.tree.size).toBe(defaultFixtures().organizations.length + DEFAULT_CONFIG.orgCount);
  });

  it('serves /docs without Swagger UI files where it has none, and 404 for the files', async () => {
    const app = await createWebApp({ config: { quiet: true } });
    expect((await app.request('/docs')).status).toBe(200);
    expect((await app.request('/openapi.yaml')).status).toBe(200);
    const asset = await app.request('/docs/assets/swagger-ui.css');
    expect(asset.status).toBe(404);
    expect(await asset.json()).toEqual({ error: { message: 'Resource not found.' } });
  });
});
