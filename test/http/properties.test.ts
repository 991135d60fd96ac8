/**
 * Generated tests (fast-check) over the HTTP interface. Failures shrink to a minimal case; replay one with
 * FC_SEED=<seed> FC_PATH=<path> npx vitest run test/properties.test.ts (both are printed on failure).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OrgRecord } from '../../src/domain/organization.ts';
import { SortedIndex } from '../../src/domain/sorted-index.ts';
import { SORT_FIELDS } from '../../src/domain/tree.ts';
import { call, makeApp, TOKENS } from '../helpers.ts';
import { checkInvariants, subtreeOf } from '../invariants.ts';

const replay = { seed: process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined, path: process.env.FC_PATH };

const oddValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(
    '',
    'abc',
    '-1',
    '0',
    '1',
    '3',
    '1.5',
    '2147483648',
    '99999999999999999999999',
    'NaN',
    '1e3',
    '\u0000',
    'Europe/Kyiv',
    'Mars/Olympus',
    '+380441234567',
  ),
);
const name = fc.oneof(
  fc.string({ maxLength: 120 }),
  fc.constantFrom('Acme', 'ab', '  Spaced Out  ', "O'Neil-Δ Co.", 'Київ', 'x'.repeat(101), 'a/b'),
);
const createBody = fc.record(
  {
    name,
    description: fc.oneof(fc.string({ maxLength: 60 }), oddValue),
    tz: fc.oneof(
      fc.constantFrom('UTC', 'Europe/Kiev', 'America/New_York', 'Mars/Olympus', 'europe/kyiv', '+01:00'),
      oddValue,
    ),
    parentId: fc.oneof(fc.integer({ min: -2, max: 120 }), oddValue),
    phoneNumber: fc.oneof(fc.constantFrom('+11234567890', '+0123', '12345678'), oddValue),
    unitSystem: fc.oneof(fc.constantFrom('METRIC', 'IMPERIAL', 'metric'), oddValue),
    address: fc.oneof(
      fc.constant(null),
      fc.dictionary(fc.constantFrom('city', 'zip', 'country', 'state', 'fullAddress', '__proto__', 'x'), oddValue),
    ),
  },
  { requiredKeys: [] },
);
const body = fc.oneof(createBody, fc.jsonValue({ maxDepth: 3 }), fc.constant(undefined));
const queryValue = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('', '1', '2', '3', '5', '-1', 'abc', '1001', '2147483648', 'Name', 'DESC', 'Device Count'),
);
const query = fc.dictionary(
  fc.constantFrom(
    'orgId',
    'query',
    'sortBy',
    'sortOrder',
    'page',
    'size',
    'grant_type',
    'client_id',
    'client_secret',
    'refresh_token',
    'junk',
  ),
  queryValue,
  { maxKeys: 5 },
);
const token = fc.constantFrom<string | null>(...Object.values(TOKENS), null, 'not-a-token', 'Bearer');
const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
  path: fc.constantFrom(
    '/api/v1/organization/profile',
    '/api/v1/organization/search',
    '/api/v1/organization',
    '/api/v1/organization/create',
    '/oauth2/token',
    '/api/v1/unknown',
  ),
  query,
  body,
  token,
});

describe('random requests', () => {
  it('never produce a 5xx, and every response conforms to openapi.yaml', async () => {
    const app = await makeApp({ config: { orgCount: 50 } });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const target = `${r.path}?${new URLSearchParams(r.query)}`;
        const withBody = r.method !== 'GET' && r.body !== undefined;
        // call() fails the property when the response departs from the spec.
        const reply = await call(app, r.method, target, { token: r.token, body: withBody ? r.body : undefined });
        expect(reply.status).toBeLessThan(500);
      }),
      { numRuns: 400, ...replay },
    );
    expect((await call(app, 'GET', '/api/v1/organization/profile')).status).toBe(200);
  });
});

type Action =
  | { kind: 'create'; parent: number; name: string; token: string }
  | { kind: 'rename'; target: number; name: string; token: string }
  | { kind: 'delete'; target: number; token: string };

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({
    kind: fc.constant('create' as const),
    parent: fc.nat(40),
    name,
    token: fc.constantFrom(TOKENS.root, TOKENS.branch),
  }),
  fc.record({
    kind: fc.constant('rename' as const),
    target: fc.nat(40),
    name,
    token: fc.constantFrom(TOKENS.root, TOKENS.branch),
  }),
  fc.record({
    kind: fc.constant('delete' as const),
    target: fc.nat(40),
    token: fc.constantFrom(TOKENS.root, TOKENS.branch),
  }),
);

describe('random sequences of writes', () => {
  it('keep the tree invariants, the visibility of each token, and every sort order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { maxLength: 25 }), async (actions) => {
        const app = await makeApp({ config: { orgCount: 30, maxDepth: 3 } });
        // Searches before the writes fill the search caches, which the writes must invalidate.
        for (const token of [TOKENS.root, TOKENS.branch]) {
          await call(app, 'GET', '/api/v1/organization/search?query=&size=1000', { token });
          await call(app, 'GET', '/api/v1/organization/search?query=a&size=1000&sortBy=Name', { token });
        }
        for (const a of actions) {
          const id = (n: number) => (n % 45) + 1;
          if (a.kind === 'create')
            await call(app, 'POST', '/api/v1/organization/create', {
              token: a.token,
              body: { name: a.name, parentId: id(a.parent) },
            });
          if (a.kind === 'rename')
            await call(app, 'PUT', `/api/v1/organization?orgId=${id(a.target)}`, {
              token: a.token,
              body: { name: a.name },
            });
          if (a.kind === 'delete')
            await call(app, 'DELETE', `/api/v1/organization?orgId=${id(a.target)}`, { token: a.token });
        }
        checkInvariants(app, 3);
        const records = app.mock.state.tree.all();
        for (const [token, orgId] of [
          [TOKENS.root, 1],
          [TOKENS.branch, 2],
        ] as const) {
          const seen = await call(app, 'GET', '/api/v1/organization/search?query=&size=1000', { token });
          expect(seen.body.content.map((o: { id: number }) => o.id)).toEqual(subtreeOf(records, orgId));
          const withA = await call(app, 'GET', '/api/v1/organization/search?query=a&size=1000&sortBy=Name', { token });
          const expected = subtreeOf(records, orgId).filter((id) =>
            app.mock.state.tree.get(id)!.name.toLowerCase().includes('a'),
          );
          expect(withA.body.content.map((o: { id: number }) => o.id).sort((x: number, y: number) => x - y)).toEqual(
            expected,
          );
        }
        const tree = app.mock.state.tree;
        const key: Record<string, (o: OrgRecord) => number | string> = {
          'Organization Id': (o) => o.id,
          Name: (o) => o.name.toLowerCase(),
          'Device Count': (o) => o.deviceCount,
          'User Count': (o) => o.userCount,
          'Sub Organizations': (o) => tree.childCount(o.id),
        };
        for (const sortBy of SORT_FIELDS) {
          for (const order of ['ASC', 'DESC'] as const) {
            const direction = order === 'ASC' ? 1 : -1;
            const expected = [...records]
              .sort((a, b) => {
                const [x, y] = [key[sortBy]!(a), key[sortBy]!(b)];
                return (x < y ? -1 : x > y ? 1 : 0) * direction || a.id - b.id;
              })
              .map((o) => o.id);
            const page = await call(
              app,
              'GET',
              `/api/v1/organization/search?query=&size=1000&sortBy=${encodeURIComponent(sortBy)}&sortOrder=${order}`,
            );
            expect(
              page.body.content.map((o: { id: number }) => o.id),
              `${sortBy} ${order}`,
            ).toEqual(expected);
          }
        }
      }),
      { numRuns: 40, ...replay },
    );
  });
});

describe('sorted index', () => {
  it('keeps both orders equal to a fresh sort through random inserts and removals, across block splits', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1500, maxLength: 3000 }),
        fc.array(fc.tuple(fc.boolean(), fc.nat()), { maxLength: 1200 }),
        (keys, operations) => {
          const key = new Map<number, number>(keys.map((k, i) => [i + 1, k]));
          const compareKeys = (a: number, b: number) => (key.get(a) as number) - (key.get(b) as number);
          const present = new Set(key.keys());
          const index = SortedIndex.build([...present], compareKeys);
          let next = keys.length + 1;
          for (const [insert, n] of operations) {
            if (insert) {
              key.set(next, n % 21);
              present.add(next);
              index.insert(next++);
            } else if (present.size > 0) {
              const id = [...present][n % present.size] as number;
              index.remove(id);
              present.delete(id);
            }
          }
          const ascending = [...present].sort((a, b) => compareKeys(a, b) || a - b);
          const descending = [...present].sort((a, b) => compareKeys(b, a) || a - b);
          expect([...index.order(false)]).toEqual(ascending);
          expect([...index.order(true)]).toEqual(descending);
          expect(index.slice(true, 700, 750)).toEqual(descending.slice(700, 750));
        },
      ),
      { numRuns: 30, ...replay },
    );
  });
});
