import { defineConfig } from 'vitest/config';

/** npm run test:container: the image built and run with podman; slow, root only, not part of `npm test`. */
export default defineConfig({
  test: {
    include: ['test/container/**/*.container.ts'],
    testTimeout: 120_000,
    hookTimeout: 1_300_000,
  },
});
