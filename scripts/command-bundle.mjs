/**
 * The `orgs-mock` command bundled by esbuild into <root>/dist/bin/: one file for what `serve` loads (Hono, ajv
 * and the mock; hundreds of small modules otherwise), split chunks for what it loads only on demand (the
 * contract runner, the data generator). faker, swagger-parser and swagger-ui-dist stay packages, loaded when
 * needed. Used by `npm run build` and by the process tests, which run the command as it ships.
 */
import { join } from 'node:path';
import { build } from 'esbuild';

/** Builds dist/bin/orgs-mock.js under `root`; it finds openapi.yaml and fixtures/ two levels up, as in the package. */
export async function bundleCommand(root) {
  const outdir = join(root, 'dist', 'bin');
  await build({
    entryPoints: { 'orgs-mock': join(root, 'src/cli/bin.ts') },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['@faker-js/faker', '@apidevtools/swagger-parser', 'swagger-ui-dist'],
    // ajv is CommonJS and requires Node built-ins; an ES module has no `require` of its own.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  return join(outdir, 'orgs-mock.js');
}
