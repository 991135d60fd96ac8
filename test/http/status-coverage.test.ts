/**
 * Every status that openapi.yaml documents for every operation, produced by the mock. The list of
 * cases is checked against the spec, so a status added to the spec without a way to produce it fails here.
 * Only 500 is injected (Prefer: code=500); every other status comes from real behaviour.
 */
import { describe, expect, it } from 'vitest';
import { cachedSpec } from '../../src/http/app.ts';
import { makeApp } from '../helpers.ts';
import { scenarios } from '../scenarios.ts';

describe('every documented status of every operation', async () => {
  const spec = await cachedSpec();
  const documented = spec.operations.flatMap((op) =>
    Object.keys(op.responses).map((status) => `${op.operationId} ${status}`),
  );

  it('has a scenario for each documented status, and none for an undocumented one', () => {
    expect(Object.keys(scenarios).sort()).toEqual([...documented].sort());
  });

  it.each(documented)('%s', async (key) => {
    // A clock that stands still: the 429 scenarios' requests must share one rate-limit window.
    const app = await makeApp({ config: { rateLimitPerMinute: 2 }, now: () => Date.UTC(2026, 0, 1, 12, 0, 30) });
    const scenario = scenarios[key];
    expect(scenario, `no scenario for ${key}`).toBeDefined();
    const reply = await scenario!(app);
    expect(reply.status).toBe(Number(key.split(' ')[1]));
    expect(reply.operationId).toBe(key.split(' ')[0]);
  });
});
