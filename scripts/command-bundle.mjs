/**
 * The `orgs-mock` command bundled by esbuild into <root>/dist/bin/: one file for what `serve` loads (Hono, ajv
 * and the mock; hundreds of small modules otherwise), split chunks for what it loads only on demand (the
 * contract runner, the data generator). faker, swagger-parser and swagger-ui-dist stay packages, loaded when
 * needed. Used by `npm run build`, `npm start` and by the process tests, which run the command as it ships.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** Builds dist/bin/orgs-mock.js under `root`; it finds openapi.yaml and fixtures/ two levels up, as in the package. */
export async function bundleCommand(root) {
  const outdir = join(root, 'dist', 'bin');
  // Two runs side by side in one checkout (two `npm test`) must never start a half-written bundle: build
  // into a directory of our own, then rename each file into place, the chunks first and the entry last.
  // Chunk names carry a content hash, so a command already running keeps finding the chunks it imports.
  mkdirSync(outdir, { recursive: true });
  const staging = mkdtempSync(join(root, 'dist', '.bin-'));
  try {
    await build({
      entryPoints: { 'orgs-mock': join(root, 'src/cli/bin.ts') },
      outdir: staging,
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
    const entry = 'orgs-mock.js';
    const files = readdirSync(staging).sort((a, b) => Number(a === entry) - Number(b === entry));
    for (const file of files) renameSync(join(staging, file), join(outdir, file));
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return join(outdir, 'orgs-mock.js');
}

/** Bundles again only when there is no bundle or a source (or this script) is newer than it. */
export async function bundleCommandIfStale(root) {
  const command = join(root, 'dist', 'bin', 'orgs-mock.js');
  if (stale(root, command)) await bundleCommand(root);
  return command;
}

function stale(root, command) {
  if (!existsSync(command)) return true;
  const built = statSync(command).mtimeMs;
  if (statSync(fileURLToPath(import.meta.url)).mtimeMs > built) return true;
  for (const entry of readdirSync(join(root, 'src'), { recursive: true, withFileTypes: true }))
    if (entry.isFile() && statSync(join(entry.parentPath, entry.name)).mtimeMs > built) return true;
  return false;
}
