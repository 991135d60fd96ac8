import { defineConfig } from 'vitest/config';
import { LongestFirst } from './test/setup/sequencer.ts';

/**
 * Three layers, each runnable alone (npm run test:unit, test:http, test:process); npm test runs them all.
 * - unit: the spec, the docs and the runner's reading of the spec; no app, no process.
 * - http: the whole mock in-process through app.request() (and MSW, and the runner against it).
 * - process: real processes, sockets and browsers: the CLI, the packed package, Dredd, Chromium, signals.
 *
 * Speed on 2 cores: test files build their own apps and share no module state, so they run without a fresh
 * module graph per file (isolate: false: the spec bundle and ajv load once per worker, not 30 times).
 * Process tests mostly wait on their children, so there are more workers than cores. The in-process layers
 * run in worker threads, which start and load cheaper than forked processes (http: about 35 CPU-seconds
 * instead of 38 to 41, measured side by side); the process layer stays in forks, for its signals and
 * process groups.
 */
export default defineConfig({
  test: {
    // Generous: a limit is there to end a hung test, not to time one; on a shared runner beside another
    // suite a process test takes several times its idle time. Timing assertions use injected clocks.
    testTimeout: 90_000,
    hookTimeout: 180_000,
    maxWorkers: 3,
    sequence: { sequencer: LongestFirst },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], isolate: false, pool: 'threads' } },
      { extends: true, test: { name: 'http', include: ['test/http/**/*.test.ts'], isolate: false, pool: 'threads' } },
      {
        extends: true,
        test: {
          name: 'process',
          include: ['test/process/**/*.test.ts'],
          isolate: false,
          // The command as it ships (dist/bin, bundled by esbuild), built once: see test/setup/command.ts.
          globalSetup: ['test/setup/command.ts'],
        },
      },
    ],
  },
});
