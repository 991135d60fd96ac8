/**
 * One refusal table: for every documented refusal status of every operation, the refusal the mock really
 * sends and the one `Prefer: code=N` sends are the same bytes (status, body, headers), and both carry the
 * status, OAuth code and text of openapi.yaml's `x-refusals` (REFUSALS, generated from it) where the table
 * has an entry for them.
 */
import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES, REFUSALS } from '../../src/generated/openapi.ts';
import { cachedSpec, type MockApp } from '../../src/http/app.ts';
import type { Operation } from '../../src/openapi/model.ts';
import { basic, call, makeApp, type Reply, TOKENS } from '../helpers.ts';

const spec = await cachedSpec();
const CLOCK = () => Date.UTC(2026, 0, 1, 12, 0, 20);
const HEADERS = ['content-type', 'www-authenticate', 'retry-after', 'cache-control', 'pragma', 'allow'];
const CLIENT = { Authorization: basic('root-client', 'root-secret') };

type Table = Record<string, { status: number; error?: string; message?: string }>;
const table: Table = REFUSALS;

/** A request of this operation, valid unless `change` makes it otherwise. */
function send(app: MockApp, op: Operation, change: { token?: string | null; target?: string; raw?: string } = {}) {
  const method = op.method.toUpperCase();
  if (!op.bearer) {
    return call(app, method, change.target ?? '/oauth2/token?grant_type=client_credentials', {
      token: null,
      headers: CLIENT,
    });
  }
  const target = change.target ?? (op.path === '/api/v1/organization' ? `${op.path}?orgId=3` : op.path);
  const query = op.operationId === 'searchOrganizations' && !change.target ? '?query=' : '';
  const hasBody = op.method === 'post' || op.method === 'put';
  return call(app, method, `${target}${query}`, {
    token: change.token === undefined ? TOKENS.root : change.token,
    ...(change.raw !== undefined ? { raw: change.raw } : hasBody ? { body: { name: 'Refused Here' } } : {}),
  });
}

/** How a client meets each status for real; the app's settings where they matter. */
const provoke: Record<
  string,
  { config?: Record<string, unknown>; run: (app: MockApp, op: Operation) => Promise<Reply> }
> = {
  400: {
    run: (app, op) => {
      if (!op.bearer) return send(app, op, { target: '/oauth2/token' });
      if (op.operationId === 'searchOrganizations') return send(app, op, { target: op.path });
      if (op.method === 'post' || op.method === 'put') return send(app, op, { raw: '' });
      return send(app, op, { target: op.path });
    },
  },
  401: { run: (app, op) => send(app, op, { token: null }) },
  403: { run: (app, op) => send(app, op, { token: TOKENS.noScope }) },
  404: {
    run: (app, op) =>
      op.operationId === 'createOrganization'
        ? call(app, 'POST', op.path, { token: TOKENS.branch, body: { name: 'Nope', parentId: 5 } })
        : send(app, op, { token: TOKENS.branch, target: `${op.path}?orgId=5` }),
  },
  413: { run: (app, op) => send(app, op, { raw: 'x'.repeat(MAX_BODY_BYTES + 1) }) },
  429: {
    config: { rateLimitPerMinute: 1 },
    run: async (app, op) => {
      await send(app, op);
      return send(app, op);
    },
  },
  500: { config: { faultRate: 1 }, run: (app, op) => send(app, op) },
};

/** Every documented refusal status of the real API's operations (not the mock-only ones). */
const pairs = spec.apiOperations.flatMap((op) =>
  Object.entries(op.responses)
    .filter(([status, response]) => Number(status) >= 400 && response['x-mock-only'] !== true)
    .map(([status]) => [op.operationId, status] as const),
);

/** The table's entries for this operation and status: its own, and those of the shared responses. */
function entriesFor(operationId: string, status: number) {
  return Object.entries(table).filter(
    ([key, entry]) => entry.status === status && (!key.includes('.') || key.startsWith(`${operationId}.`)),
  );
}

const templateMatches = (template: string, text: string) =>
  new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{\w+\\?\}/g, '.+')}$`).test(text);

describe('one refusal table', () => {
  it('covers every documented refusal status of every operation', () => {
    expect(pairs.length).toBeGreaterThan(30);
    for (const [operationId, status] of pairs) expect(provoke[status], `${operationId} ${status}`).toBeDefined();
  });

  it.each(pairs)('%s %s: the real refusal and Prefer: code= are the same bytes, from the table', async (id, status) => {
    const op = spec.byId.get(id) as Operation;
    const how = provoke[status] as (typeof provoke)[string];
    const real = await how.run(await makeApp({ now: CLOCK, config: { ...how.config } }), op);
    expect(real.status).toBe(Number(status));
    const fresh = await makeApp({ now: CLOCK, config: { rateLimitPerMinute: 1 } });
    const target = !op.bearer ? '/oauth2/token' : op.path === '/api/v1/organization' ? `${op.path}?orgId=5` : op.path;
    const answer = await call(fresh, op.method.toUpperCase(), target, {
      token: op.bearer ? TOKENS.branch : null,
      headers: { Prefer: `code=${status}`, ...(op.bearer ? {} : CLIENT) },
      ...(op.bearer && (op.method === 'post' || op.method === 'put') ? { body: { name: 'Preferred' } } : {}),
    });
    expect(answer.status).toBe(real.status);
    expect(answer.text).toBe(real.text);
    for (const header of HEADERS) expect(answer.headers.get(header), header).toBe(real.headers.get(header));
    // The body's form is the operation's: RFC 6749's on the token endpoint, the Error body elsewhere.
    const text: string = op.bearer ? real.body.error.message : real.body.error_description;
    const entries = entriesFor(id, Number(status)).filter(([, entry]) => entry.message !== undefined);
    const matching = entries.filter(([, entry]) => templateMatches(entry.message as string, text));
    if (['401', '403', '404', '429'].includes(status)) {
      expect(
        matching.map(([key]) => key),
        `${text} is one of the table's ${status} texts`,
      ).not.toEqual([]);
      for (const [, entry] of matching) if (entry.error) expect(real.body.error).toBe(entry.error);
    }
  });
});
