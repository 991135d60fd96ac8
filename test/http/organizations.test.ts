/** Every operation of the Organizations API, its success and its refusals, and the state afterwards. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { MockApp } from '../../src/http/app.ts';
import { call, expectError, makeApp, TOKENS } from '../helpers.ts';

const NOT_FOUND = "Organization is not found or you don't have access to it.";
const T0 = Date.UTC(2026, 0, 1);

let app: MockApp;
let clock: number;
beforeEach(async () => {
  clock = T0;
  app = await makeApp({ now: () => clock });
});

describe('GET /api/v1/organization/profile', () => {
  it('answers the organization of the token, exactly as the published example', async () => {
    const reply = await call(app, 'GET', '/api/v1/organization/profile');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
    expect(reply.body).toMatchObject({
      id: 1,
      name: 'Acme Corp',
      description: 'A test organization',
      tz: 'Europe/Kyiv',
      unitSystem: 'METRIC',
      phoneNumber: '+11234567890',
      lastModifiedTs: 1707244800000,
    });
    expect(reply.body).not.toHaveProperty('parentOrganizationId');
    expect(reply.body).not.toHaveProperty('deviceCount');
    expect(reply.body).not.toHaveProperty('userCount');
  });

  it('answers the branch for a branch token', async () => {
    const reply = await call(app, 'GET', '/api/v1/organization/profile', { token: TOKENS.branch });
    expect(reply.body).toMatchObject({ id: 2, parentOrganizationId: 1 });
  });

  it('needs no permission: a viewer token sees its profile', async () => {
    expect((await call(app, 'GET', '/api/v1/organization/profile', { token: TOKENS.viewer })).status).toBe(200);
  });
});

describe('GET /api/v1/organization/search', () => {
  const search = (query: string, token: string = TOKENS.root) =>
    call(app, 'GET', `/api/v1/organization/search?${query}`, { token });

  it('finds by case-insensitive substring of the name', async () => {
    const reply = await search('query=aCmE');
    expect(reply.status).toBe(200);
    const names: string[] = reply.body.content.map((o: { name: string }) => o.name);
    expect(names.length).toBeGreaterThanOrEqual(5);
    for (const name of names) expect(name.toLowerCase()).toContain('acme');
    expect(reply.body.totalElements).toBe(names.length);
  });

  it('an empty query matches the whole visible subtree; defaults sort by id ascending, 50 per page', async () => {
    const reply = await search('query=');
    expect(reply.body.totalElements).toBe(105);
    expect(reply.body.content).toHaveLength(50);
    const ids = reply.body.content.map((o: { id: number }) => o.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(ids[0]).toBe(1);
  });

  it('sees only the token subtree: a branch token sees 2, 3 and 4', async () => {
    const reply = await search('query=', TOKENS.branch);
    expect(reply.body.content.map((o: { id: number }) => o.id)).toEqual([2, 3, 4]);
    expect(reply.body.totalElements).toBe(3);
    expect((await search('query=Americas', TOKENS.branch)).body).toEqual({ content: [], totalElements: 0 });
  });

  it('pages, and a page past the end is empty with the true total', async () => {
    const first = await search('query=&size=10&page=0');
    const second = await search('query=&size=10&page=1');
    expect(first.body.content).toHaveLength(10);
    expect(second.body.content[0].id).toBeGreaterThan(first.body.content[9].id);
    const past = await search('query=&size=10&page=99');
    expect(past.body).toEqual({ content: [], totalElements: 105 });
  });

  it.each([
    ['Name', (o: any) => o.name.toLowerCase()],
    ['Organization Id', (o: any) => o.id],
  ])('sorts by %s in both orders, ties by id ascending', async (sortBy, key) => {
    for (const order of ['ASC', 'DESC'] as const) {
      const reply = await search(`query=&size=1000&sortBy=${encodeURIComponent(sortBy)}&sortOrder=${order}`);
      const keys = reply.body.content.map(key);
      const sorted = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      expect(keys).toEqual(order === 'ASC' ? sorted : sorted.reverse());
    }
  });

  it('sorts by device count, user count and sub-organizations, from the counts the mock keeps', async () => {
    const tree = app.mock.state.tree;
    for (const [sortBy, key] of [
      ['Device Count', (id: number) => tree.get(id)!.deviceCount],
      ['User Count', (id: number) => tree.get(id)!.userCount],
      ['Sub Organizations', (id: number) => tree.childCount(id)],
    ] as const) {
      const reply = await search(`query=&size=1000&sortBy=${encodeURIComponent(sortBy)}&sortOrder=DESC`);
      const ids: number[] = reply.body.content.map((o: { id: number }) => o.id);
      for (let i = 1; i < ids.length; i++) {
        const [a, b] = [ids[i - 1]!, ids[i]!];
        expect(key(a) > key(b) || (key(a) === key(b) && a < b), `${sortBy}: ${a} before ${b}`).toBe(true);
      }
    }
    const subs = await search('query=&sortBy=Sub%20Organizations&sortOrder=DESC&size=1');
    const most = Math.max(...tree.all().map((o) => tree.childCount(o.id)));
    const first = tree.all().find((o) => tree.childCount(o.id) === most)!.id; // ties by id ascending
    expect(subs.body.content[0].id).toBe(first);
  });

  it.each([
    ['size=5', 'Parameter query is required.'],
    ['query=a&size=0', 'Page size should be from 1 to 1000.'],
    ['query=a&size=1001', 'Page size should be from 1 to 1000.'],
    ['query=a&size=ten', 'Page size should be from 1 to 1000.'],
    ['query=a&page=-1', 'Page number should be an integer from 0 to 2147483647.'],
    ['query=a&page=1.5', 'Page number should be an integer from 0 to 2147483647.'],
    [
      'query=a&sortBy=Size',
      'Sort field should be one of Organization Id, Name, Device Count, User Count, Sub Organizations.',
    ],
    ['query=a&sortOrder=UP', 'Sort order should be ASC or DESC.'],
    [`query=${'a'.repeat(256)}`, 'Search query should be at most 255 symbols.'],
  ])('refuses %s with 400', async (query, message) => {
    expectError(await search(query), 400, message);
  });

  it('needs ORG_VIEW; a viewer token has it', async () => {
    expect((await search('query=', TOKENS.viewer)).status).toBe(200);
  });
});

describe('GET /api/v1/organization', () => {
  it('answers a visible organization', async () => {
    const reply = await call(app, 'GET', '/api/v1/organization?orgId=4', { token: TOKENS.branch });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      id: 4,
      name: 'Acme Munich Plant',
      description: 'A leaf with devices',
      parentOrganizationId: 2,
      tz: 'Europe/Berlin',
      unitSystem: 'METRIC',
      phoneNumber: '+49891234567',
      address: { city: 'Munich', country: 'Germany', zip: '80331' },
      lastModifiedTs: 1707244800000,
    });
  });

  it('answers 404, never 403, outside the subtree, for the parent and for ids that do not exist', async () => {
    for (const id of [5, 1, 999999]) {
      expectError(await call(app, 'GET', `/api/v1/organization?orgId=${id}`, { token: TOKENS.branch }), 404, NOT_FOUND);
    }
  });

  it.each([
    '',
    'orgId=',
    'orgId=abc',
    'orgId=1.5',
    'orgId=-1',
    'orgId=0',
    'orgId=2147483648',
    'orgId=1e3',
    'orgId=99999999999999999999999',
  ])('refuses ?%s with 400', async (query) => {
    const reply = await call(app, 'GET', `/api/v1/organization?${query}`);
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toMatch(
      query === ''
        ? /^Parameter orgId is required\.$/
        : /^Organization id should be an integer from 1 to 2147483647\.$/,
    );
  });
});

describe('POST /api/v1/organization/create', () => {
  const create = (body: unknown, token: string = TOKENS.root) =>
    call(app, 'POST', '/api/v1/organization/create', { token, body });

  it('creates with 201 under the token organization, inheriting tz and unit system, ids never reused', async () => {
    const reply = await create({ name: '  Nova Labs  ' });
    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({
      id: 106,
      name: 'Nova Labs',
      description: '',
      parentOrganizationId: 1,
      tz: 'Europe/Kyiv',
      unitSystem: 'METRIC',
      phoneNumber: '',
      address: null,
      lastModifiedTs: T0,
    });
    const fetched = await call(app, 'GET', '/api/v1/organization?orgId=106');
    expect(fetched.body).toEqual(reply.body);
    expect((await call(app, 'DELETE', '/api/v1/organization?orgId=106')).status).toBe(204);
    expect((await create({ name: 'Nova Labs Two' })).body.id).toBe(107);
  });

  it('stores every field given, and ignores unknown ones', async () => {
    const body = {
      name: "Київ Ltd. O'Neil-Δ",
      description: 'Sensors & more',
      tz: 'America/New_York',
      parentId: 3,
      phoneNumber: '+380441234567',
      unitSystem: 'IMPERIAL',
      address: { fullAddress: '1 Khreshchatyk St', country: 'Ukraine', city: 'Kyiv', state: 'Kyiv', zip: '01001' },
      type: 1,
      deviceCount: 99,
    };
    const reply = await create(body, TOKENS.branch);
    expect(reply.status).toBe(201);
    const { type: _t, deviceCount: _d, parentId, ...kept } = body;
    expect(reply.body).toEqual({ id: 106, parentOrganizationId: parentId, lastModifiedTs: T0, ...kept });
    expect(app.mock.state.tree.get(106)).toMatchObject({ deviceCount: 0, userCount: 0 });
    expect(app.mock.state.tree.childIds(3)).toEqual([106]);
  });

  it('accepts the old alias Europe/Kiev and UTC', async () => {
    expect((await create({ name: 'Old Kiev', tz: 'Europe/Kiev' })).status).toBe(201);
    expect((await create({ name: 'Universal', tz: 'UTC' })).status).toBe(201);
  });

  it.each([
    [{ name: 'ab' }, 'Organization name should be from 3 to 100 symbols.'],
    [{ name: '   ab   ' }, 'Organization name should be from 3 to 100 symbols.'],
    [{ name: 'x'.repeat(101) }, 'Organization name should be from 3 to 100 symbols.'],
    [{ name: 42 }, 'Organization name should be from 3 to 100 symbols.'],
    [
      { name: 'Acme, Inc' },
      'Organization name may contain only letters, digits, spaces, dots, hyphens and apostrophes.',
    ],
    [
      { name: 'Acme <b>' },
      'Organization name may contain only letters, digits, spaces, dots, hyphens and apostrophes.',
    ],
    [{}, 'Field name is required.'],
    [
      { name: 'Good Name', description: 'a/b' },
      'Organization description should be at most 1000 symbols without /, \\, < or >.',
    ],
    [
      { name: 'Good Name', description: 'x'.repeat(1001) },
      'Organization description should be at most 1000 symbols without /, \\, < or >.',
    ],
    [{ name: 'Good Name', tz: 'Mars/Olympus' }, 'Time zone should be a valid IANA time zone name.'],
    [{ name: 'Good Name', tz: '+02:00' }, 'Time zone should be a valid IANA time zone name.'],
    [
      { name: 'Good Name', phoneNumber: '12345678' },
      'Phone number should start with + and have at most 20 digits, spaces, hyphens, dots and parentheses after it.',
    ],
    [
      { name: 'Good Name', phoneNumber: '+' },
      'Phone number should start with + and have at most 20 digits, spaces, hyphens, dots and parentheses after it.',
    ],
    [
      { name: 'Good Name', phoneNumber: `+${'1'.repeat(21)}` },
      'Phone number should start with + and have at most 20 digits, spaces, hyphens, dots and parentheses after it.',
    ],
    [
      { name: 'Good Name', phoneNumber: '+1 234 ext 5' },
      'Phone number should start with + and have at most 20 digits, spaces, hyphens, dots and parentheses after it.',
    ],
    [{ name: 'Good Name', unitSystem: 'metric' }, 'Unit system should be IMPERIAL or METRIC.'],
    [{ name: 'Good Name', parentId: 'two' }, 'Parent organization id should be an integer from 1 to 2147483647.'],
    [{ name: 'Good Name', parentId: 1.5 }, 'Parent organization id should be an integer from 1 to 2147483647.'],
    [{ name: 'Good Name', parentId: 1e30 }, 'Parent organization id should be an integer from 1 to 2147483647.'],
    [{ name: 'Good Name', address: 'Main St' }, 'Address should be a JSON object.'],
    [{ name: 'Good Name', address: { zip: '1234567890123' } }, 'Zip code should be at most 12 symbols.'],
    [{ name: 'Good Name', address: { city: 'c'.repeat(51) } }, 'City should be at most 50 symbols.'],
    [{ name: 'Good Name', address: { state: 's'.repeat(41) } }, 'State should be at most 40 symbols.'],
    [{ name: 'Good Name', address: { country: 'c'.repeat(75) } }, 'Country should be at most 74 symbols.'],
    [{ name: 'Good Name', address: { fullAddress: 'f'.repeat(513) } }, 'Full address should be at most 512 symbols.'],
    [[{ name: 'Good Name' }], 'Request body should be a JSON object.'],
    ['Good Name', 'Request body should be a JSON object.'],
  ])('refuses %j with 400 and creates nothing', async (body, message) => {
    expectError(await create(body), 400, message);
    expect(app.mock.state.tree.size).toBe(105);
  });

  it('answers 404 with the documented message for a parent outside the subtree or missing', async () => {
    for (const parentId of [5, 1, 424242]) {
      expectError(
        await create({ name: 'Orphan', parentId }, TOKENS.branch),
        404,
        "Parent organization is not found or you don't have access to it.",
      );
    }
    expect(app.mock.state.tree.size).toBe(105);
  });

  it('allows four levels counting the root as level 1, as the vendor does, and refuses a fifth', async () => {
    // 1 (level 1) → 2 (level 2) → 3 (level 3) → a new one at level 4.
    const level4 = await create({ name: 'Level Four', parentId: 3 });
    expect(level4.status).toBe(201);
    const before = app.mock.state.tree.size;
    expectError(
      await create({ name: 'Level Five', parentId: level4.body.id }),
      400,
      'Organization hierarchy cannot be deeper than 4 levels, counting the root.',
    );
    expect(app.mock.state.tree.size).toBe(before);
    // MAX_DEPTH keeps the same count: 3 allows children of 2 (level 3) but not of 3.
    const shallow = await makeApp({ config: { maxDepth: 3 } });
    expect(
      (await call(shallow, 'POST', '/api/v1/organization/create', { body: { name: 'Level Three', parentId: 2 } }))
        .status,
    ).toBe(201);
    expectError(
      await call(shallow, 'POST', '/api/v1/organization/create', { body: { name: 'Too Deep', parentId: 3 } }),
      400,
      'Organization hierarchy cannot be deeper than 3 levels, counting the root.',
    );
  });

  it('refuses past the organization limit with 400', async () => {
    const small = await makeApp({ config: { maxOrganizations: 106 } });
    expect((await call(small, 'POST', '/api/v1/organization/create', { body: { name: 'Last One' } })).status).toBe(201);
    expectError(
      await call(small, 'POST', '/api/v1/organization/create', { body: { name: 'One Too Many' } }),
      400,
      'Organization limit of 106 is reached.',
    );
  });

  it('needs ORG_CREATE: a viewer token gets 403 naming the permission', async () => {
    expectError(
      await create({ name: 'Viewer Made' }, TOKENS.viewer),
      403,
      'Permission ORG_CREATE is required for this operation.',
    );
    expect(app.mock.state.tree.size).toBe(105);
  });
});

describe('PUT /api/v1/organization', () => {
  const rename = (query: string, body: unknown, token: string = TOKENS.root) =>
    call(app, 'PUT', `/api/v1/organization${query}`, { token, body });

  it('renames, trims, sets a new lastModifiedTs and ignores other fields', async () => {
    clock = T0 + 5000;
    const reply = await rename('?orgId=3', { name: ' Berlin Research ', tz: 'UTC', description: 'ignored' });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      id: 3,
      name: 'Berlin Research',
      tz: 'Europe/Berlin',
      description: 'A leaf with no devices',
      lastModifiedTs: T0 + 5000,
    });
    expect((await call(app, 'GET', '/api/v1/organization?orgId=3')).body).toEqual(reply.body);
  });

  it('without orgId renames the token organization', async () => {
    const reply = await rename('', { name: 'Acme Europe GmbH' }, TOKENS.branch);
    expect(reply.body).toMatchObject({ id: 2, name: 'Acme Europe GmbH' });
    expect((await call(app, 'GET', '/api/v1/organization/profile', { token: TOKENS.branch })).body.name).toBe(
      'Acme Europe GmbH',
    );
  });

  it('answers 404 outside the subtree and leaves it unchanged', async () => {
    expectError(await rename('?orgId=5', { name: 'Hijacked' }, TOKENS.branch), 404, NOT_FOUND);
    expect(app.mock.state.tree.get(5)?.name).toBe('Acme Americas');
  });

  it.each([
    ['?orgId=x', { name: 'Fine Name' }, 'Organization id should be an integer from 1 to 2147483647.'],
    ['?orgId=3', { name: 'no' }, 'Organization name should be from 3 to 100 symbols.'],
    [
      '?orgId=3',
      { name: 'bad/name' },
      'Organization name may contain only letters, digits, spaces, dots, hyphens and apostrophes.',
    ],
    ['?orgId=3', { description: 'no name' }, 'Field name is required.'],
  ])('refuses %s %j with 400 and changes nothing', async (query, body, message) => {
    expectError(await rename(query, body), 400, message);
    expect(app.mock.state.tree.get(3)?.name).toBe('Acme Berlin Lab');
  });

  it('needs ORG_EDIT', async () => {
    expectError(
      await rename('?orgId=3', { name: 'Viewer Edit' }, TOKENS.viewer),
      403,
      'Permission ORG_EDIT is required for this operation.',
    );
  });
});

describe('DELETE /api/v1/organization', () => {
  const remove = (orgId: number | string, token: string = TOKENS.root) =>
    call(app, 'DELETE', `/api/v1/organization?orgId=${orgId}`, { token });

  it('deletes a leaf without devices with 204 and no body; it is gone for get, search and delete', async () => {
    const reply = await remove(3, TOKENS.branch);
    expect(reply.status).toBe(204);
    expect(reply.text).toBe('');
    expectError(await call(app, 'GET', '/api/v1/organization?orgId=3'), 404, NOT_FOUND);
    expect((await call(app, 'GET', '/api/v1/organization/search?query=Berlin%20Lab')).body.totalElements).toBe(0);
    expectError(await remove(3), 404, "Organization with identifier 3 is not found or you don't have access to it.");
    expect(app.mock.state.tree.childIds(2)).toEqual([4]);
  });

  it.each([
    [4, TOKENS.root, 'Organization with devices cannot be deleted.'],
    [2, TOKENS.root, 'Organization with sub-organizations cannot be deleted.'],
    [2, TOKENS.branch, 'You cannot delete your own organization.'],
    [1, TOKENS.root, 'You cannot delete your own organization.'],
  ])('refuses to delete %i with %s: 400', async (orgId, token, message) => {
    expectError(await remove(orgId, token), 400, message);
    expect(app.mock.state.tree.get(orgId)).toBeDefined();
  });

  it('answers 404 with the delete message outside the subtree', async () => {
    expectError(
      await remove(5, TOKENS.branch),
      404,
      "Organization with identifier 5 is not found or you don't have access to it.",
    );
    expect(app.mock.state.tree.get(5)).toBeDefined();
  });

  it('refuses bad ids with 400', async () => {
    expectError(await remove('abc'), 400, 'Organization id should be an integer from 1 to 2147483647.');
    expectError(await call(app, 'DELETE', '/api/v1/organization'), 400, 'Parameter orgId is required.');
  });

  it('needs ORG_DELETE', async () => {
    expectError(await remove(3, TOKENS.viewer), 403, 'Permission ORG_DELETE is required for this operation.');
    expect(app.mock.state.tree.get(3)).toBeDefined();
  });
});
