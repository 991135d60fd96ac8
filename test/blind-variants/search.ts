/** Broken servers: search semantics across pages, orders, queries, totals and every sortBy. */
import {
  answers,
  type BlindVariant,
  blind,
  type Call,
  error,
  type Kit,
  type RequestChange,
  read,
  respond,
  searchAll,
} from './kit.ts';

const isSearch = (call: Call) => call.op === 'search';

/**
 * The search changed, only where the search sent was valid: invalid parameters are still refused as they
 * should be, so that the variant departs from one fact only.
 */
async function ifValid(kit: Kit, change: RequestChange): Promise<Response> {
  const original = await kit.next();
  return original.status === 200 ? kit.next(change) : original;
}

/** A search answered from the full result list, sliced by `pick` (start index) instead of page * size. */
async function sliced(call: Call, kit: Kit, start: (page: number, size: number) => number): Promise<Response> {
  const response = await kit.next();
  const s = call.search;
  if (response.status !== 200 || s.page < 1) return response;
  const answer = await read(response);
  const all = await searchAll(kit, call.token, s);
  const from = Math.max(0, start(s.page, s.size));
  return respond(200, { content: all.items.slice(from, from + s.size), totalElements: all.total }, answer.headers);
}

export const SEARCH: BlindVariant[] = [
  {
    name: 'search-desc-beyond-page0-is-asc',
    fact: '§3 Search: sortOrder DESC orders the whole result; here pages ≥ 1 of a DESC search hold the ASC slice.',
    wrap: blind(() => (call, kit) => {
      if (isSearch(call) && call.search.sortOrder === 'DESC' && call.search.page >= 1)
        return ifValid(kit, { query: { sortOrder: 'ASC' } });
      return kit.next();
    }),
  },
  {
    name: 'search-name-desc-reverses-each-asc-page',
    fact: '§3 Search: sortBy Name with sortOrder DESC; here each DESC page is the same ASC page reversed.',
    wrap: blind(() => async (call, kit) => {
      if (!isSearch(call) || call.search.sortBy !== 'Name' || call.search.sortOrder !== 'DESC') return kit.next();
      const answer = await read(await ifValid(kit, { query: { sortOrder: 'ASC' } }));
      if (answer.status !== 200) return respond(answer.status, answer.text, answer.headers);
      return respond(200, { ...answer.body, content: [...answer.body.content].reverse() }, answer.headers);
    }),
  },
  {
    name: 'search-default-size-20',
    fact: '§3 Search: size defaults to 50; here a search without size answers pages of 20.',
    wrap: blind(
      () => (call, kit) =>
        isSearch(call) && !call.query.has('size') ? ifValid(kit, { query: { size: '20' } }) : kit.next(),
    ),
  },
  {
    name: 'search-size-capped-at-100',
    fact: '§3 Search: size may be up to 1000; here any size over 100 silently answers 100 items.',
    wrap: blind(
      () => (call, kit) =>
        isSearch(call) && call.search.size > 100 ? ifValid(kit, { query: { size: '100' } }) : kit.next(),
    ),
  },
  {
    name: 'search-pages-one-based',
    fact: '§3 Search: page is 0-based (default 0); here page 1 repeats page 0 and every later page is one behind.',
    wrap: blind(
      () => (call, kit) =>
        isSearch(call) && call.search.page >= 1
          ? ifValid(kit, { query: { page: String(call.search.page - 1) } })
          : kit.next(),
    ),
  },
  {
    name: 'search-pages-overlap-by-one',
    fact: '§3 Search: page n holds items n·size … n·size+size−1; here every page ≥ 1 starts one item early.',
    wrap: blind(() => (call, kit) => (isSearch(call) ? sliced(call, kit, (p, s) => p * s - 1) : kit.next())),
  },
  {
    name: 'search-total-ignores-query',
    fact: '§2 SearchResult: totalElements counts the matches of the query; here it counts every visible organization.',
    wrap: answers(
      (call) => isSearch(call) && call.search.query !== '',
      async (a, call, kit) => {
        if (a.status !== 200) return undefined;
        const all = await kit.direct('GET', `/api/v1/organization/search?query=&size=1`, { token: call.token ?? null });
        return respond(200, { ...a.body, totalElements: all.body?.totalElements ?? a.body.totalElements }, a.headers);
      },
    ),
  },
  {
    name: 'search-total-is-page-length',
    fact: '§2 SearchResult: totalElements is the count of all matches; here it is the length of the page answered.',
    wrap: answers(isSearch, (a) =>
      a.status === 200 ? respond(200, { ...a.body, totalElements: a.body.content.length }, a.headers) : undefined,
    ),
  },
  {
    name: 'search-total-negative-when-nothing-matches',
    fact: '§2 SearchResult: totalElements is a count; here a query matching nothing answers totalElements -1.',
    wrap: answers(isSearch, (a) =>
      a.status === 200 && a.body.totalElements === 0
        ? respond(200, { ...a.body, totalElements: -1 }, a.headers)
        : undefined,
    ),
  },
  {
    name: 'search-sortby-name-ignored',
    fact: '§3 Search: sortBy Name sorts by name; here it answers the Organization Id order.',
    wrap: blind(
      () => (call, kit) =>
        isSearch(call) && call.search.sortBy === 'Name'
          ? ifValid(kit, { query: { sortBy: 'Organization Id' } })
          : kit.next(),
    ),
  },
  {
    name: 'search-sub-organizations-order-inverted',
    fact: '§3 Search: sortBy Sub Organizations with ASC/DESC; here ASC answers the DESC order and DESC the ASC one.',
    wrap: blind(
      () => (call, kit) =>
        isSearch(call) && call.search.sortBy === 'Sub Organizations'
          ? ifValid(kit, { query: { sortOrder: call.search.sortOrder === 'DESC' ? 'ASC' : 'DESC' } })
          : kit.next(),
    ),
  },
  {
    name: 'search-device-count-ignores-desc',
    fact: '§3 Search: sortOrder DESC with sortBy Device Count; here Device Count is always answered ascending.',
    wrap: blind(
      () => (call, kit) =>
        isSearch(call) && call.search.sortBy === 'Device Count'
          ? ifValid(kit, { query: { sortOrder: 'ASC' } })
          : kit.next(),
    ),
  },
  {
    name: 'search-user-count-desc-later-pages-asc',
    fact: '§3 Search: sortBy User Count DESC orders every page; here pages ≥ 1 of it come from the ASC order.',
    wrap: blind(
      () => (call, kit) =>
        isSearch(call) &&
        call.search.sortBy === 'User Count' &&
        call.search.sortOrder === 'DESC' &&
        call.search.page >= 1
          ? ifValid(kit, { query: { sortOrder: 'ASC' } })
          : kit.next(),
    ),
  },
  {
    name: 'search-default-order-desc',
    fact: '§3 Search: sortOrder defaults to ASC; here a search without sortOrder answers DESC.',
    wrap: blind(
      () => (call, kit) =>
        isSearch(call) && !call.query.has('sortOrder') ? ifValid(kit, { query: { sortOrder: 'DESC' } }) : kit.next(),
    ),
  },
  {
    name: 'search-apostrophe-query-finds-nothing',
    fact: "§3 Names may contain apostrophes and search matches names; here a query with ' answers no result.",
    wrap: answers(
      (call) => isSearch(call) && call.search.query.includes("'"),
      (a) => (a.status === 200 ? respond(200, { content: [], totalElements: 0 }, a.headers) : undefined),
    ),
  },
  {
    name: 'search-query-ignored-beyond-page0',
    fact: '§3 Search: query filters every page; here pages ≥ 1 hold unfiltered organizations (the total stays filtered).',
    wrap: blind(() => async (call, kit) => {
      if (!isSearch(call) || call.search.page < 1 || call.search.query === '') return kit.next();
      const filtered = await read(await kit.next());
      if (filtered.status !== 200) return respond(filtered.status, filtered.text, filtered.headers);
      const loose = await read(await ifValid(kit, { query: { query: '' } }));
      return respond(200, { content: loose.body.content, totalElements: filtered.body.totalElements }, loose.headers);
    }),
  },
  {
    name: 'search-query-dropped-with-desc',
    fact: '§3 Search: query applies in both orders; here a DESC search ignores the query (content and total).',
    wrap: blind(
      () => (call, kit) =>
        isSearch(call) && call.search.sortOrder === 'DESC' ? ifValid(kit, { query: { query: '' } }) : kit.next(),
    ),
  },
  {
    name: 'search-stale-names-after-rename',
    fact: '§3 Update renames the organization; here search keeps answering the name it had before the update.',
    wrap: blind(() => {
      const before = new Map<number, string>();
      return async (call, kit) => {
        if (call.op === 'update' && call.orgId !== undefined && !before.has(call.orgId)) {
          const old = await kit.direct('GET', `/api/v1/organization?orgId=${call.orgId}`);
          const response = await kit.next();
          if (response.status === 200 && old.status === 200) before.set(call.orgId, old.body.name);
          return response;
        }
        if (!isSearch(call) || before.size === 0) return kit.next();
        const a = await read(await kit.next());
        if (a.status !== 200) return respond(a.status, a.text, a.headers);
        const content = a.body.content.map((o: any) => (before.has(o.id) ? { ...o, name: before.get(o.id) } : o));
        return respond(200, { ...a.body, content }, a.headers);
      };
    }),
  },
  {
    name: 'search-query-misses-new-organizations',
    fact: '§4 A token sees its organization and all descendants; here a non-empty query never finds organizations created through the API.',
    wrap: blind(() => {
      const created = new Set<number>();
      return async (call, kit) => {
        const response = await kit.next();
        if (call.op === 'create' && response.status === 201) {
          const a = await read(response);
          created.add(a.body.id);
          return respond(201, a.body, a.headers);
        }
        if (!isSearch(call) || call.search.query === '' || response.status !== 200) return response;
        const a = await read(response);
        const content = a.body.content.filter((o: any) => !created.has(o.id));
        const hidden = a.body.content.length - content.length;
        return respond(200, { content, totalElements: a.body.totalElements - hidden }, a.headers);
      };
    }),
  },
  {
    name: 'search-keeps-deleted-organizations',
    fact: '§4 Deletion removes the organization; here a search whose query matches a deleted one still lists it on page 0.',
    wrap: blind(() => {
      const deleted = new Map<number, any>();
      return async (call, kit) => {
        if (call.op === 'delete' && call.orgId !== undefined) {
          const old = await kit.direct('GET', `/api/v1/organization?orgId=${call.orgId}`, {
            token: call.token ?? null,
          });
          const response = await kit.next();
          if (response.status === 204 && old.status === 200) deleted.set(call.orgId, old.body);
          return response;
        }
        if (!isSearch(call) || deleted.size === 0) return kit.next();
        const a = await read(await kit.next());
        const s = call.search;
        if (a.status !== 200 || s.page !== 0 || s.query === '') return respond(a.status, a.text, a.headers);
        const ghosts = [...deleted.values()].filter((o) => o.name.toLowerCase().includes(s.query.toLowerCase()));
        const room = s.size - a.body.content.length;
        if (!ghosts.length || room <= 0) return respond(200, a.body, a.headers);
        const extra = ghosts.slice(0, room);
        return respond(
          200,
          { content: [...a.body.content, ...extra], totalElements: a.body.totalElements + extra.length },
          a.headers,
        );
      };
    }),
  },
  {
    name: 'search-query-of-255-refused',
    fact: '§3 Search: query may be up to 255 characters; here 255 is refused with 400 (the limit is taken as 254).',
    wrap: blind(
      () => (call, kit) =>
        isSearch(call) && call.search.query.length === 255
          ? error(400, 'Query should be at most 254 characters.')
          : kit.next(),
    ),
  },
  {
    name: 'search-branch-sees-parent',
    fact: '§4 A token sees only its organization and descendants; here a search by a non-root token also lists its parent.',
    wrap: blind(() => async (call, kit) => {
      if (!isSearch(call) || !call.token) return kit.next();
      const a = await read(await kit.next());
      if (a.status !== 200) return respond(a.status, a.text, a.headers);
      const own = await kit.direct('GET', '/api/v1/organization/profile', { token: call.token });
      const parentId = own.body?.parentOrganizationId;
      const s = call.search;
      if (parentId === undefined || s.page !== 0) return respond(200, a.body, a.headers);
      const parent = await kit.direct('GET', `/api/v1/organization?orgId=${parentId}`);
      if (parent.status !== 200 || !parent.body.name.toLowerCase().includes(s.query.toLowerCase()))
        return respond(200, a.body, a.headers);
      const content = [parent.body, ...a.body.content].slice(0, s.size);
      return respond(200, { content, totalElements: a.body.totalElements + 1 }, a.headers);
    }),
  },
];
