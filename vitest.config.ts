import { defineConfig } from 'vitest/config';

/**
 * Three layers, each runnable alone (npm run test:unit, test:http, test:process); npm test runs them all.
 * - unit: the spec, the docs and the runner's reading of the spec; no app, no process.
 * - http: the whole mock in-process through app.request() (and MSW, and the runner against it).
 * - process: real processes, sockets and browsers: the CLI, the packed package, Dredd, Chromium, signals.
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'http', include: ['test/http/**/*.test.ts'] } },
      { extends: true, test: { name: 'process', include: ['test/process/**/*.test.ts'] } },
    ],
  },
});
