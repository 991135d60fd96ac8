/**
 * The library of broken servers (test/broken-variants): each breaks one rule and must be caught by the
 * check named for it. Hostile ones must not make the run change anything that existed before it.
 */
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { broken, HOSTILE, MODEL_VARIANTS, VARIANTS } from '../broken-variants/index.ts';
import { contentOf, run } from '../contract-helpers.ts';

const app = (config?: Parameters<typeof createApp>[0]) =>
  createApp({ ...config, config: { quiet: true, ...config?.config } });

/** The runner's waits (a set-up call's back-off after a 5xx, Retry-After) pass at once: a variant is about what is sent. */
const noWait = { sleep: async () => {} };

describe('broken variants', () => {
  it('are at least 40, each named for a registered check', () => {
    expect(VARIANTS.length + HOSTILE.length).toBeGreaterThanOrEqual(40);
  });

  it.each([...VARIANTS, ...MODEL_VARIANTS].map((v) => [v.name, v] as const))('catches %s', async (_name, variant) => {
    const server = await app(variant.config);
    const { report } = await run(broken(server, variant.handler), {
      checks: [variant.check],
      ...noWait,
      ...variant.options,
    });
    const caught = report.failures.filter((f) => f.check === variant.check);
    expect(
      caught.length,
      `failures: ${JSON.stringify(report.failures.map((f) => [f.check, f.actual]))}; checks: ${JSON.stringify(report.checks)}`,
    ).toBeGreaterThan(0);
    expect(report.verdict).toBe('failed');
  });
});

describe('the property-based phase', () => {
  it('shrinks a failure to a minimal request, prints the seed, and replays it with that seed', async () => {
    const variant = VARIANTS.find((v) => v.check === 'property_based') as (typeof VARIANTS)[number];
    const first = await run(broken(await app(), variant.handler), { checks: ['property_based'], seed: 7, ...noWait });
    const failure = first.report.failures.find((f) => f.check === 'property_based');
    // fast-check shrinks the page size to the smallest that fails.
    expect(failure?.actual).toMatch(/minimal input: \{[^}]*"size":"700"/);
    expect(failure?.actual).toContain('replay with --seed 7 --examples 50');
    const again = await run(broken(await app(), variant.handler), { checks: ['property_based'], seed: 7, ...noWait });
    expect(again.report.failures.map((f) => f.actual)).toEqual(first.report.failures.map((f) => f.actual));
  });
});

describe('hostile variants', () => {
  it.each(HOSTILE.map((v) => [v.name, v] as const))(
    '%s: nothing that existed before is changed, and the report says what is left',
    async (_name, variant) => {
      const server = await app(variant.config);
      const before = contentOf(server);
      const sent: URL[] = [];
      const hostile = broken(server, variant.handler);
      const logged: typeof fetch = (input, init) => {
        const url = new URL(String(input));
        // PUT without orgId is sent only as a refusal probe, with a body that is no JSON object.
        const probe = !url.searchParams.has('orgId') && !String(init?.body ?? '').startsWith('{');
        if (['PUT', 'DELETE'].includes((init?.method ?? 'GET').toUpperCase()) && !probe) sent.push(url);
        return hostile(input, init);
      };
      // Every check runs, with 10 property-based examples, not 50: this is about what the run writes; the
      // property phase has its own variants above.
      const { report } = await run(logged, { token: 'root-admin-token', examples: 10, ...noWait, ...variant.options });
      // The run itself never addresses a write to an organization that existed before it (when no create is
      // verified, it sends no update or delete at all).
      for (const url of sent) expect(Number(url.searchParams.get('orgId'))).toBeGreaterThan(105);
      expect(
        report.failures.some((f) => f.check === variant.check),
        JSON.stringify(report.failures.map((f) => f.check)),
      ).toBe(true);
      expect(contentOf(server)).toBe(before);
      // Every organization the run left is listed by id and name, also one whose name cannot carry the prefix.
      const leftover = server.mock.state.tree.all().filter((o) => o.id > 105);
      const listed = new Set(report.cleanup.leftover.map((l) => l.id));
      expect(leftover.filter((o) => !listed.has(o.id)).map((o) => `${o.id} ${o.name}`)).toEqual([]);
      expect([...listed].every((id) => leftover.some((o) => o.id === id))).toBe(true);
      for (const l of report.cleanup.leftover) expect(l.name).toBeTruthy();
    },
  );
});
