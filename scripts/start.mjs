/**
 * npm start / npm run contract: the `orgs-mock` command as it ships (dist/bin/orgs-mock.js, which `prepare`
 * builds on npm ci), in this process. When a source is newer than that bundle, or there is none (npm ci
 * --ignore-scripts), esbuild bundles it again first: under a second, and only then.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleCommandIfStale } from './command-bundle.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const command = await bundleCommandIfStale(root);
process.argv.splice(1, 1, command);
await import(pathToFileURL(command).href);
