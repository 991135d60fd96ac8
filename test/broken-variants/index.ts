/**
 * Broken variants of the server: the mock behind a fetch-level middleware that breaks one rule of the
 * contract each. Every variant names the check that must catch it, and the options the run needs.
 */

import type { RunOptions } from '../../src/contract/runner.ts';
import type { createApp, MockApp } from '../../src/http/app.ts';

export type Fetch = typeof fetch;
type Handler = (
  url: URL,
  init: RequestInit,
  next: (url: URL | string, init: RequestInit) => Promise<Response>,
) => Promise<Response>;

export interface Variant {
  name: string;
  /** The check named for the rule the variant breaks. */
  check: string;
  handler: Handler;
  options?: Partial<RunOptions>;
  /** Settings of the mock behind the middleware. */
  config?: Parameters<typeof createApp>[0];
  /** Runs every check, not only the named one (the hostile variants). */
  fullRun?: boolean;
}

export function fetchOf(app: MockApp): Fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => app.fetch(new Request(input, init))) as Fetch;
}

export function broken(app: MockApp, handler: Handler): Fetch {
  const next = (url: URL | string, init: RequestInit) => fetchOf(app)(String(url), init);
  return (async (input: string | URL | Request, init?: RequestInit) =>
    handler(new URL(String(input)), init ?? {}, next)) as Fetch;
}

async function json(response: Response): Promise<any> {
  const text = await response.clone().text();
  return text ? JSON.parse(text) : undefined;
}

function reply(body: unknown, status: number, from?: Response): Response {
  const headers = new Headers(from?.headers);
  headers.delete('content-length');
  headers.set('content-type', 'application/json');
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers });
}

const is = (url: URL, path: string) => url.pathname === path;
const SEARCH = '/api/v1/organization/search';
const ORG = '/api/v1/organization';
const CREATE = '/api/v1/organization/create';
const TOKEN = '/oauth2/token';
const method = (init: RequestInit) => (init.method ?? 'GET').toUpperCase();
const bodyOf = (init: RequestInit): any => (typeof init.body === 'string' ? JSON.parse(init.body) : undefined);
const withBody = (init: RequestInit, body: unknown): RequestInit => ({ ...init, body: JSON.stringify(body) });

/** Rewrites JSON answers of matching requests. */
const answer =
  (
    when: (url: URL, init: RequestInit, res: Response) => boolean,
    edit: (body: any, url: URL, init: RequestInit) => any,
    status?: number,
  ): Handler =>
  async (url, init, next) => {
    const res = await next(url, init);
    if (!when(url, init, res)) return res;
    return reply(edit(await json(res), url, init), status ?? res.status, res);
  };

/** Rewrites requests before the mock sees them. */
const ask =
  (
    when: (url: URL, init: RequestInit) => boolean,
    edit: (url: URL, init: RequestInit) => [URL, RequestInit],
  ): Handler =>
  (url, init, next) => {
    if (!when(url, init)) return next(url, init);
    const [u, i] = edit(new URL(url), init);
    return next(u, i);
  };

/** Sets (or, for undefined, removes) query parameters. */
const params =
  (values: Record<string, string | undefined>) =>
  (url: URL, init: RequestInit): [URL, RequestInit] => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) url.searchParams.delete(name);
      else url.searchParams.set(name, value);
    }
    return [url, init];
  };

const editBody =
  (edit: (body: any) => any) =>
  (url: URL, init: RequestInit): [URL, RequestInit] => {
    const body = bodyOf(init);
    return [url, body && typeof body === 'object' && !Array.isArray(body) ? withBody(init, edit({ ...body })) : init];
  };

const usedRefreshAnswers = new Map<string, Response>();

export const VARIANTS: Variant[] = [
  // Visibility
  {
    name: '403 instead of 404 outside the subtree',
    check: 'visibility',
    options: { otherToken: 'branch-admin-token' },
    handler: answer(
      (u, _i, r) => r.status === 404 && is(u, ORG),
      (_b) => ({ error: { message: 'Forbidden.' } }),
      403,
    ),
  },
  {
    name: '200 outside the subtree (visibility ignored)',
    check: 'visibility',
    options: { otherToken: 'branch-admin-token' },
    handler: ask(
      (u, i) =>
        method(i) === 'GET' &&
        is(u, ORG) &&
        new Headers(i.headers).get('authorization') === 'Bearer branch-admin-token',
      (u, i) => [
        u,
        { ...i, headers: { ...Object.fromEntries(new Headers(i.headers)), authorization: 'Bearer root-admin-token' } },
      ],
    ),
  },
  {
    name: 'a wrong not-found message',
    check: 'error_message',
    options: { checks: ['error_message', 'unknown_id_not_found'] },
    handler: answer(
      (u, i, r) => r.status === 404 && is(u, ORG) && method(i) === 'GET',
      () => ({ error: { message: 'Not found.' } }),
    ),
  },
  {
    name: 'a wrong missing-parameter message',
    check: 'error_message',
    options: { checks: ['error_message', 'negative_data_rejected'] },
    handler: answer(
      (u, _i, r) => r.status === 400 && is(u, SEARCH),
      (b) => (b.error.message.startsWith('Parameter ') ? { error: { message: 'Missing parameter.' } } : b),
    ),
  },
  // Search
  {
    name: 'size ignored',
    check: 'search_paging',
    handler: ask((u) => is(u, SEARCH), params({ size: '1000' })),
  },
  {
    name: 'page ignored',
    check: 'search_paging',
    handler: ask((u) => is(u, SEARCH), params({ page: undefined })),
  },
  {
    name: 'totalElements off by one',
    check: 'search_paging',
    handler: answer(
      (u, _i, r) => is(u, SEARCH) && r.status === 200,
      (b) => ({ ...b, totalElements: b.totalElements + 1 }),
    ),
  },
  {
    name: 'a page short by one while more remain',
    check: 'search_paging',
    handler: answer(
      (u, _i, r) => is(u, SEARCH) && r.status === 200,
      (b) => ({ ...b, content: b.content.length > 1 ? b.content.slice(0, -1) : b.content }),
    ),
  },
  {
    name: 'sortOrder=DESC ignored',
    check: 'search_sorting',
    handler: ask((u) => is(u, SEARCH), params({ sortOrder: undefined })),
  },
  {
    name: 'sortBy ignored',
    check: 'search_sorting',
    handler: ask((u) => is(u, SEARCH), params({ sortBy: undefined })),
  },
  {
    name: 'fails only on sortOrder=DESC',
    check: 'not_a_server_error',
    handler: async (u, i, next) =>
      is(u, SEARCH) && u.searchParams.get('sortOrder') === 'DESC'
        ? reply({ error: { message: 'boom' } }, 500)
        : next(u, i),
  },
  {
    name: 'case-sensitive search',
    check: 'search_matching',
    handler: answer(
      (u, _i, r) => is(u, SEARCH) && r.status === 200,
      (b, u) => {
        const q = u.searchParams.get('query') ?? '';
        const content = b.content.filter((o: any) => o.name.includes(q));
        return { content, totalElements: content.length };
      },
    ),
  },
  {
    name: 'the empty query matches nothing',
    check: 'search_matching',
    handler: answer(
      (u, _i, r) => is(u, SEARCH) && r.status === 200 && u.searchParams.get('query') === '',
      () => ({ content: [], totalElements: 0 }),
    ),
  },
  {
    name: 'results that do not match the query',
    check: 'search_matching',
    handler: answer(
      (u, _i, r) => is(u, SEARCH) && r.status === 200 && (u.searchParams.get('query') ?? '') !== '',
      (b) => ({
        content: [
          ...b.content,
          { id: 5, name: 'Zzz Unrelated', parentOrganizationId: 1, tz: 'UTC', lastModifiedTs: 1707244800000 },
        ],
        totalElements: b.totalElements + 1,
      }),
    ),
  },
  {
    name: 'search fails on large pages (size 700 and more)',
    check: 'property_based',
    handler: async (u, i, next) =>
      is(u, SEARCH) && Number(u.searchParams.get('size')) >= 700
        ? reply({ error: { message: 'boom' } }, 500)
        : next(u, i),
  },
  {
    name: 'create refuses valid names with a non-Latin letter',
    check: 'property_based',
    options: { allowWrites: true },
    handler: async (u, i, next) =>
      is(u, CREATE) && /[ЖЖ東ع]/.test(bodyOf(i)?.name ?? '')
        ? reply({ error: { message: 'Bad name.' } }, 400)
        : next(u, i),
  },
  // Shape
  {
    name: 'a missing required field (tz)',
    check: 'response_schema_conformance',
    handler: answer(
      (u, _i, r) => is(u, ORG) && r.status === 200,
      ({ tz: _tz, ...rest }) => rest,
    ),
  },
  {
    name: 'id as a string',
    check: 'response_schema_conformance',
    handler: answer(
      (u, _i, r) => u.pathname.endsWith('/profile') && r.status === 200,
      (b) => ({ ...b, id: String(b.id) }),
    ),
  },
  {
    name: 'a malformed error body',
    check: 'response_schema_conformance',
    options: { checks: ['response_schema_conformance', 'unknown_id_not_found'] },
    handler: answer(
      (_u, _i, r) => r.status === 404,
      (b) => ({ message: b.error.message }),
    ),
  },
  {
    name: 'delete answers 200 with a body',
    check: 'status_code_conformance',
    options: { allowWrites: true },
    handler: async (u, i, next) => {
      const r = await next(u, i);
      return r.status === 204 ? reply({ deleted: true }, 200) : r;
    },
  },
  {
    name: 'a wrong content type',
    check: 'content_type_conformance',
    handler: async (u, i, next) => {
      const r = await next(u, i);
      if (!is(u, SEARCH)) return r;
      const h = new Headers(r.headers);
      h.set('content-type', 'text/plain');
      return new Response(await r.text(), { status: r.status, headers: h });
    },
  },
  {
    name: 'undeclared fields',
    check: 'undeclared_fields',
    handler: answer(
      (u, _i, r) => is(u, ORG) && r.status === 200,
      (b) => ({ ...b, createdBy: 'admin', deviceCount: 3 }),
    ),
  },
  {
    name: 'a 401 without WWW-Authenticate',
    check: 'response_headers_conformance',
    options: { checks: ['response_headers_conformance', 'auth_required'] },
    handler: async (u, i, next) => {
      const r = await next(u, i);
      return r.status === 401 ? reply(await json(r), 401) : r;
    },
  },
  {
    name: 'a 5xx on search',
    check: 'not_a_server_error',
    handler: async (u, i, next) => (is(u, SEARCH) ? reply({ error: { message: 'boom' } }, 500) : next(u, i)),
  },
  // Time
  {
    name: 'lastModifiedTs in seconds',
    check: 'time_in_milliseconds',
    handler: answer(
      (u, _i, r) => r.status < 300 && (is(u, ORG) || u.pathname.endsWith('/profile')),
      (b) => ({ ...b, lastModifiedTs: Math.floor(b.lastModifiedTs / 1000) }),
    ),
  },
  {
    name: 'an update that does not move lastModifiedTs',
    check: 'read_your_writes',
    options: { allowWrites: true },
    handler: answer(
      (u, _i, r) => r.status === 200 && is(u, ORG),
      (b) => ({ ...b, lastModifiedTs: 1707244800000 }),
    ),
  },
  // Auth
  {
    name: 'auth ignored',
    check: 'auth_required',
    handler: ask(
      (u) => !u.pathname.startsWith('/oauth2'),
      (u, i) => [
        u,
        { ...i, headers: { ...Object.fromEntries(new Headers(i.headers)), authorization: 'Bearer root-admin-token' } },
      ],
    ),
  },
  // Negative data
  {
    name: 'query longer than 255 accepted',
    check: 'negative_data_rejected',
    handler: ask(
      (u) => is(u, SEARCH),
      (u, i) => params({ query: (u.searchParams.get('query') ?? '').slice(0, 255) })(u, i),
    ),
  },
  {
    name: 'size over 1000 accepted',
    check: 'negative_data_rejected',
    handler: ask((u) => is(u, SEARCH) && Number(u.searchParams.get('size')) > 1000, params({ size: '1000' })),
  },
  {
    name: 'a negative page accepted',
    check: 'negative_data_rejected',
    handler: ask((u) => is(u, SEARCH) && Number(u.searchParams.get('page')) < 0, params({ page: '0' })),
  },
  {
    name: 'an invalid phone accepted',
    check: 'negative_data_rejected',
    options: { allowWrites: true },
    handler: ask(
      (u, _i) => is(u, CREATE),
      editBody((b) =>
        typeof b.phoneNumber === 'string' && !b.phoneNumber.startsWith('+') ? { ...b, phoneNumber: '+1' } : b,
      ),
    ),
  },
  {
    name: 'an unknown unitSystem accepted',
    check: 'negative_data_rejected',
    options: { allowWrites: true },
    handler: ask(
      (u) => is(u, CREATE),
      editBody((b) => (b.unitSystem === 'NOT-IN-ENUM' ? { ...b, unitSystem: undefined } : b)),
    ),
  },
  {
    name: 'a time zone outside the IANA database accepted',
    check: 'negative_data_rejected',
    options: { allowWrites: true, checks: ['negative_data_rejected'] },
    handler: ask(
      (u) => is(u, CREATE),
      editBody((b) => (b.tz === 'Mars/Olympus_Mons' ? { ...b, tz: 'UTC' } : b)),
    ),
  },
  // Rules
  {
    name: 'the name alphabet not enforced',
    check: 'name_alphabet',
    options: { allowWrites: true },
    handler: ask(
      (u) => is(u, CREATE),
      editBody((b) =>
        typeof b.name === 'string' ? { ...b, name: b.name.replace(/[^\p{L}\p{M}\p{Nd} .'-]/gu, '') } : b,
      ),
    ),
  },
  {
    name: 'names not trimmed',
    check: 'name_trimmed',
    options: { allowWrites: true },
    handler: answer(
      (u, _i, r) => is(u, CREATE) && r.status === 201,
      (b, _u, i) => ({ ...b, name: bodyOf(i).name }),
    ),
  },
  {
    name: 'description forbidden characters not enforced',
    check: 'description_forbidden_chars',
    options: { allowWrites: true },
    handler: ask(
      (u) => is(u, CREATE),
      editBody((b) =>
        typeof b.description === 'string' ? { ...b, description: b.description.replace(/[/\\<>]/g, '') } : b,
      ),
    ),
  },
  {
    name: 'time zones not checked',
    check: 'time_zone_valid',
    options: { allowWrites: true },
    handler: ask(
      (u) => is(u, CREATE),
      editBody((b) =>
        typeof b.tz === 'string' &&
        !['Europe/Kyiv', 'UTC', 'Europe/Kiev', 'America/Argentina/Buenos_Aires'].includes(b.tz)
          ? { ...b, tz: 'UTC' }
          : b,
      ),
    ),
  },
  {
    name: 'a missing parent answers 400',
    check: 'parent_must_exist',
    options: { allowWrites: true },
    handler: answer(
      (u, _i, r) => is(u, CREATE) && r.status === 404,
      (b) => b,
      400,
    ),
  },
  {
    name: 'depth limit one level too strict',
    check: 'depth_limit',
    options: { allowWrites: true },
    config: { config: { maxDepth: 3 } },
    handler: (u, i, next) => next(u, i),
  },
  {
    name: 'depth limit not enforced',
    check: 'depth_limit',
    options: { allowWrites: true },
    config: { config: { maxDepth: 6 } },
    handler: (u, i, next) => next(u, i),
  },
  {
    name: 'an organization with children deleted (answers 204)',
    check: 'delete_with_children_refused',
    options: { allowWrites: true },
    handler: answer(
      (_u, i, r) => method(i) === 'DELETE' && r.status === 400,
      () => undefined,
      204,
    ),
  },
  {
    name: 'a body over 2 MB accepted as 400',
    check: 'oversized_body_rejected',
    options: { allowWrites: true },
    handler: answer(
      (_u, _i, r) => r.status === 413,
      (b) => b,
      400,
    ),
  },
  {
    name: 'create files under the token organization, not the asked parent',
    check: 'read_your_writes',
    options: { allowWrites: true },
    handler: ask(
      (u) => is(u, CREATE),
      editBody(({ parentId: _p, ...b }) => b),
    ),
  },
  {
    name: 'a deleted id answers 204 again',
    check: 'unknown_id_not_found',
    options: { allowWrites: true },
    handler: answer(
      (_u, i, r) => method(i) === 'DELETE' && r.status === 404,
      () => undefined,
      204,
    ),
  },
  {
    name: 'an unknown id answers 200',
    check: 'unknown_id_not_found',
    handler: async (u, i, next) =>
      is(u, ORG) && u.searchParams.get('orgId') === '2147483647'
        ? next(new URL('/api/v1/organization/profile', u), i)
        : next(u, i),
  },
  {
    // A non-empty query sorted by a key no answer shows is answered in name order instead.
    name: 'a query sorted by a hidden key comes in name order',
    check: 'search_across_pages',
    handler: ask(
      (u) =>
        is(u, SEARCH) &&
        (u.searchParams.get('query') ?? '') !== '' &&
        ['Device Count', 'User Count', 'Sub Organizations'].includes(u.searchParams.get('sortBy') ?? ''),
      params({ sortBy: 'Name' }),
    ),
  },
  // OAuth
  {
    name: 'refresh tokens work more than once',
    check: 'oauth_refresh_once',
    handler: async (u, i, next) => {
      const rt = u.searchParams.get('refresh_token');
      if (!is(u, TOKEN) || !rt) return next(u, i);
      const cached = usedRefreshAnswers.get(rt);
      if (cached) return cached.clone();
      const r = await next(u, i);
      usedRefreshAnswers.set(rt, r.clone());
      return r;
    },
  },
  {
    name: "another client's refresh token accepted",
    check: 'oauth_refresh_bound_to_client',
    options: { otherClientId: 'noscope-client', otherClientSecret: 'noscope-secret' },
    handler: ask(
      (u) => is(u, TOKEN) && u.searchParams.has('refresh_token'),
      (u, i) => [
        u,
        { ...i, headers: { authorization: `Basic ${Buffer.from('root-client:root-secret').toString('base64')}` } },
      ],
    ),
  },
  {
    // Every client-credentials grant of the client answers the pair of its first one (a cached grant).
    name: 'every client-credentials grant answers the same pair',
    check: 'oauth_token_works',
    handler: (() => {
      let first: Response | undefined;
      return async (u: URL, i: RequestInit, next: (url: URL | string, init: RequestInit) => Promise<Response>) => {
        const grant = u.searchParams.get('grant_type') ?? new URLSearchParams(String(i.body ?? '')).get('grant_type');
        if (!is(u, TOKEN) || grant !== 'client_credentials') return next(u, i);
        const r = await next(u, i);
        if (r.status !== 200) return r;
        first ??= r.clone();
        return first.clone();
      };
    })(),
  },
  {
    // A refresh with no client authentication is served as if the token's own client had sent it.
    name: 'a refresh without client authentication issues a pair',
    check: 'oauth_grant_errors',
    handler: ask(
      (u, i) =>
        is(u, TOKEN) &&
        u.searchParams.get('grant_type') === 'refresh_token' &&
        !u.searchParams.has('client_id') &&
        !new Headers(i.headers).has('authorization'),
      (u, i) => [
        u,
        { ...i, headers: { authorization: `Basic ${Buffer.from('root-client:root-secret').toString('base64')}` } },
      ],
    ),
  },
  {
    name: 'expires_in zero',
    check: 'oauth_token_works',
    handler: answer(
      (u, _i, r) => is(u, TOKEN) && r.status === 200,
      (b) => ({ ...b, expires_in: 0 }),
    ),
  },
  {
    name: 'an issued token that does not work',
    check: 'oauth_token_works',
    options: { token: 'root-admin-token' },
    handler: answer(
      (u, _i, r) => is(u, TOKEN) && r.status === 200,
      (b) => ({ ...b, access_token: 'not-a-working-token' }),
    ),
  },
  {
    name: 'an unknown client accepted',
    check: 'oauth_client_rejected',
    handler: answer(
      (u, _i, r) => is(u, TOKEN) && r.status === 400,
      () => ({ access_token: 'x1234', token_type: 'Bearer', expires_in: 60, refresh_token: 'y1234' }),
      200,
    ),
  },
  {
    name: 'a wrong invalid_client description',
    check: 'error_message',
    options: { checks: ['error_message', 'oauth_client_rejected'] },
    handler: answer(
      (u, _i, r) => is(u, TOKEN) && r.status === 400,
      (b) => ({ ...b, error_description: 'Bad client.' }),
    ),
  },
  // Rate limit
  {
    name: 'no rate limit',
    check: 'rate_limit',
    options: { checkRateLimit: true, rateLimitBurst: 40 },
    handler: (u, i, next) => next(u, i),
  },
  {
    name: 'a 429 without Retry-After',
    check: 'response_headers_conformance',
    options: {
      checkRateLimit: true,
      rateLimitBurst: 40,
      checks: ['rate_limit', 'response_headers_conformance'],
      sleep: async () => {},
    },
    // A clock that stands still: the burst must fall in one rate-limit window.
    config: { config: { rateLimitPerMinute: 20 }, now: () => Date.UTC(2026, 0, 1, 12, 0, 30) },
    handler: async (u, i, next) => {
      const r = await next(u, i);
      return r.status === 429 ? reply(await json(r), 429) : r;
    },
  },
];

/** What the model predicts: departures that arrive in an answer nothing else compares with what it should be. */
const MODEL = 'answers_match_model';
const PROFILE = '/api/v1/organization/profile';
/** An organization without the optional fields it never set (as a server that leaves out "" and null would). */
const dropNeverSet = (org: any) =>
  Object.fromEntries(
    Object.entries(org).filter(
      ([k, v]) => !(['description', 'phoneNumber', 'address'].includes(k) && (v === '' || v === null)),
    ),
  );
const ROOT_AUTH = { Authorization: 'Bearer root-admin-token' };
const otherAuth = (i: RequestInit) => new Headers(i.headers).get('authorization') === 'Bearer branch-admin-token';
const writes = { allowWrites: true };
/** A Bearer token a client was issued (the static tokens all end in "-token"; the variants run with one). */
const issuedAuth = (i: RequestInit) => {
  const auth = new Headers(i.headers).get('authorization') ?? '';
  return auth.startsWith('Bearer ') && !auth.endsWith('-token');
};
const withOther = { allowWrites: true, otherToken: 'americas-admin-token', checks: [MODEL, 'visibility'] };

export const MODEL_VARIANTS: Variant[] = [
  {
    // The other token's GET of an organization 2+ levels below its own answers 404 (its search is right).
    name: "the other token cannot GET its organization's deeper descendants",
    check: MODEL,
    options: { token: 'root-admin-token', otherToken: 'americas-admin-token', checks: [MODEL, 'visibility'] },
    handler: async (u, i, next) => {
      const americas = new Headers(i.headers).get('authorization') === 'Bearer americas-admin-token';
      const res = await next(u, i);
      if (!americas || res.status !== 200 || method(i) !== 'GET') return res;
      const near = (o: any) => o.id === 5 || o.parentOrganizationId === 5;
      const body = await json(res);
      if (is(u, ORG) && u.searchParams.has('orgId') && !near(body)) {
        const missing = new URL(u);
        missing.searchParams.set('orgId', '2147483000');
        return next(missing, i);
      }
      return res;
    },
  },
  {
    name: 'a create that ignores tz',
    check: MODEL,
    options: writes,
    handler: ask(
      (u, i) => is(u, CREATE) && method(i) === 'POST',
      editBody((b) => ({ ...b, tz: undefined })),
    ),
  },
  {
    name: 'a create that ignores unitSystem',
    check: MODEL,
    options: writes,
    handler: ask(
      (u, i) => is(u, CREATE) && method(i) === 'POST',
      editBody((b) => ({ ...b, unitSystem: undefined })),
    ),
  },
  {
    name: 'an update that answers the old state',
    check: MODEL,
    options: writes,
    handler: async (u, i, next) => {
      if (!(is(u, ORG) && method(i) === 'PUT')) return next(u, i);
      const before = await next(u, { headers: i.headers });
      const res = await next(u, i);
      return res.status === 200 ? reply(await json(before), 200, res) : res;
    },
  },
  {
    name: 'an update answer that resets tz',
    check: MODEL,
    options: writes,
    handler: answer(
      (u, i, r) => is(u, ORG) && method(i) === 'PUT' && r.status === 200,
      (b) => ({ ...b, tz: b.tz === 'UTC' ? 'Europe/Kyiv' : 'UTC' }),
    ),
  },
  {
    name: "a GET that answers the parent's data",
    check: MODEL,
    handler: async (u, i, next) => {
      const res = await next(u, i);
      if (!(is(u, ORG) && method(i) === 'GET' && res.status === 200)) return res;
      const parent = (await json(res)).parentOrganizationId;
      if (parent === undefined) return res;
      const url = new URL(u);
      url.searchParams.set('orgId', String(parent));
      return next(url, i);
    },
  },
  {
    name: 'totalElements that ignores the query',
    check: MODEL,
    handler: async (u, i, next) => {
      const res = await next(u, i);
      if (!(is(u, SEARCH) && res.status === 200)) return res;
      const all = new URL(u);
      all.searchParams.set('query', '');
      return reply({ ...(await json(res)), totalElements: (await json(await next(all, i))).totalElements }, 200, res);
    },
  },
  {
    name: 'the query dropped when sortBy is given',
    check: MODEL,
    handler: ask((u) => is(u, SEARCH) && u.searchParams.has('sortBy'), params({ query: '' })),
  },
  {
    name: 'DESC built by reversing each ASC page',
    check: MODEL,
    handler: async (u, i, next) => {
      if (!(is(u, SEARCH) && u.searchParams.get('sortOrder') === 'DESC')) return next(u, i);
      const url = new URL(u);
      url.searchParams.set('sortOrder', 'ASC');
      const res = await next(url, i);
      const body = await json(res);
      return res.status === 200 ? reply({ ...body, content: [...body.content].reverse() }, 200, res) : res;
    },
  },
  {
    name: '"Sub Organizations" sorting by id',
    check: 'search_across_pages',
    handler: ask((u) => u.searchParams.get('sortBy') === 'Sub Organizations', params({ sortBy: 'Organization Id' })),
  },
  {
    name: '"Device Count" DESC built by reversing each ASC page',
    check: 'search_across_pages',
    handler: async (u, i, next) => {
      if (
        !(
          is(u, SEARCH) &&
          u.searchParams.get('sortOrder') === 'DESC' &&
          u.searchParams.get('sortBy') === 'Device Count'
        )
      )
        return next(u, i);
      const url = new URL(u);
      url.searchParams.set('sortOrder', 'ASC');
      const res = await next(url, i);
      const body = await json(res);
      return res.status === 200 ? reply({ ...body, content: [...body.content].reverse() }, 200, res) : res;
    },
  },
  {
    name: 'Name sorted case-sensitively',
    check: 'search_across_pages',
    handler: async (u, i, next) => {
      const res = await next(u, i);
      if (!(is(u, SEARCH) && u.searchParams.get('sortBy') === 'Name' && res.status === 200)) return res;
      const body = await json(res);
      const content = [...body.content].sort((a: any, b: any) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      return reply({ ...body, content }, 200, res);
    },
  },
  {
    name: 'a description of exactly 1000 characters refused',
    check: 'input_classes',
    options: writes,
    handler: async (u, i, next) =>
      is(u, CREATE) && bodyOf(i)?.description?.length === 1000
        ? reply(
            { error: { message: 'Organization description should be at most 1000 symbols without /, \\, < or >.' } },
            400,
          )
        : next(u, i),
  },
  {
    name: 'a body without Content-Type refused',
    check: MODEL,
    options: { ...writes, checks: [MODEL, 'input_classes'] },
    handler: async (u, i, next) =>
      is(u, CREATE) && !new Headers(i.headers).get('content-type')
        ? reply({ error: { message: 'Content-Type should be application/json.' } }, 400)
        : next(u, i),
  },
  {
    name: 'a rename below level 2 answered but not stored',
    check: 'stateful_sequences',
    options: writes,
    handler: async (u, i, next) => {
      if (!(is(u, ORG) && method(i) === 'PUT')) return next(u, i);
      const current = await next(u, { headers: i.headers });
      const org = await json(current);
      if (current.status !== 200 || org.parentOrganizationId === 1) return next(u, i);
      return reply({ ...org, name: bodyOf(i).name, lastModifiedTs: Date.now() }, 200, current);
    },
  },
  {
    name: 'lastModifiedTs three hours ahead on writes',
    check: MODEL,
    options: writes,
    handler: answer(
      (u, i, r) => (is(u, CREATE) || is(u, ORG)) && method(i) !== 'GET' && r.status < 300 && r.status !== 204,
      (b) => ({ ...b, lastModifiedTs: b.lastModifiedTs + 3 * 3_600_000 }),
    ),
  },
  {
    name: "another branch's token gets 404 on update, but the rename happens",
    check: MODEL,
    options: { ...withOther, otherToken: 'branch-admin-token' },
    handler: async (u, i, next) => {
      if (!(is(u, ORG) && method(i) === 'PUT' && otherAuth(i))) return next(u, i);
      await next(u, { ...i, headers: { ...ROOT_AUTH, 'content-type': 'application/json' } });
      return reply({ error: { message: "Organization is not found or you don't have access to it." } }, 404);
    },
  },
  {
    name: "another branch's token gets 404 on delete, but the delete happens",
    check: MODEL,
    options: { ...withOther, otherToken: 'branch-admin-token' },
    handler: async (u, i, next) => {
      if (!(is(u, ORG) && method(i) === 'DELETE' && otherAuth(i))) return next(u, i);
      await next(u, { ...i, headers: ROOT_AUTH });
      return reply(
        {
          error: {
            message: `Organization with identifier ${u.searchParams.get('orgId')} is not found or you don't have access to it.`,
          },
        },
        404,
      );
    },
  },
  {
    name: "the profile answers the parent's organization",
    check: MODEL,
    options: { token: 'branch-admin-token' },
    handler: async (u, i, next) =>
      is(u, '/api/v1/organization/profile') ? next(u, { ...i, headers: ROOT_AUTH }) : next(u, i),
  },
  {
    name: 'an update that applies the fields it should ignore',
    check: MODEL,
    options: { ...writes, checks: [MODEL, 'input_classes'] },
    handler: answer(
      (u, i, r) => is(u, ORG) && method(i) === 'PUT' && r.status === 200 && typeof bodyOf(i)?.tz === 'string',
      (b, _u, i) => ({ ...b, tz: bodyOf(i).tz }),
    ),
  },
  {
    name: 'a create filed under parentOrganizationId',
    check: 'writes_verified',
    options: { ...writes, checks: ['writes_verified', 'input_classes'] },
    handler: ask(
      (u, i) => is(u, CREATE) && typeof bodyOf(i)?.parentOrganizationId === 'number',
      editBody((b) => ({ ...b, parentId: b.parentOrganizationId })),
    ),
  },
  {
    name: 'an unknown refresh token answers invalid_request',
    check: 'oauth_grant_errors',
    handler: answer(
      (u, _i, r) =>
        is(u, TOKEN) && r.status === 400 && u.searchParams.get('refresh_token')?.includes('unknown') === true,
      (b) => ({ ...b, error: 'invalid_request' }),
    ),
  },
  {
    name: "the token's GET of the other branch's organization answers 200",
    check: MODEL,
    options: { otherToken: 'americas-admin-token', token: 'branch-admin-token', checks: [MODEL, 'visibility'] },
    handler: async (u, i, next) =>
      is(u, ORG) && method(i) === 'GET' && u.searchParams.get('orgId') === '5'
        ? next(u, { ...i, headers: ROOT_AUTH })
        : next(u, i),
  },
  {
    name: 'expires_in in milliseconds',
    check: 'oauth_token_works',
    handler: answer(
      (u, _i, r) => is(u, TOKEN) && r.status === 200,
      (b) => ({ ...b, expires_in: b.expires_in * 1000 }),
    ),
  },
  {
    name: 'a refresh that returns no new refresh token',
    check: 'oauth_refresh_once',
    handler: answer(
      (u, _i, r) => is(u, TOKEN) && r.status === 200 && String(u.searchParams.get('grant_type')) === 'refresh_token',
      (b) => ({ ...b, refresh_token: null }),
    ),
  },
  {
    name: 'client credentials in the query refused',
    check: 'oauth_token_works',
    handler: async (u, i, next) =>
      is(u, TOKEN) && u.searchParams.has('client_secret')
        ? reply({ error: 'invalid_client', error_description: 'Client ID is not found or password is wrong.' }, 400)
        : next(u, i),
  },
  {
    name: 'client credentials in a form body refused',
    check: 'oauth_token_works',
    handler: async (u, i, next) =>
      is(u, TOKEN) && typeof i.body === 'string' && i.body.includes('client_secret')
        ? reply({ error: 'invalid_client', error_description: 'Client ID is not found or password is wrong.' }, 400)
        : next(u, i),
  },
  {
    name: "the other token's profile answers the token's organization",
    check: 'visibility',
    options: { otherToken: 'americas-admin-token' },
    handler: async (u, i, next) =>
      is(u, '/api/v1/organization/profile') &&
      new Headers(i.headers).get('authorization') === 'Bearer americas-admin-token'
        ? next(u, { ...i, headers: ROOT_AUTH })
        : next(u, i),
  },
  {
    name: "another branch's search shows the token's organizations",
    check: MODEL,
    options: { otherToken: 'americas-admin-token', checks: [MODEL, 'visibility'] },
    handler: async (u, i, next) =>
      is(u, SEARCH) && new Headers(i.headers).get('authorization') === 'Bearer americas-admin-token'
        ? next(u, { ...i, headers: ROOT_AUTH })
        : next(u, i),
  },
  {
    name: "another branch's create under the token's organization accepted",
    check: 'visibility',
    options: { allowWrites: true, otherToken: 'americas-admin-token' },
    handler: async (u, i, next) =>
      is(u, CREATE) && new Headers(i.headers).get('authorization') === 'Bearer americas-admin-token'
        ? next(u, { ...i, headers: { ...ROOT_AUTH, 'content-type': 'application/json' } })
        : next(u, i),
  },
  {
    name: 'organizations answered without their never-set description, phoneNumber and address',
    check: 'response_schema_conformance',
    handler: answer(
      (u, i, r) => (is(u, ORG) || is(u, SEARCH) || is(u, PROFILE)) && method(i) === 'GET' && r.status === 200,
      (b) => (Array.isArray(b?.content) ? { ...b, content: b.content.map(dropNeverSet) } : dropNeverSet(b)),
    ),
  },
  {
    name: 'a create that stores phone numbers without dots and parentheses',
    check: MODEL,
    options: { ...writes, checks: [MODEL, 'input_classes'] },
    handler: ask(
      (u, i) => is(u, CREATE) && typeof bodyOf(i)?.phoneNumber === 'string',
      editBody((b) => ({ ...b, phoneNumber: b.phoneNumber.replace(/[().]/g, '') })),
    ),
  },
  {
    name: 'a name of exactly 100 characters refused on update',
    check: 'input_classes',
    options: writes,
    handler: async (u, i, next) =>
      is(u, ORG) && method(i) === 'PUT' && bodyOf(i)?.name?.length === 100
        ? reply({ error: { message: 'Organization name should be from 3 to 100 symbols.' } }, 400)
        : next(u, i),
  },
  {
    name: 'an update answer that drops the address city',
    check: MODEL,
    options: { ...writes, checks: [MODEL, 'input_classes'] },
    handler: answer(
      (u, i, r) => is(u, ORG) && method(i) === 'PUT' && r.status === 200,
      (b) => (b.address ? { ...b, address: { ...b.address, city: undefined } } : b),
    ),
  },
  (() => {
    // A GET of an organization updated before answers its phone number cleared.
    const renamed = new Set<string>();
    return {
      name: 'a GET after an update answers the phone number cleared',
      check: MODEL,
      options: { ...writes, checks: [MODEL, 'input_classes'] },
      handler: async (u: URL, i: RequestInit, next: (url: URL | string, init: RequestInit) => Promise<Response>) => {
        const res = await next(u, i);
        const id = u.searchParams.get('orgId') ?? '';
        if (is(u, ORG) && method(i) === 'PUT' && res.status === 200) renamed.add(id);
        if (!(is(u, ORG) && method(i) === 'GET' && res.status === 200 && renamed.has(id))) return res;
        return reply({ ...(await json(res)), phoneNumber: '' }, 200, res);
      },
    };
  })(),
  {
    name: 'a refreshed pair whose expires_in is in milliseconds',
    check: 'oauth_refresh_once',
    handler: answer(
      (u: URL, _i: RequestInit, r: Response) =>
        is(u, TOKEN) && r.status === 200 && u.searchParams.get('grant_type') === 'refresh_token',
      (b) => ({ ...b, expires_in: b.expires_in * 1000 }),
    ),
  },
  {
    name: 'a refreshed pair whose expires_in is in minutes',
    check: 'oauth_refresh_once',
    handler: answer(
      (u: URL, _i: RequestInit, r: Response) =>
        is(u, TOKEN) && r.status === 200 && u.searchParams.get('grant_type') === 'refresh_token',
      (b) => ({ ...b, expires_in: Math.round(b.expires_in / 60) }),
    ),
  },
  {
    name: 'a refreshed pair that says it expired (expires_in 0) yet works',
    check: 'oauth_refresh_once',
    handler: answer(
      (u: URL, _i: RequestInit, r: Response) =>
        is(u, TOKEN) && r.status === 200 && u.searchParams.get('grant_type') === 'refresh_token',
      (b) => ({ ...b, expires_in: 0 }),
    ),
  },
  {
    name: "an issued token's search answers 401",
    check: 'oauth_token_works',
    options: { token: 'root-admin-token' },
    handler: async (u, i, next) =>
      is(u, SEARCH) && issuedAuth(i)
        ? reply({ error: { message: 'Full authentication is required to access this resource.' } }, 401)
        : next(u, i),
  },
  {
    name: "an issued token's search ignores the query",
    check: MODEL,
    options: { token: 'root-admin-token', checks: [MODEL, 'oauth_token_works'] },
    handler: ask((u, i) => is(u, SEARCH) && issuedAuth(i), params({ query: '' })),
  },
  {
    name: "an issued token's update answers the old name",
    check: MODEL,
    options: { ...writes, token: 'root-admin-token', checks: [MODEL, 'oauth_token_works'] },
    handler: async (u, i, next) => {
      if (!(is(u, ORG) && method(i) === 'PUT' && issuedAuth(i))) return next(u, i);
      const before = await next(u, { headers: i.headers });
      const res = await next(u, i);
      return res.status === 200 ? reply(await json(before), 200, res) : res;
    },
  },
  {
    name: "an issued token's delete answers 204 and keeps the organization",
    check: MODEL,
    options: { ...writes, token: 'root-admin-token', checks: [MODEL, 'oauth_token_works'] },
    handler: async (u, i, next) =>
      is(u, ORG) && method(i) === 'DELETE' && issuedAuth(i) ? new Response(null, { status: 204 }) : next(u, i),
  },
  {
    name: "an issued token's create refused",
    check: 'oauth_token_works',
    options: { ...writes, token: 'root-admin-token' },
    handler: async (u, i, next) =>
      is(u, CREATE) && issuedAuth(i)
        ? reply({ error: { message: "You don't have permission to perform this action." } }, 403)
        : next(u, i),
  },
];

/** Hostile variants: the run must change no organization that existed before it and say what it left. */
export const HOSTILE: Variant[] = [
  {
    name: 'a create that answers an existing id',
    check: 'writes_verified',
    fullRun: true,
    options: { allowWrites: true },
    handler: answer(
      (u, _i, r) => is(u, CREATE) && r.status === 201,
      (b) => ({ ...b, id: 3 }),
    ),
  },
  {
    name: 'an update that ignores orgId',
    check: 'writes_verified',
    fullRun: true,
    options: { allowWrites: true },
    handler: ask((_u, i) => method(i) === 'PUT', params({ orgId: undefined })),
  },
  {
    name: 'a delete that answers 204 and keeps the organization',
    check: 'read_your_writes',
    fullRun: true,
    options: { allowWrites: true },
    handler: async (u, i, next) => (method(i) === 'DELETE' ? new Response(null, { status: 204 }) : next(u, i)),
  },
];
