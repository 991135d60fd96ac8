/**
 * The runner against broken servers written blind (test/blind-variants): each departs from one [doc] fact of
 * the reference. Caught = the run's verdict is failed with at least one contract failure. The runner must
 * catch at least 95 % of them; the misses are printed by name, with whether the run ever met the departure.
 */
import { describe, expect, it } from 'vitest';
import { BLIND } from '../blind-variants/index.ts';
import { trace, wrapperErrors } from '../blind-variants/kit.ts';
import { BLIND_RUN, caught, fullRun, makeMock } from '../blind-variants/run.ts';

describe('blind broken servers', () => {
  it('are at least 60, with distinct names and a fact each', () => {
    expect(BLIND.length).toBeGreaterThanOrEqual(60);
    expect(new Set(BLIND.map((v) => v.name)).size).toBe(BLIND.length);
    for (const v of BLIND) expect(v.fact).toMatch(/^§\d/);
  });

  it('the runner catches at least 95 % of them', { timeout: 300_000 }, async () => {
    const misses: string[] = [];
    trace.on = true;
    try {
      for (const variant of BLIND) {
        trace.departures = 0;
        const app = await makeMock(variant.config);
        const { report } = await fullRun(variant.wrap(app), BLIND_RUN);
        if (!caught(report)) {
          const met = trace.departures ? `met ${trace.departures}×` : 'never met';
          misses.push(`${variant.name} (${report.verdict}, ${met}): ${variant.fact}`);
        }
      }
    } finally {
      trace.on = false;
    }
    const rate = (BLIND.length - misses.length) / BLIND.length;
    console.log(
      `blind variants: caught ${BLIND.length - misses.length} of ${BLIND.length} (${Math.round(rate * 100)} %)` +
        (misses.length ? `; missed:\n  ${misses.join('\n  ')}` : ''),
    );
    expect(wrapperErrors).toEqual([]);
    expect(rate).toBeGreaterThanOrEqual(0.95);
  });
});
