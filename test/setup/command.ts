/**
 * The process tests run the `orgs-mock` command as it ships: dist/bin/orgs-mock.js, bundled from the
 * sources by esbuild (this global set-up, under a second) when a source is newer than the bundle; the build
 * is atomic, so a second `npm test` in the same checkout never starts a half-written one. A start through tsx
 * (bin/orgs-mock.mjs) costs three times the CPU, and these tests start the command about twenty times.
 * `npm start` runs the same bundle (scripts/start.mjs) and has its own test in shutdown.test.ts.
 */
import { fileURLToPath } from 'node:url';
import { bundleCommandIfStale } from '../../scripts/command-bundle.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The built command; run it with process.execPath. */
export const COMMAND = fileURLToPath(new URL('../../dist/bin/orgs-mock.js', import.meta.url));

export default async function setup(): Promise<void> {
  await bundleCommandIfStale(root);
}
