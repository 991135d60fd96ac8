/** The default data set: the fixed skeleton, and a generated bulk that is deterministic and realistic. */
import { describe, expect, it } from 'vitest';
import { isTimeZone } from '../../src/domain/rules.ts';
import { call, makeApp } from '../helpers.ts';

const everything = '/api/v1/organization/search?query=&size=1000';

describe('determinism', () => {
  it('two apps from the same seed answer byte-identical searches, timestamps included', async () => {
    const [a, b] = [await makeApp({ config: { seed: 7 } }), await makeApp({ config: { seed: 7 } })];
    for (const sort of ['', '&sortBy=Name&sortOrder=DESC', '&sortBy=Device%20Count']) {
      const [ra, rb] = [await call(a, 'GET', everything + sort), await call(b, 'GET', everything + sort)];
      expect(ra.text).toBe(rb.text);
    }
  });

  it('different seeds give different organizations', async () => {
    const [a, b] = [await makeApp({ config: { seed: 1 } }), await makeApp({ config: { seed: 2 } })];
    const [ra, rb] = [await call(a, 'GET', everything), await call(b, 'GET', everything)];
    expect(ra.body.totalElements).toBe(rb.body.totalElements);
    expect(ra.text).not.toBe(rb.text);
    // The skeleton stays the same whatever the seed.
    expect(ra.body.content.slice(0, 5)).toEqual(rb.body.content.slice(0, 5));
  });

  it('ORG_COUNT sets the size of the bulk', async () => {
    const app = await makeApp({ config: { orgCount: 7 } });
    expect((await call(app, 'GET', everything)).body.totalElements).toBe(12);
  });
});

describe('generated organizations', async () => {
  const app = await makeApp({ config: { orgCount: 2000, seed: 99 } });
  const generated = app.mock.state.tree.all().filter((org) => org.id > 5);
  const createRules = app.mock.validators.request('createOrganization');

  it('pass every rule a client would have to meet to create them', () => {
    expect(generated).toHaveLength(2000);
    for (const org of generated) {
      const body = {
        name: org.name,
        description: org.description,
        tz: org.tz,
        phoneNumber: org.phoneNumber,
        unitSystem: org.unitSystem,
        address: org.address,
      };
      expect(() => createRules.body(body), JSON.stringify(org)).not.toThrow();
      expect(org.name).toMatch(/^[\p{L}\p{M}\p{Nd} .'-]{3,100}$/u);
      expect(isTimeZone(org.tz), org.tz).toBe(true);
    }
  });

  it('stay within the depth limit and keep the skeleton as the fixture gives it', () => {
    const tree = app.mock.state.tree;
    // The vendor's count: the root is level 1, and four levels are allowed.
    const levels = generated.map((org) => tree.levelOf(org.id));
    expect(Math.max(...levels)).toBe(4);
    for (const level of levels) expect(level).toBeGreaterThanOrEqual(2);
    expect(tree.childIds(2).sort()).toEqual([3, 4]);
    expect(tree.childCount(3) + tree.childCount(4)).toBe(0);
  });

  it('have plausible device and user counts, some without devices', () => {
    const noDevices = generated.filter((org) => org.deviceCount === 0).length;
    expect(noDevices).toBeGreaterThan(200);
    expect(noDevices).toBeLessThan(1800);
    for (const org of generated) {
      expect(org.deviceCount).toBeGreaterThanOrEqual(0);
      expect(org.userCount).toBeGreaterThanOrEqual(1);
    }
    expect(new Set(generated.map((org) => org.tz)).size).toBeGreaterThan(5);
    expect(new Set(generated.map((org) => org.lastModifiedTs)).size).toBeGreaterThan(1900);
  });
});
