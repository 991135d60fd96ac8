/**
 * Hostile input over real HTTP on loopback, parallel writes, and bounded memory: every bad request gets a
 * clear 4xx, the server keeps serving, nothing is lost or duplicated.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ISSUED_TOKENS } from '../src/domain/state.ts';
import { TokenStore } from '../src/domain/tokens.ts';
import type { MockApp } from '../src/http/app.ts';
import { listen, type RunningServer } from '../src/server.ts';
import { makeApp, TOKENS } from './helpers.ts';
import { checkInvariants } from './invariants.ts';

let app: MockApp;
let server: RunningServer;
beforeAll(async () => {
  app = await makeApp({ config: { rateLimitPerMinute: 1_000_000 } });
  server = await listen(app, '127.0.0.1', 0);
});
afterAll(() => server.close());

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw request, so that headers and bytes go out exactly as written. */
function send(method: string, path: string, headers: Record<string, string> = {}, body?: Buffer | string): Promise<Raw> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers: { Authorization: `Bearer ${TOKENS.root}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode as number, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

const json = { 'Content-Type': 'application/json' };
const deep = (n: number, inner: string) => '{"a":'.repeat(n) + inner + '}'.repeat(n);
const manyHeaders = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`X-Junk-${i}`, 'v']));

const corpus: Array<[string, () => Promise<Raw>, RegExp | string | null]> = [
  ['deeply nested arrays', () => send('POST', '/api/v1/organization/create', json, `${'['.repeat(500_000)}${']'.repeat(500_000)}`), 'Request body should be a JSON object.'],
  ['deeply nested address', () => send('POST', '/api/v1/organization/create', json, `{"name":"Deep","address":{"city":${deep(100_000, '1')}}}`), 'City should be at most 50 symbols.'],
  ['a 1.9 MB name', () => send('POST', '/api/v1/organization/create', json, JSON.stringify({ name: 'n'.repeat(1_900_000) })), 'Organization name should be from 3 to 100 symbols.'],
  ['a 10 KB query', () => send('GET', `/api/v1/organization/search?query=${'q'.repeat(10_000)}`), 'Search query should be at most 255 symbols.'],
  ['a 100 KB query string', () => send('GET', `/api/v1/organization/search?query=${'q'.repeat(100_000)}`), null],
  ['invalid UTF-8', () => send('POST', '/api/v1/organization/create', json, Buffer.from([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d])), 'Request body should be valid JSON.'],
  ['a NUL byte in a name', () => send('POST', '/api/v1/organization/create', json, JSON.stringify({ name: 'Nul\u0000Org' })), 'Organization name may contain only letters, digits, spaces, dots, hyphens and apostrophes.'],
  ['a NUL byte in an id', () => send('GET', '/api/v1/organization?orgId=1%00'), 'Organization id should be an integer from 1 to 2147483647.'],
  ['prototype-pollution keys', () => send('POST', '/api/v1/organization/create', json, '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},"name":"x"}'), 'Organization name should be from 3 to 100 symbols.'],
  ['3000 headers', () => send('GET', '/api/v1/organization?orgId=abc', manyHeaders), null],
  ['a 20 KB Authorization header', () => send('GET', '/api/v1/organization/profile', { Authorization: `Bearer ${'t'.repeat(20_000)}` }), null],
  ['a number past int64 as parentId', () => send('POST', '/api/v1/organization/create', json, '{"name":"Big Parent","parentId":99999999999999999999999}'), 'Parent organization id should be an integer from 1 to 2147483647.'],
  ['a number past int64 as orgId', () => send('DELETE', '/api/v1/organization?orgId=9223372036854775808'), 'Organization id should be an integer from 1 to 2147483647.'],
  ['a trailing comma', () => send('POST', '/api/v1/organization/create', json, '{"name":"Trailing",}'), 'Request body should be valid JSON.'],
  // A chunked body on a GET: the adapter does not read it, so Node's parser meets it as a next request and
  // answers its own bare 400 — still a 4xx, and the server goes on.
  ['a chunked body on a GET', () => send('GET', '/api/v1/organization?orgId=x', json, '{"name":"ignored"}'), null],
  ['a body with Content-Length on a GET', () => send('GET', '/api/v1/organization?orgId=x', { ...json, 'Content-Length': '18' }, '{"name":"ignored"}'), 'Organization id should be an integer from 1 to 2147483647.'],
  ['an unknown method', () => send('PROPFIND', '/api/v1/organization'), /^Method PROPFIND is not allowed here/],
];

describe('hostile input', () => {
  it.each(corpus)('%s gets a clear 4xx', async (_label, sendIt, message) => {
    const before = app.mock.state.tree.size;
    const reply = await sendIt();
    expect(reply.status).toBeGreaterThanOrEqual(400);
    expect(reply.status).toBeLessThan(500);
    if (message !== null) {
      expect(reply.headers['content-type']).toMatch(/^application\/json/);
      const body = JSON.parse(reply.body);
      if (typeof message === 'string') expect(body).toEqual({ error: { message } });
      else expect(body.error.message).toMatch(message);
    }
    expect(app.mock.state.tree.size).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // And the server keeps serving.
    expect((await send('GET', '/api/v1/organization/profile')).status).toBe(200);
  });

  it('keeps memory bounded over the whole corpus, sent again and again', async () => {
    const heap = () => process.memoryUsage().heapUsed;
    for (const [, sendIt] of corpus) await sendIt();
    const before = heap();
    for (let round = 0; round < 3; round++) for (const [, sendIt] of corpus) await sendIt();
    // Three more rounds leave nothing behind that grows with them (generous: the GC runs when it likes).
    expect(heap() - before).toBeLessThan(150 * 1024 * 1024);
    expect(app.mock.runtime.journal.size).toBeLessThanOrEqual(app.mock.runtime.journal.capacity);
  });
});

describe('parallel writes', () => {
  it('lose nothing, duplicate no id, and leave the tree consistent', async () => {
    const before = app.mock.state.tree.size;
    const post = (i: number) =>
      fetch(`${server.url}/api/v1/organization/create`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${TOKENS.root}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: `Parallel ${i}`, parentId: i % 2 === 0 ? 1 : 5 }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { id: number; name: string } }));
    const created = await Promise.all(Array.from({ length: 300 }, (_, i) => post(i)));
    expect(created.every((r) => r.status === 201)).toBe(true);
    const ids = created.map((r) => r.body.id);
    expect(new Set(ids).size).toBe(300);
    expect(app.mock.state.tree.size).toBe(before + 300);
    // Half of them deleted in parallel with 100 more creates.
    const deletes = ids.slice(0, 150).map((id) =>
      fetch(`${server.url}/api/v1/organization?orgId=${id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${TOKENS.root}` } }).then((r) => r.status),
    );
    const more = Array.from({ length: 100 }, (_, i) => post(1000 + i));
    const [deleted, added] = [await Promise.all(deletes), await Promise.all(more)];
    expect(deleted.every((s) => s === 204)).toBe(true);
    expect(added.every((r) => r.status === 201 && !ids.includes(r.body.id))).toBe(true);
    expect(app.mock.state.tree.size).toBe(before + 250);
    checkInvariants(app, 4);
  });
});

describe('bounded memory', () => {
  it('issued tokens: the oldest are forgotten past the limit', () => {
    const store = new TokenStore([], [{ clientId: 'c', clientSecret: 's', organizationId: 1, platformApiScope: true }], {
      ttlSeconds: 60,
      maxIssued: 3,
      now: () => 0,
    });
    const client = { clientId: 'c', clientSecret: 's', organizationId: 1, platformApiScope: true };
    const tokens = Array.from({ length: 5 }, () => {
      const issued = store.issue(client, { grantType: 'client_credentials' });
      return 'token' in issued ? issued.token.access_token : '';
    });
    expect(store.issuedCount).toBe(6); // 3 access + 3 refresh
    expect(store.authenticate(`Bearer ${tokens[0]}`)).toEqual({ failure: 'unknown' });
    expect('principal' in store.authenticate(`Bearer ${tokens[4]}`)).toBe(true);
    expect(MAX_ISSUED_TOKENS).toBe(100_000);
  });

  it('issued tokens: expired ones are dropped as new ones are issued', () => {
    let clock = 0;
    const client = { clientId: 'c', clientSecret: 's', organizationId: 1, platformApiScope: true };
    const store = new TokenStore([], [client], { ttlSeconds: 60, maxIssued: 100_000, now: () => clock });
    for (let i = 0; i < 1000; i++) store.issue(client, { grantType: 'client_credentials' });
    expect(store.issuedCount).toBe(2000);
    clock += 61_000;
    for (let i = 0; i < 100; i++) store.issue(client, { grantType: 'client_credentials' });
    // The 1024th grant purged the 2000 expired entries; only the 100 new pairs remain.
    expect(store.issuedCount).toBe(200);
  });

  it('rate-limit counters are dropped when their window ends', async () => {
    let clock = 0;
    const limited = await makeApp({ now: () => clock });
    const limiter = limited.mock.runtime.rateLimiter;
    limiter.hit(1, clock);
    limiter.hit(2, clock);
    expect(limiter.trackedOrganizations).toBe(2);
    clock += 60_000;
    limiter.hit(3, clock);
    expect(limiter.trackedOrganizations).toBe(1);
  });
});
