/**
 * npm start / npm run contract: the `orgs-mock` command as it ships (dist/bin/orgs-mock.js, which `prepare`
 * builds on npm ci), in this process. When a source is newer than that bundle, or there is none (npm ci
 * --ignore-scripts), esbuild bundles it again first: under a second, and only then.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const command = join(root, 'dist', 'bin', 'orgs-mock.js');

function stale() {
  if (!existsSync(command)) return true;
  const built = statSync(command).mtimeMs;
  for (const entry of readdirSync(join(root, 'src'), { recursive: true, withFileTypes: true }))
    if (entry.isFile() && statSync(join(entry.parentPath, entry.name)).mtimeMs > built) return true;
  return false;
}

if (stale()) {
  const { bundleCommand } = await import('./command-bundle.mjs');
  await bundleCommand(root);
}
process.argv.splice(1, 1, command);
await import(pathToFileURL(command).href);
