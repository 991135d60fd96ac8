/**
 * npm test: the type check (tsc), the lint and format check (Biome) and the three Vitest layers. The checks are
 * independent of the tests, so they run beside Vitest rather than before it; their output is printed when
 * they end, Vitest's as it comes. Exits non-zero when any of them fails. Arguments go to Vitest.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = (name) => fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url));

/** Runs a command; its output is kept (quiet) or passed through; resolves to its exit code. */
function run(name, command, args, quiet) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', (error) => {
      output += String(error);
    });
    child.on('close', (code, signal) => {
      const status = code ?? (signal ? 1 : 0);
      if (quiet) process.stdout.write(`\n${status === 0 ? '✓' : '✗'} ${name}\n${status === 0 ? '' : output}`);
      resolve(status);
    });
  });
}

// Incremental: a second run re-checks only what changed and what depends on it (about half of tsc's CPU
// when little changed), from a build-info file that a fresh clone does not have yet.
const buildInfo = fileURLToPath(new URL('../node_modules/.cache/orgs-mock/tsc.tsbuildinfo', import.meta.url));
const codes = await Promise.all([
  run('tsc --noEmit', bin('tsc'), ['--noEmit', '--incremental', '--tsBuildInfoFile', buildInfo], true),
  run('biome check .', bin('biome'), ['check', '.'], true),
  run('vitest run', bin('vitest'), ['run', ...process.argv.slice(2)], false),
]);
process.exitCode = codes.find((code) => code !== 0) ?? 0;
