/**
 * The blind broken servers (test/blind-variants) are a well-formed set. The sweep that runs the contract
 * runner against each of them, and measures its catch rate, is `npm run test:blind` (test/blind/sweep.test.ts):
 * about 90 whole contract runs, too many CPU-seconds for npm test.
 */
import { describe, expect, it } from 'vitest';
import { BLIND } from '../blind-variants/index.ts';

describe('blind broken servers', () => {
  it('are at least 60, with distinct names and a fact each', () => {
    expect(BLIND.length).toBeGreaterThanOrEqual(60);
    expect(new Set(BLIND.map((v) => v.name)).size).toBe(BLIND.length);
    for (const v of BLIND) expect(v.fact).toMatch(/^§\d/);
  });
});
