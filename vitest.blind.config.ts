import { defineConfig } from 'vitest/config';

/**
 * npm run test:blind: the contract runner's catch rate on the blind broken servers (test/blind/sweep.test.ts),
 * about 90 whole contract runs in one test. Out of npm test for its cost; .ci/run runs it after npm test.
 */
export default defineConfig({
  test: {
    name: 'blind',
    include: ['test/blind/**/*.test.ts'],
    // Generous: a limit ends a hung run, it does not time one (a loaded machine takes minutes).
    testTimeout: 900_000,
  },
});
