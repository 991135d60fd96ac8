/**
 * A held-out set of broken servers, written blind after the first set (BLIND) became visible to the runner's
 * authors: each departs from one [doc] fact of the reference, departs differently from every variant of the
 * first set, and mostly only on a particular combination (a depth, a token, a page, a field pair, the Nth write).
 */
import {
  type BlindVariant,
  blind,
  type Call,
  eachOrg,
  error,
  isOrgOp,
  type Kit,
  ROOT_TOKEN,
  read,
  respond,
  searchAll,
} from './kit.ts';

const body = (call: Call): Record<string, any> =>
  call.json && typeof call.json === 'object' && !Array.isArray(call.json) ? call.json : {};
const notVisible = "Organization is not found or you don't have access to it.";
const deleteNotVisible = (id: number) =>
  `Organization with identifier ${id} is not found or you don't have access to it.`;
const parentNotVisible = "Parent organization is not found or you don't have access to it.";
const ROOT_ID = 1;

/** The organization of a token (by its profile), cached per token; undefined when the token is not valid. */
function tokenOrgs() {
  const cache = new Map<string, number>();
  return async (kit: Kit, token: string | undefined): Promise<number | undefined> => {
    if (!token) return undefined;
    if (cache.has(token)) return cache.get(token);
    const a = await kit.direct('GET', '/api/v1/organization/profile', { token });
    if (a.status !== 200) return undefined;
    cache.set(token, a.body.id);
    return a.body.id;
  };
}

/** Depths counted the vendor's way (root = 1), from a parent map refreshed when an id is unknown. */
function depths() {
  const parent = new Map<number, number | undefined>();
  const refresh = async (kit: Kit) => {
    const all = await searchAll(kit, ROOT_TOKEN, { query: '', sortBy: 'Organization Id', sortOrder: 'ASC' });
    for (const o of all.items) parent.set(o.id, o.parentOrganizationId);
  };
  return async (kit: Kit, id: number): Promise<number | undefined> => {
    if (!parent.has(id)) await refresh(kit);
    let depth = 0;
    let cur: number | undefined = id;
    while (cur !== undefined && depth < 50) {
      if (!parent.has(cur)) return undefined;
      depth++;
      cur = parent.get(cur);
    }
    return depth;
  };
}

/** A search answered from the whole result, kept or reordered by `pick`, paged as the call asked. */
async function repaged(
  call: Call,
  kit: Kit,
  like: Headers,
  pick: (items: any[]) => Promise<any[]> | any[],
  order?: { sortBy: string; sortOrder: string },
): Promise<Response> {
  const s = call.search;
  const all = await searchAll(kit, call.token, {
    query: s.query,
    sortBy: order?.sortBy ?? s.sortBy,
    sortOrder: order?.sortOrder ?? s.sortOrder,
  });
  const kept = await pick(all.items);
  return respond(
    200,
    { content: kept.slice(s.page * s.size, (s.page + 1) * s.size), totalElements: kept.length },
    like,
  );
}

/**
 * Reads of organizations created through the API whose create body met `when`: every answer carrying them
 * (create's own, get, search, update, profile) goes through `fn`.
 */
const createdReads = (when: (b: Record<string, any>, nth: number) => boolean, fn: (org: any) => any) =>
  blind(() => {
    const marked = new Set<number>();
    let creates = 0;
    return async (call, kit) => {
      const response = await kit.next();
      if (!isOrgOp(call.op) || response.status >= 300) return response;
      const a = await read(response);
      if (call.op === 'create' && a.status === 201 && typeof a.body?.id === 'number') {
        creates++;
        if (when(body(call), creates)) marked.add(a.body.id);
      }
      if (marked.size === 0) return respond(a.status, a.text, a.headers);
      return respond(
        a.status,
        eachOrg(a.body, (o) => (marked.has(o.id) ? fn(o) : o)),
        a.headers,
      );
    };
  });

/** A search answer changed when the mock answered the (valid) search with 200. */
const searchAnswer = (change: (a: any, call: Call) => any | undefined) =>
  blind(() => async (call, kit) => {
    const response = await kit.next();
    if (call.op !== 'search' || response.status !== 200) return response;
    const a = await read(response);
    const out = change(a.body, call);
    return respond(200, out ?? a.body, a.headers);
  });

/** The token request's parameters, query first, then a form body. */
function params(call: Call): URLSearchParams {
  const out = new URLSearchParams(call.query);
  if ((call.header('content-type') ?? '').startsWith('application/x-www-form-urlencoded'))
    for (const [k, v] of new URLSearchParams(call.bodyText)) if (!out.has(k)) out.set(k, v);
  return out;
}
const hasBasic = (call: Call) => /^Basic /i.test(call.header('authorization') ?? '');
const SECRETS: Record<string, string> = { 'root-client': 'root-secret', 'noscope-client': 'noscope-secret' };
const basicOf = (id: string) => `Basic ${Buffer.from(`${id}:${SECRETS[id]}`).toString('base64')}`;
/** The client a token request authenticates as (Basic first), or undefined. */
function clientOf(call: Call): string | undefined {
  const m = /^Basic\s+(.+)$/i.exec(call.header('authorization') ?? '');
  if (m?.[1]) return Buffer.from(m[1], 'base64').toString('utf8').split(':')[0];
  return params(call).get('client_id') ?? undefined;
}

export const HOLDOUT: BlindVariant[] = [
  {
    name: 'holdout-update-answer-depth3-parent-is-root',
    fact: '§2 parentOrganizationId names the parent; here the update answer of an organization at depth 3 names the root instead (get and search are right).',
    wrap: blind(() => {
      const depth = depths();
      return async (call, kit) => {
        const response = await kit.next();
        if (call.op !== 'update' || response.status !== 200) return response;
        const a = await read(response);
        if ((await depth(kit, a.body.id)) !== 3) return respond(200, a.body, a.headers);
        return respond(200, { ...a.body, parentOrganizationId: ROOT_ID }, a.headers);
      };
    }),
  },
  {
    name: 'holdout-search-depth4-omits-parent',
    fact: '§2 parentOrganizationId is absent on the root only; here search answers organizations at depth 4 without it (get keeps it).',
    wrap: blind(() => {
      const depth = depths();
      return async (call, kit) => {
        const response = await kit.next();
        if (call.op !== 'search' || response.status !== 200) return response;
        const a = await read(response);
        const content = [];
        for (const o of a.body.content) {
          if ((await depth(kit, o.id)) === 4) {
            const { parentOrganizationId: _p, ...rest } = o;
            content.push(rest);
          } else content.push(o);
        }
        return respond(200, { ...a.body, content }, a.headers);
      };
    }),
  },
  {
    name: 'holdout-create-with-parentid-answers-token-org',
    fact: '§2/§3 Create with parentId makes a child of that parent; here the 201 answer names the token’s organization as parent (what is stored is right).',
    wrap: blind(() => {
      const orgOf = tokenOrgs();
      return async (call, kit) => {
        const response = await kit.next();
        if (call.op !== 'create' || response.status !== 201 || typeof body(call).parentId !== 'number') return response;
        const a = await read(response);
        const own = await orgOf(kit, call.token);
        if (own === undefined || own === a.body.parentOrganizationId) return respond(201, a.body, a.headers);
        return respond(201, { ...a.body, parentOrganizationId: own }, a.headers);
      };
    }),
  },
  {
    name: 'holdout-delete-leaf-with-devices-allowed',
    fact: '§4 Delete of an organization that still has devices is refused with 400; here a leaf with devices answers 204 and is gone from then on.',
    wrap: blind(() => {
      const orgOf = tokenOrgs();
      const hidden = new Set<number>();
      return async (call, kit) => {
        const id = call.orgId;
        if (hidden.size > 0 && id !== undefined && hidden.has(id)) {
          if (call.op === 'get' || call.op === 'update') {
            const check = await kit.next();
            return check.status === 200 ? error(404, notVisible, check.headers) : check;
          }
          if (call.op === 'delete') {
            const check = await kit.direct('GET', `/api/v1/organization?orgId=${id}`, { token: call.token ?? null });
            return check.status === 200 ? error(404, deleteNotVisible(id)) : kit.next();
          }
        }
        if (call.op === 'create' && hidden.has(body(call).parentId)) {
          const check = await kit.direct('GET', `/api/v1/organization/profile`, { token: call.token ?? null });
          if (check.status === 200) return error(404, parentNotVisible);
        }
        const response = await kit.next();
        if (call.op === 'search' && response.status === 200 && hidden.size > 0)
          return repaged(call, kit, response.headers, (items) => items.filter((o) => !hidden.has(o.id)));
        if (call.op !== 'delete' || response.status !== 400 || id === undefined || id === ROOT_ID) return response;
        // Refused for devices: visible to the token, not its own, no sub-organizations.
        const own = await orgOf(kit, call.token);
        const seen = await kit.direct('GET', `/api/v1/organization?orgId=${id}`, { token: call.token ?? null });
        if (own === undefined || own === id || seen.status !== 200) return response;
        const all = await searchAll(kit, ROOT_TOKEN, { query: '', sortBy: 'Organization Id', sortOrder: 'ASC' });
        if (all.items.some((o) => o.parentOrganizationId === id && !hidden.has(o.id))) return response;
        hidden.add(id);
        return new Response(null, { status: 204 });
      };
    }),
  },
  {
    name: 'holdout-oauth-refresh-without-client-auth',
    fact: '§5 A refresh needs the same client authentication; here a refresh token sent with no client credentials at all is honoured.',
    wrap: blind(() => async (call, kit) => {
      const response = await kit.next();
      const p = params(call);
      if (call.op !== 'token' || p.get('grant_type') !== 'refresh_token' || response.status === 200) return response;
      if (hasBasic(call) || p.has('client_id') || !p.get('refresh_token')) return response;
      for (const id of Object.keys(SECRETS)) {
        const again = await kit.next({ headers: { authorization: basicOf(id) } });
        if (again.status === 200) return again;
      }
      return response;
    }),
  },
  {
    name: 'holdout-oauth-query-wrong-secret-accepted',
    fact: '§5 A wrong secret gives 400 invalid_client; here a known client id sent as a query parameter is accepted whatever its secret.',
    wrap: blind(() => async (call, kit) => {
      const response = await kit.next();
      const id = call.query.get('client_id');
      if (call.op !== 'token' || hasBasic(call) || response.status !== 400 || !id || !(id in SECRETS)) return response;
      if (!call.query.has('client_secret')) return response;
      const again = await kit.next({ query: { client_secret: SECRETS[id] as string } });
      return again.status === 200 ? again : response;
    }),
  },
  {
    name: 'holdout-oauth-second-grant-same-pair',
    fact: '§5 The client-credentials grant returns a new access token and refresh token; here every grant after a client’s first answers that first pair again.',
    wrap: blind(() => {
      const first = new Map<string, any>();
      return async (call, kit) => {
        const response = await kit.next();
        if (call.op !== 'token' || response.status !== 200 || params(call).get('grant_type') !== 'client_credentials')
          return response;
        const client = clientOf(call) ?? '';
        const a = await read(response);
        if (!first.has(client)) first.set(client, a.body);
        return respond(200, first.get(client), a.headers);
      };
    }),
  },
  {
    name: 'holdout-oauth-refresh-token-type-lowercase',
    fact: '§2 OAuth2Token.token_type is "Bearer"; here a refresh (only) answers "bearer".',
    wrap: blind(() => async (call, kit) => {
      const response = await kit.next();
      if (call.op !== 'token' || response.status !== 200 || params(call).get('grant_type') !== 'refresh_token')
        return response;
      const a = await read(response);
      return respond(200, { ...a.body, token_type: 'bearer' }, a.headers);
    }),
  },
  {
    name: 'holdout-get-bumps-lastmodified',
    fact: '§2 lastModifiedTs is the time of the last change; here each get of an organization moves it one second later (in every later answer).',
    wrap: blind(() => {
      const bump = new Map<number, number>();
      return async (call, kit) => {
        const response = await kit.next();
        if (!isOrgOp(call.op) || response.status !== 200) return response;
        const a = await read(response);
        if (call.op === 'get' && typeof a.body?.id === 'number') bump.set(a.body.id, (bump.get(a.body.id) ?? 0) + 1000);
        if (bump.size === 0) return respond(200, a.text, a.headers);
        const out = eachOrg(a.body, (o) =>
          bump.has(o.id) ? { ...o, lastModifiedTs: o.lastModifiedTs + bump.get(o.id)! } : o,
        );
        return respond(200, out, a.headers);
      };
    }),
  },
  {
    name: 'holdout-branch-search-misses-grandchildren',
    fact: '§4 A token sees its organization and all its descendants; here a search by a non-root token lists only itself and its direct children (get still answers the deeper ones).',
    wrap: blind(() => {
      const orgOf = tokenOrgs();
      return async (call, kit) => {
        const response = await kit.next();
        if (call.op !== 'search' || response.status !== 200) return response;
        const own = await orgOf(kit, call.token);
        if (own === undefined || own === ROOT_ID) return response;
        return repaged(call, kit, response.headers, (items) =>
          items.filter((o) => o.id === own || o.parentOrganizationId === own),
        );
      };
    }),
  },
  {
    name: 'holdout-branch-get-grandchild-404',
    fact: '§4 A token sees all its descendants; here get by a non-root token answers 404 for organizations two or more levels below its own (search lists them).',
    wrap: blind(() => {
      const orgOf = tokenOrgs();
      const depth = depths();
      return async (call, kit) => {
        const response = await kit.next();
        if (call.op !== 'get' || response.status !== 200 || call.orgId === undefined) return response;
        const own = await orgOf(kit, call.token);
        if (own === undefined || own === ROOT_ID) return response;
        const [d, ownD] = [await depth(kit, call.orgId), await depth(kit, own)];
        return d !== undefined && ownD !== undefined && d - ownD >= 2
          ? error(404, notVisible, response.headers)
          : response;
      };
    }),
  },
  {
    name: 'holdout-update-without-orgid-renames-root',
    fact: '§3 Update without orgId renames the token’s own organization; here, for a non-root token, it renames (and answers) the root.',
    wrap: blind(() => {
      const orgOf = tokenOrgs();
      return async (call, kit) => {
        if (call.op !== 'update' || call.query.has('orgId')) return kit.next();
        const own = await orgOf(kit, call.token);
        if (own === undefined || own === ROOT_ID) return kit.next();
        return kit.next({ headers: { authorization: `Bearer ${ROOT_TOKEN}` } });
      };
    }),
  },
  {
    name: 'holdout-non-ascii-description-stripped-on-reads',
    fact: '§2/§3 description is stored as sent; here a description with non-ASCII letters is echoed by the create but get and search answer it without them.',
    wrap: blind(() => {
      const marked = new Set<number>();
      return async (call, kit) => {
        const response = await kit.next();
        if (call.op === 'create' && response.status === 201) {
          const d = body(call).description;
          const a = await read(response);
          if (typeof d === 'string' && /[^\p{ASCII}]/u.test(d)) marked.add(a.body.id);
          return respond(201, a.body, a.headers);
        }
        if ((call.op !== 'get' && call.op !== 'search') || response.status !== 200 || marked.size === 0)
          return response;
        const a = await read(response);
        const strip = (o: any) =>
          marked.has(o.id) && typeof o.description === 'string'
            ? { ...o, description: o.description.replace(/[^\p{ASCII}]/gu, '') }
            : o;
        return respond(200, eachOrg(a.body, strip), a.headers);
      };
    }),
  },
  {
    name: 'holdout-address-city-country-swapped',
    fact: '§2 Address fields are stored as sent; here an organization created with both city and country reads back with the two swapped.',
    wrap: createdReads(
      (b) => typeof b.address?.city === 'string' && typeof b.address?.country === 'string',
      (o) => (o.address ? { ...o, address: { ...o.address, city: o.address.country, country: o.address.city } } : o),
    ),
  },
  {
    name: 'holdout-phone-lost-when-address-given',
    fact: '§2/§3 phoneNumber is stored as sent; here a create giving both a phone number and an address answers and reads the number as "".',
    wrap: createdReads(
      (b) => typeof b.phoneNumber === 'string' && b.phoneNumber !== '' && b.address != null,
      (o) => ({ ...o, phoneNumber: '' }),
    ),
  },
  {
    name: 'holdout-creates-after-fourth-drop-description',
    fact: '§2/§3 description is stored as sent; here every create after a run’s fourth answers and reads it as "".',
    wrap: createdReads(
      (b, nth) => nth > 4 && typeof b.description === 'string' && b.description !== '',
      (o) => ({ ...o, description: '' }),
    ),
  },
  {
    name: 'holdout-search-lastmodified-whole-seconds',
    fact: '§2 lastModifiedTs is epoch milliseconds of the last change; here search (only) answers it rounded down to the second, so it disagrees with get.',
    wrap: searchAnswer((b) => ({
      ...b,
      content: b.content.map((o: any) => ({ ...o, lastModifiedTs: Math.floor(o.lastModifiedTs / 1000) * 1000 })),
    })),
  },
  {
    name: 'holdout-search-omits-imperial-unit-system',
    fact: '§2 Organization.unitSystem is IMPERIAL or METRIC; here search leaves it out of IMPERIAL organizations (get answers it).',
    wrap: searchAnswer((b) => ({
      ...b,
      content: b.content.map((o: any) => {
        if (o.unitSystem !== 'IMPERIAL') return o;
        const { unitSystem: _u, ...rest } = o;
        return rest;
      }),
    })),
  },
  {
    name: 'holdout-profile-lastmodified-now',
    fact: '§2 lastModifiedTs is the time of the last change; here profile answers the time of the request (get answers the stored one).',
    wrap: blind(() => async (call, kit) => {
      const response = await kit.next();
      if (call.op !== 'profile' || response.status !== 200) return response;
      const a = await read(response);
      return respond(200, { ...a.body, lastModifiedTs: Date.now() }, a.headers);
    }),
  },
  {
    name: 'holdout-search-user-count-with-query-by-id',
    fact: '§3 Search: sortBy User Count orders the result; here, when a non-empty query is given, the result comes in id order.',
    wrap: blind(() => async (call, kit) => {
      const response = await kit.next();
      if (call.op !== 'search' || response.status !== 200) return response;
      const s = call.search;
      if (s.sortBy !== 'User Count' || s.query === '') return response;
      return repaged(call, kit, response.headers, (items) => items, {
        sortBy: 'Organization Id',
        sortOrder: s.sortOrder,
      });
    }),
  },
  {
    name: 'holdout-search-total-plus-one-beyond-page0',
    fact: '§2 SearchResult.totalElements counts the matches; here pages ≥ 1 answer one more than page 0.',
    wrap: searchAnswer((b, call) => (call.search.page >= 1 ? { ...b, totalElements: b.totalElements + 1 } : undefined)),
  },
  {
    name: 'holdout-search-name-desc-later-pages-drop-last',
    fact: '§3 Search pages hold size items each; here pages ≥ 1 of a Name DESC search lose their last item.',
    wrap: searchAnswer((b, call) => {
      const s = call.search;
      return s.sortBy === 'Name' && s.sortOrder === 'DESC' && s.page >= 1 && b.content.length > 0
        ? { ...b, content: b.content.slice(0, -1) }
        : undefined;
    }),
  },
  {
    name: 'holdout-get-created-kyiv-as-kiev',
    fact: '§2/§3 tz is stored as given (or inherited); here get answers Europe/Kiev for organizations created through the API in Europe/Kyiv (the create answer and search say Europe/Kyiv).',
    wrap: blind(() => {
      const created = new Set<number>();
      return async (call, kit) => {
        const response = await kit.next();
        if (call.op === 'create' && response.status === 201) {
          const a = await read(response);
          created.add(a.body.id);
          return respond(201, a.body, a.headers);
        }
        if (call.op !== 'get' || response.status !== 200 || call.orgId === undefined || !created.has(call.orgId))
          return response;
        const a = await read(response);
        return a.body.tz === 'Europe/Kyiv'
          ? respond(200, { ...a.body, tz: 'Europe/Kiev' }, a.headers)
          : respond(200, a.body, a.headers);
      };
    }),
  },
];
