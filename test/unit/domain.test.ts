/** The domain on its own: the tree's rules, tokens, rate-limit windows, and the request hints. No app. */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/domain/chaos.ts';
import { Refusal } from '../../src/domain/errors.ts';
import { type OrgRecord, publicJson, publicJsonList, publicJsonText, toPublic } from '../../src/domain/organization.ts';
import { OverlayTree } from '../../src/domain/overlay-tree.ts';
import { RateLimiter, secondsUntilNextWindow } from '../../src/domain/rate-limiter.ts';
import { isTombstone, SessionStore } from '../../src/domain/sessions.ts';
import { SnapshotReader } from '../../src/domain/snapshot.ts';
import { TokenStore } from '../../src/domain/tokens.ts';
import { OrgTree, SORT_FIELDS, type Tree } from '../../src/domain/tree.ts';
import { closestRoute, probableField } from '../../src/http/hints.ts';
import { parsePrefer } from '../../src/http/prefer.ts';

const org = (id: number, parent?: number, extra: Partial<OrgRecord> = {}): OrgRecord => ({
  id,
  name: `Org ${id}`,
  tz: 'UTC',
  lastModifiedTs: 0,
  deviceCount: 0,
  userCount: 1,
  ...(parent === undefined ? {} : { parentOrganizationId: parent }),
  ...extra,
});

/** 1 → 2 → 3 (devices), 1 → 4: three levels counting the root as 1. */
const tree = () =>
  new OrgTree([org(1), org(2, 1), org(3, 2, { deviceCount: 5 }), org(4, 1)], { maxDepth: 3, maxOrganizations: 10 });

const refusal = (action: () => unknown) => {
  try {
    action();
  } catch (error) {
    // The domain refuses with a code, not a status (the HTTP layer maps them).
    return error instanceof Refusal ? { code: error.code, message: error.message } : error;
  }
  return undefined;
};

describe('OrgTree', () => {
  it('counts levels the vendor’s way and refuses to create below the deepest one', () => {
    const t = tree();
    expect([1, 2, 3].map((id) => t.levelOf(id))).toEqual([1, 2, 3]);
    expect(refusal(() => t.create(1, { name: 'Too Deep', parentId: 3 }, 5))).toEqual({
      code: 'invalid',
      message: 'Organization hierarchy cannot be deeper than 3 levels, counting the root.',
    });
    const made = t.create(1, { name: 'Level Three', parentId: 2 }, 5);
    expect(made).toMatchObject({ id: 5, parentOrganizationId: 2, tz: 'UTC', lastModifiedTs: 5 });
  });

  it('hides what is outside the viewer’s subtree as if it did not exist', () => {
    const t = tree();
    expect(t.visible(4, 2)).toBeUndefined();
    expect(refusal(() => t.getVisible(4, 2))).toEqual({
      code: 'not_found',
      message: "Organization is not found or you don't have access to it.",
    });
    expect(refusal(() => t.create(2, { name: 'Elsewhere', parentId: 4 }, 0))).toMatchObject({ code: 'not_found' });
    expect(refusal(() => t.remove(2, 4))).toEqual({
      code: 'not_found',
      message: "Organization with identifier 4 is not found or you don't have access to it.",
    });
  });

  it('refuses to delete the own organization, a parent, or one with devices, and never reuses an id', () => {
    const t = tree();
    expect(refusal(() => t.remove(2, 2))).toMatchObject({ message: 'You cannot delete your own organization.' });
    expect(refusal(() => t.remove(1, 2))).toMatchObject({
      message: 'Organization with sub-organizations cannot be deleted.',
    });
    expect(refusal(() => t.remove(1, 3))).toMatchObject({ message: 'Organization with devices cannot be deleted.' });
    t.remove(1, 4);
    expect(t.get(4)).toBeUndefined();
    expect(t.create(1, { name: 'After Delete' }, 0).id).toBe(5);
  });

  it('searches case-insensitively within the subtree, sorted and paged', () => {
    const t = tree();
    const page = t.search(1, { query: 'ORG', sortBy: 'Name', sortOrder: 'DESC', page: 0, size: 3 });
    expect(page.totalElements).toBe(4);
    expect(page.content.map((o) => o.id)).toEqual([4, 3, 2]);
    expect(
      t
        .search(2, { query: '', sortBy: 'Organization Id', sortOrder: 'ASC', page: 1, size: 1 })
        .content.map((o) => o.id),
    ).toEqual([3]);
  });
});

/** 300 organizations, four levels, names that tie, devices on some. */
function randomRecords(random: () => number): OrgRecord[] {
  const records = [org(1)];
  const levels = new Map([[1, 1]]);
  for (let id = 2; id <= 300; id++) {
    const candidates = records.filter((r) => (levels.get(r.id) ?? 0) < 4);
    const parent = candidates[Math.floor(random() * Math.min(candidates.length, id < 10 ? 4 : candidates.length))]!;
    levels.set(id, (levels.get(parent.id) ?? 0) + 1);
    records.push(
      org(id, parent.id, {
        name: `${['Alpha', 'beta', 'Gamma', 'delta'][Math.floor(random() * 4)]} ${Math.floor(random() * 20)}`,
        deviceCount: random() < 0.3 ? Math.floor(random() * 3) : 0,
        userCount: Math.floor(random() * 5),
      }),
    );
  }
  return records;
}

describe('OverlayTree', () => {
  const limits = { maxDepth: 4, maxOrganizations: 1_000 };
  const attempt = (action: () => unknown) => {
    try {
      return action();
    } catch (error) {
      if (error instanceof Refusal) return error.message;
      throw error;
    }
  };

  it('answers every read and write as a full tree would, and never writes its base', () => {
    const random = seededRandom(7);
    const records = randomRecords(random);
    const base = new OrgTree(records, limits);
    const before = JSON.stringify(base.all());
    const full: Tree = new OrgTree(records, limits);
    const overlay: Tree = new OverlayTree(base);
    const same = (read: (t: Tree) => unknown) => expect(read(overlay)).toEqual(read(full));
    const ids = () => full.all().map((o) => o.id);
    const viewers = [1, 2, 3, 4, 17, 150];
    for (let step = 0; step < 400; step++) {
      const all = ids();
      const pick = () => all[Math.floor(random() * all.length)]!;
      const viewer = random() < 0.7 ? 1 : pick();
      const [roll, target] = [random(), pick()];
      if (roll < 0.4)
        same((t) => attempt(() => t.create(viewer, { name: `Made ${step % 7}`, parentId: target }, step)));
      else if (roll < 0.7) same((t) => attempt(() => t.remove(viewer, target)));
      else same((t) => attempt(() => t.rename(viewer, target, `${['Alpha', 'Zed'][step % 2]} ${step % 5}`, step)));
      if (step % 50 !== 49) continue;
      same((t) => [t.size, t.nextOrganizationId, t.all()]);
      for (const id of all)
        same((t) => [t.childCount(id), t.descendantCount(id), t.levelOf(id), t.childIds(id).sort()]);
      for (const v of viewers)
        for (const sortBy of SORT_FIELDS)
          for (const [query, sortOrder, page, size] of [
            ['', 'ASC', 0, 1000],
            ['', 'DESC', 1, 7],
            ['', 'ASC', 9, 13],
            ['', 'DESC', 20, 11],
            ['a', 'ASC', 2, 9],
            ['alpha', 'DESC', 0, 25],
            ['made', 'ASC', 0, 1000],
          ] as const)
            same((t) => t.search(v, { query, sortBy, sortOrder, page, size }));
    }
    expect(JSON.stringify(base.all())).toBe(before);
  });

  it('holds only its changes: a refused write copies nothing, and a write costs a few entries', () => {
    const base = new OrgTree(randomRecords(seededRandom(3)), limits);
    const overlay = new OverlayTree(base);
    expect(attempt(() => overlay.remove(1, 1))).toBe('You cannot delete your own organization.');
    expect(attempt(() => overlay.create(1, { name: 'Nowhere', parentId: 999 }, 0))).toBe(
      "Parent organization is not found or you don't have access to it.",
    );
    expect([overlay.changedIds, overlay.writes]).toEqual([0, 0]);
    const made = overlay.create(1, { name: 'Mine' }, 0);
    // The new organization, its parent (a child more) and the root's descendant count.
    expect(overlay.changedIds).toBe(3);
    expect([base.get(made.id), base.size, overlay.size]).toEqual([undefined, 300, 301]);
  });
});

describe('publicJsonText', () => {
  it('writes what JSON.stringify(toPublic(org)) writes, byte for byte', () => {
    const records: OrgRecord[] = [
      org(1),
      org(2, 1, { description: 'd', phoneNumber: '+1', unitSystem: 'METRIC', address: null }),
      org(3, 2, { name: 'quote " back \\ line \u2028 \u0001 é 😀', address: { city: 'K"yiv', zip: '01001' } }),
      org(4, 1, { description: '', phoneNumber: '', address: {} }),
    ];
    for (const record of records) {
      expect(publicJsonText(record)).toBe(JSON.stringify(toPublic(record)));
      expect(new TextDecoder().decode(publicJson(record))).toBe(JSON.stringify(toPublic(record)));
    }
    const list = publicJsonList(records, '{"content":[', '],"totalElements":4}');
    expect(new TextDecoder().decode(list)).toBe(JSON.stringify({ content: records.map(toPublic), totalElements: 4 }));
    expect(new TextDecoder().decode(publicJsonList([], '[', ']'))).toBe('[]');
  });
});

describe('SessionStore', () => {
  const sized = (bytes: number, changed: boolean) => ({ estimatedBytes: bytes, changed });
  it('evicts those that lose nothing first, then tombstones the rest until deleted on purpose', () => {
    let clock = 0;
    const evicted: string[] = [];
    const values = new Map<string, { estimatedBytes: number; changed: boolean }>();
    const store = new SessionStore(
      { maxSessions: 3, idleMs: 60_000, maxBytes: 1_000 },
      (id) => {
        const value = sized(100, id.startsWith('w'));
        values.set(id, value);
        return value;
      },
      () => clock,
      (id, _bytes, tombstone) => evicted.push(`${id}${tombstone ? ` (${tombstone.reason})` : ''}`),
    );
    store.open('w1');
    store.open('r1');
    store.open('w2');
    store.open('w3'); // a fourth: the reader goes, though w1 is older
    expect(evicted).toEqual(['r1']);
    values.get('w3')!.estimatedBytes = 900;
    store.remeasure('w3');
    expect(evicted).toEqual(['r1', 'w1 (memory)']);
    clock = 1_000;
    expect(store.open('w1')).toEqual({ at: 0, reason: 'memory' });
    expect(isTombstone(store.open('w1'))).toBe(true);
    expect(store.ids()).toEqual(['w2', 'w3']);
    clock = 200_000;
    expect(isTombstone(store.open('w2'))).toBe(true);
    expect(evicted).toEqual(['r1', 'w1 (memory)', 'w2 (idle)', 'w3 (idle)']);
    expect(store.peek('w3')).toEqual({ at: 60_000, reason: 'idle' });
    store.delete('w1');
    expect(isTombstone(store.open('w1'))).toBe(false);
    expect(store.evictedIds()).toEqual(['w2', 'w3']);
  });
});

describe('SnapshotReader', () => {
  it('reads the same organizations however the text is cut into chunks, escapes included', () => {
    const rules = {
      limits: { maxDepth: 4, maxOrganizations: 1_000 },
      checkShape: (fields: Record<string, unknown>) => ({ name: String(fields.name) }),
    };
    const pieces = [
      '{"format":"orgs-mock/state@1","organizations":[{"id":1,"name":"Root \\"q\\" \\\\","tz":"UTC","lastModifiedTs":0}',
    ];
    for (let id = 2; id <= 120; id++)
      pieces.push(
        `,{"id":${id},"name":"Org ${id} \\\\\\"","description":"${'d'.repeat(id % 40)}\\\\","parentOrganizationId":1,"tz":"UTC","lastModifiedTs":${id}}`,
      );
    pieces.push('],"nextOrganizationId":500}');
    const text = pieces.join('');
    const whole = new SnapshotReader(rules);
    whole.push(text);
    const expected = whole.end();
    expect(expected.records.size).toBe(120);
    expect(expected.records.get(1)?.name).toBe('Root "q" \\');
    for (let seed = 1; seed <= 60; seed++) {
      const reader = new SnapshotReader(rules);
      // Chunks of 1 to 3 characters for the first seeds (a cut inside every escape), up to 200 after.
      for (let at = 0, s = seed; at < text.length; ) {
        s = (s * 1103515245 + 12345) % 2 ** 31;
        const size = 1 + (s % (seed <= 10 ? 3 : 200));
        reader.push(text.slice(at, at + size));
        at += size;
      }
      const read = reader.end();
      expect([...read.records.values()], `seed ${seed}`).toEqual([...expected.records.values()]);
      expect(read.nextOrganizationId).toBe(500);
    }
  });
});

describe('TokenStore', () => {
  const client = { clientId: 'c', clientSecret: 's', organizationId: 1, platformApiScope: true };

  it('issues a pair whose refresh token works once and expires with the access token', () => {
    let now = 0;
    const store = new TokenStore([], [client], { ttlSeconds: 60, maxIssued: 100, now: () => now });
    const first = store.issue(client, { grantType: 'client_credentials' });
    if (!('token' in first)) throw new Error('no token');
    const second = store.issue(client, { grantType: 'refresh_token', refreshToken: first.token.refresh_token });
    expect('token' in second).toBe(true);
    expect(store.issue(client, { grantType: 'refresh_token', refreshToken: first.token.refresh_token })).toMatchObject({
      error: 'invalid_grant',
    });
    if (!('token' in second)) throw new Error('no token');
    now = 60_000;
    expect(store.issue(client, { grantType: 'refresh_token', refreshToken: second.token.refresh_token })).toMatchObject(
      { error: 'invalid_grant' },
    );
  });

  it('answers an unknown client or a wrong secret with the vendor’s text', () => {
    const store = new TokenStore([], [client], { ttlSeconds: 60, maxIssued: 100, now: () => 0 });
    expect(store.authenticateClient({ clientId: 'c', clientSecret: 'wrong' })).toEqual({
      error: 'invalid_client',
      description: 'Client ID is not found or password is wrong.',
    });
  });
});

describe('RateLimiter', () => {
  it('counts per organization in fixed minutes, and says when the window ends', () => {
    const limiter = new RateLimiter({ perMinute: 2 });
    const at = Date.UTC(2026, 0, 1, 12, 0, 40);
    expect([limiter.hit(1, at), limiter.hit(1, at), limiter.hit(2, at)].every((d) => d.allowed)).toBe(true);
    expect(limiter.hit(1, at)).toEqual({ allowed: false, retryAfterSeconds: 20 });
    expect(limiter.hit(1, at + 20_000).allowed).toBe(true);
    expect(secondsUntilNextWindow(Date.UTC(2026, 0, 1, 12, 0, 59, 500))).toBe(1);
  });
});

describe('hints and Prefer', () => {
  it('name the field probably meant, and the closest route', () => {
    expect(probableField('parentOrganizationId', ['name', 'parentId', 'tz'])).toBe('parentId');
    expect(probableField('timeZone', ['name', 'parentId', 'tz'])).toBe('tz');
    expect(probableField('colour', ['name', 'parentId', 'tz'])).toBeUndefined();
    const routes = new Map([
      ['/api/v1/organization/search', ['GET']],
      ['/oauth2/token', ['POST']],
    ]);
    expect(closestRoute('GET', '/api/v1/organisation/search', routes)).toBe('GET /api/v1/organization/search');
    expect(closestRoute('GET', '/oauth/token', routes)).toBe('POST /oauth2/token');
  });

  it('reads code and delay, ignores other preferences, and refuses malformed values', () => {
    expect(parsePrefer('code=429, delay=10')).toEqual({ code: 429, delayMs: 10 });
    expect(parsePrefer('return=minimal; code="404"')).toEqual({ code: 404 });
    expect(parsePrefer('code=abc')).toBeUndefined();
    expect(parsePrefer('delay=60001')).toBeUndefined();
  });
});
