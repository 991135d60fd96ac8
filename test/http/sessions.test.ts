/**
 * Sessions as copy-on-write overlays over the shared seeded tree: never a silent loss (an evicted
 * session is refused with 410 until it is reset), a refused write copies nothing, an import does not
 * push out other sessions' changes, a write acknowledged stays, and one X-Mock-Session header.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/domain/chaos.ts';
import type { MockApp } from '../../src/http/app.ts';
import { basic, call, makeApp, TOKENS } from '../helpers.ts';

const inSession = (session: string, options: { body?: unknown; token?: string } = {}) => ({
  ...options,
  headers: { 'X-Mock-Session': session },
});
const EVICTED =
  /^This session was evicted at \S+ \((.+)\); its changes are lost\. Start it again with POST \/_mock\/reset and this X-Mock-Session, or use a new session id\.$/;

describe('sessions never lose data silently', () => {
  // About 4 KB (less than one session's first write) to 100 KB: evictions at nearly every write, then fewer.
  it.each([0.004, 0.012, 0.03, 0.1])(
    'SESSION_MEMORY_MB=%s: a session reads exactly its own changes, or 410 until it resets',
    async (sessionMemoryMb) => {
      const app = await makeApp({ config: { sessionMemoryMb, maxSessions: 100 } });
      const random = seededRandom(Math.round(sessionMemoryMb * 1000));
      const sessions = ['s0', 's1', 's2', 's3', 's4'];
      const model = new Map(
        sessions.map((s) => [s, { gone: false, created: new Map<string, number>(), deleted3: false }]),
      );
      let evictions = 0;
      const seen = (s: string, status: number, body: { error?: { message: string } }) => {
        const m = model.get(s)!;
        if (status === 410) {
          expect(body.error?.message).toMatch(EVICTED);
          if (!m.gone) evictions++;
          m.gone = true;
          return false;
        }
        // Once told it was evicted, a session stays refused until it is reset: never quietly re-created.
        expect(m.gone, `${s} answered ${status} after a 410`).toBe(false);
        return true;
      };
      for (let step = 0; step < 60; step++) {
        const s = sessions[Math.floor(random() * sessions.length)]!;
        const m = model.get(s)!;
        const roll = random();
        if (m.gone && roll < 0.3) {
          const reset = await call(app, 'POST', '/_mock/reset', inSession(s));
          expect(reset.body).toEqual({ session: s, organizations: 105 });
          Object.assign(m, { gone: false, created: new Map(), deleted3: false });
        } else if (roll < 0.45) {
          const name = `${s} made ${step}`;
          const made = await call(app, 'POST', '/api/v1/organization/create', inSession(s, { body: { name } }));
          if (seen(s, made.status, made.body)) {
            expect(made.status).toBe(201);
            m.created.set(name, made.body.id);
          }
        } else if (roll < 0.55 && !m.deleted3) {
          const deleted = await call(app, 'DELETE', '/api/v1/organization?orgId=3', inSession(s));
          if (seen(s, deleted.status, deleted.body)) {
            expect(deleted.status).toBe(204);
            m.deleted3 = true;
          }
        } else if (roll < 0.65 && m.created.size > 0) {
          const [name, id] = [...m.created][0]!;
          const deleted = await call(app, 'DELETE', `/api/v1/organization?orgId=${id}`, inSession(s));
          if (seen(s, deleted.status, deleted.body)) {
            expect(deleted.status).toBe(204);
            m.created.delete(name);
          }
        } else {
          const found = await call(app, 'GET', `/api/v1/organization/search?query=${s}%20made&size=1000`, inSession(s));
          if (seen(s, found.status, found.body)) {
            const names = found.body.content.map((o: { name: string }) => o.name).sort();
            expect(names).toEqual([...m.created.keys()].sort());
          }
          const three = await call(app, 'GET', '/api/v1/organization?orgId=3', inSession(s));
          if (seen(s, three.status, three.body)) expect(three.status).toBe(m.deleted3 ? 404 : 200);
        }
      }
      // The smallest bound evicts often; the journal says when and why for each eviction.
      if (sessionMemoryMb === 0.004) expect(evictions).toBeGreaterThan(3);
      const journal = await call(app, 'GET', '/_mock/journal?limit=1000');
      const events = journal.body.entries.filter((e: { method: string }) => e.method === 'EVICT');
      expect(events.length).toBeGreaterThanOrEqual(evictions);
      for (const e of events) {
        expect(e).toMatchObject({ path: '', status: 410, ms: 0 });
        expect(e.event).toBe(`session evicted: the sessions' memory passed SESSION_MEMORY_MB=${sessionMemoryMb}`);
        expect(sessions).toContain(e.session);
      }
    },
  );

  it('the minimal case of issue 17: A deletes 3 and creates one, B writes, A sees its changes or a 410', async () => {
    const app = await makeApp({ config: { sessionMemoryMb: 0.004 } });
    expect((await call(app, 'DELETE', '/api/v1/organization?orgId=3', inSession('A'))).status).toBe(204);
    const made = await call(
      app,
      'POST',
      '/api/v1/organization/create',
      inSession('A', { body: { name: 'Made In A' } }),
    );
    expect(made.status).toBe(201);
    expect(
      (await call(app, 'POST', '/api/v1/organization/create', inSession('B', { body: { name: 'In B' } }))).status,
    ).toBe(201);
    const three = await call(app, 'GET', '/api/v1/organization?orgId=3', inSession('A'));
    expect(three.status).toBe(410);
    expect(three.body.error.message).toMatch(EVICTED);
    expect((await call(app, 'GET', '/_mock/state', inSession('A'))).status).toBe(410);
    // B keeps its own write (ids are per session: B's organization has the id A's had).
    const b = await call(app, 'GET', `/api/v1/organization?orgId=${made.body.id}`, inSession('B'));
    expect([b.status, b.body.name]).toEqual([200, 'In B']);
    // The token endpoint, which reads no tree, still answers in A.
    const token = await call(app, 'POST', '/oauth2/token?grant_type=client_credentials', {
      token: null,
      headers: { Authorization: basic('root-client', 'root-secret'), 'X-Mock-Session': 'A' },
    });
    expect(token.status).toBe(200);
    // An import starts the session again, as a reset does.
    const state = (await call(app, 'GET', '/_mock/state')).body;
    const fresh = await makeApp({ config: { sessionMemoryMb: 1, maxSessions: 1 } });
    await call(fresh, 'POST', '/api/v1/organization/create', inSession('A', { body: { name: 'Lost' } }));
    await call(fresh, 'GET', '/api/v1/organization/profile', inSession('B'));
    expect((await call(fresh, 'GET', '/api/v1/organization/profile', inSession('A'))).status).toBe(410);
    expect((await call(fresh, 'PUT', '/_mock/state', inSession('A', { body: state }))).status).toBe(200);
    expect((await call(fresh, 'GET', '/api/v1/organization?orgId=3', inSession('A'))).status).toBe(200);
  });
});

describe('a session holds only its changes', () => {
  it('a refused write in a new session copies nothing; a write stores a few entries', async () => {
    const app = await makeApp({ config: { orgCount: 500 } });
    const sessions = app.mock.runtime.sessions;
    const viewer = await call(app, 'DELETE', '/api/v1/organization?orgId=3', inSession('v', { token: TOKENS.viewer }));
    expect(viewer.status).toBe(403);
    const invalid = await call(app, 'POST', '/api/v1/organization/create', inSession('v', { body: { name: 'x' } }));
    expect(invalid.status).toBe(400);
    const before = sessions.estimatedBytes;
    expect(before).toBeLessThan(4_096);
    expect(
      (await call(app, 'POST', '/api/v1/organization/create', inSession('v', { body: { name: 'Mine' } }))).status,
    ).toBe(201);
    await call(app, 'GET', '/api/v1/organization/profile', inSession('v')); // measured again when next used
    // The new organization, its parent and the root's count: three entries, not 505 copied ones.
    expect(sessions.estimatedBytes - before).toBeLessThan(12_000);
    expect(app.mock.state.tree.size).toBe(505);
  });

  it('an import that would evict other sessions’ changes is refused with 409, and they stay', async () => {
    // 1,005 organizations need about 985 KB in a session: they fit in 1 MB alone, not beside 4 writers (12 KB each).
    const app = await makeApp({ config: { orgCount: 1_000, sessionMemoryMb: 1 } });
    const writers = Array.from({ length: 4 }, (_, i) => `w${i}`);
    for (const s of writers)
      expect(
        (await call(app, 'POST', '/api/v1/organization/create', inSession(s, { body: { name: `In ${s}` } }))).status,
      ).toBe(201);
    const state = (await call(app, 'GET', '/_mock/state')).body;
    const refused = await call(app, 'PUT', '/_mock/state', inSession('big', { body: state }));
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toBe(
      "This import needs about 985 KB of session memory and 976 KB of SESSION_MEMORY_MB=1 is free (other sessions' changes are never evicted for an import). Reset sessions, raise SESSION_MEMORY_MB, or import without X-Mock-Session.",
    );
    for (const s of writers) {
      const found = await call(app, 'GET', `/api/v1/organization/search?query=In%20${s}`, inSession(s));
      expect(found.body.totalElements).toBe(1);
    }
    expect(app.mock.runtime.sessions.ids()).toEqual(writers);
    // Once the writers are reset, it fits.
    expect((await call(app, 'POST', '/_mock/reset?all=true')).status).toBe(200);
    expect((await call(app, 'PUT', '/_mock/state', inSession('big', { body: state }))).status).toBe(200);
  });
});
describe('an acknowledged write stays', () => {
  it('a create whose body is still arriving when its session is reset lands in the session as it is then', async () => {
    const app = await makeApp();
    expect((await call(app, 'DELETE', '/api/v1/organization?orgId=3', inSession('r'))).status).toBe(204);
    let send!: (text: string) => void;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        send = (text) => {
          controller.enqueue(new TextEncoder().encode(text));
          controller.close();
        };
      },
    });
    const pending = app.request('/api/v1/organization/create', {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKENS.root}`, 'Content-Type': 'application/json', 'X-Mock-Session': 'r' },
      body,
      duplex: 'half',
    } as RequestInit);
    await new Promise((resolve) => setTimeout(resolve, 0)); // the pipeline has read the session and waits for the body
    expect((await call(app, 'POST', '/_mock/reset', inSession('r'))).status).toBe(200);
    send('{"name":"Sent During Reset"}');
    const answer = await pending;
    expect(answer.status).toBe(201);
    const { id } = (await answer.json()) as { id: number };
    const read = await call(app, 'GET', `/api/v1/organization?orgId=${id}`, inSession('r'));
    expect([read.status, read.body.name]).toEqual([200, 'Sent During Reset']);
    // The reset happened: organization 3 is back.
    expect((await call(app, 'GET', '/api/v1/organization?orgId=3', inSession('r'))).status).toBe(200);
  });
});

describe('one session header', () => {
  const twice = (app: MockApp, path: string, method = 'GET') =>
    app.request(path, {
      method,
      headers: [
        ['Authorization', `Bearer ${TOKENS.root}`],
        ['X-Mock-Session', 'alpha'],
        ['X-Mock-Session', 'beta'],
      ],
    });

  it('two X-Mock-Session headers are refused with 400, never a session named "alpha, beta"', async () => {
    const app = await makeApp();
    for (const [path, method] of [
      ['/api/v1/organization/profile', 'GET'],
      ['/api/v1/organization?orgId=3', 'DELETE'],
      ['/_mock/reset', 'POST'],
      ['/_mock/state', 'GET'],
    ] as const) {
      const answer = await twice(app, path, method);
      expect(answer.status).toBe(400);
      expect(await answer.json()).toEqual({
        error: {
          message:
            'Header X-Mock-Session should be sent once, with an id without commas (repeated headers arrive joined by commas).',
        },
      });
    }
    expect(app.mock.runtime.sessions.ids()).toEqual([]);
    expect(app.mock.state.tree.get(3)).toBeDefined();
  });
});
