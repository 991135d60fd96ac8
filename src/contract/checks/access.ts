/** Who may see what: authentication, visibility across tokens, unknown ids, time and OAuth. */
import type { Exchange } from '../client.ts';
import { type CheckContext, scenario } from '../context.ts';
import { fieldsOf } from '../json.ts';
import { type Finding, Skip } from '../model.ts';
import { bearer, refused, request, send, statusLine, UNLIKELY_ID } from './support.ts';

const AUTH_VARIANTS: Array<{ key: string; header?: string; label: string }> = [
  { key: 'missingToken', label: 'no Authorization header' },
  { key: 'malformedHeader', header: 'Bearer', label: 'a malformed Authorization header' },
  { key: 'unknownToken', header: 'Bearer orgs-mock-contract-unknown-token', label: 'an unknown token' },
];

/**
 * The challenge says whether a token was sent (RFC 6750 §3.1): `error="invalid_token"` for an unknown token,
 * none without a token. (The header's shape is response_headers_conformance's.)
 */
function challengeProblems(ctx: CheckContext, e: Exchange, key: string): Finding[] {
  const challenge = e.response.headers.get('www-authenticate');
  if (e.response.status !== 401 || challenge === null || !['missingToken', 'unknownToken'].includes(key)) return [];
  const says = /error="invalid_token"/.test(challenge);
  if (says === (key === 'unknownToken')) return [];
  const header = ctx.spec.op(e.request.operationId).responses['401']?.headers?.['WWW-Authenticate'];
  const pointer = `${ctx.spec.pointerOf(ctx.spec.op(e.request.operationId).responses['401'])}/headers/WWW-Authenticate`;
  return [
    ctx.finding({
      operation: e.request.operationId,
      expected:
        key === 'unknownToken'
          ? 'WWW-Authenticate with error="invalid_token" (a token was sent, and it is bad)'
          : 'WWW-Authenticate without an error (no token was sent)',
      actual: challenge,
      specLocation: pointer,
      severity: header ? ctx.spec.severityAt(pointer) : 'fidelity',
      exchange: e,
    }),
  ];
}

export const authRequired = scenario(
  'auth_required',
  'Every operation without a valid Bearer token answers 401 (with a WWW-Authenticate challenge, checked by response_headers_conformance). Writes are tried only with --allow-writes, on organizations of the run.',
  [],
  async (ctx) => {
    const out: Finding[] = [];
    let target: number | undefined;
    for (const op of ctx.spec.operations.filter((o) => o.bearer)) {
      const query: Record<string, string> = {};
      if (op.method !== 'get') {
        if (!ctx.allowWrites || ctx.sandbox.writesUnavailable) continue;
        if (op.parameters.some((p) => p.name === 'orgId')) {
          target ??= (
            await ctx.sandbox.create(
              { name: ctx.sandbox.name('Auth target'), parentId: ctx.organizationId },
              ctx.organizationId,
            )
          ).id;
          if (target === undefined) continue;
          query.orgId = String(target);
        }
      } else {
        for (const p of op.parameters.filter((x) => x.in === 'query' && x.required))
          query[p.name] = p.name === 'orgId' ? String(ctx.organizationId) : String(p.example ?? '');
      }
      for (const variant of AUTH_VARIANTS) {
        const req = request(
          ctx,
          op.operationId,
          query,
          op.method === 'post' ? {} : op.method === 'put' ? { name: ctx.sandbox.name('Unauthorized') } : undefined,
          null,
        );
        if (variant.header) req.headers = { Authorization: variant.header };
        // Writes without a token go through the sandbox's guard too: only ids of the run, updates only once probed.
        let e: Exchange;
        if (op.method === 'delete' && target !== undefined) e = await ctx.sandbox.delete(target, req.headers);
        else if (op.method === 'put' && target !== undefined) {
          const put = await ctx.sandbox.update(target, req.body, req.headers ?? {});
          if (typeof put === 'string') continue;
          e = put;
        } else e = await send(ctx, req);
        out.push(
          ...refused(
            ctx,
            e,
            ctx.spec.refusal(op.operationId, variant.key) ?? {
              key: variant.key,
              status: 401,
              pointer: `${ctx.spec.operationPointer(op.operationId)}/responses/401`,
              ruleSeverity: 'contract',
              statusSeverity: 'contract',
              messageSeverity: 'fidelity',
            },
            {},
            variant.label,
          ),
        );
        out.push(...challengeProblems(ctx, e, variant.key));
      }
    }
    return out;
  },
);

export const unknownIdNotFound = scenario(
  'unknown_id_not_found',
  'An id that does not exist answers 404 with the documented message: GET on an unlikely id; with --allow-writes, get, update and delete of an organization the run created and deleted.',
  [],
  async (ctx) => {
    const out: Finding[] = [];
    const e = await send(ctx, request(ctx, 'getOrganization', { orgId: String(UNLIKELY_ID) }));
    out.push(...refused(ctx, e, ctx.spec.refusal('getOrganization', 'notVisible')));
    if (!ctx.allowWrites || ctx.sandbox.writesUnavailable) return out;
    const { id } = await ctx.sandbox.create(
      { name: ctx.sandbox.name('Deleted'), parentId: ctx.organizationId },
      ctx.organizationId,
    );
    if (id === undefined) return out;
    const { removed } = await ctx.sandbox.deleteConfirmed(id);
    if (!removed) return out;
    // The id is gone (GET answered 404); the run still regards it as its own for these two refusals.
    ctx.sandbox.owned.set(id, { id, name: '(deleted)', parentId: ctx.organizationId });
    try {
      const put = await ctx.sandbox.update(id, { name: ctx.sandbox.name('Ghost') });
      if (typeof put !== 'string') out.push(...refused(ctx, put, ctx.spec.refusal('updateOrganization', 'notVisible')));
      const del = await ctx.sandbox.delete(id);
      out.push(
        ...refused(ctx, del, ctx.spec.refusal('deleteOrganization', 'notVisible'), {
          orgId: id,
        }),
      );
    } finally {
      const still = await send(ctx, ctx.sandbox.getRequest(id));
      if (still.response.status === 404) ctx.sandbox.owned.delete(id);
    }
    return out;
  },
);

/**
 * The other token sees its organization and all its descendants, at every depth. When its organization lies
 * in the model (the token is an ancestor of it), the model holds that subtree: a search paged through to one
 * page past the end or to a short one (two pages, by the exactly known key) and a GET of one organization of
 * every level below it are sent with the other token, each answer judged by the model (answers_match_model).
 * Outside the model nothing is sent here: the model cannot tell what it sees.
 */
async function otherSubtreeReads(ctx: CheckContext, other: string, otherOrg: number): Promise<void> {
  if (!ctx.model.orgs.has(otherOrg)) return;
  const levels: number[][] = [];
  for (let level = [otherOrg]; level.length > 0; ) {
    const next = level.flatMap((id) => ctx.model.children(id)).sort((a, b) => a - b);
    if (next.length > 0) levels.push(next);
    level = next;
  }
  const size = Math.max(1, Math.ceil((levels.flat().length + 1) / 2));
  const byId = Object.keys(ctx.model.rules.sortKeys).find((k) => ctx.model.rules.sortKeys[k] === 'id');
  const sort = byId ? { sortBy: byId } : {};
  for (let page = 0; page <= 4; page++) {
    const e = await send(
      ctx,
      request(
        ctx,
        'searchOrganizations',
        { query: '', size: String(size), page: String(page), ...sort },
        undefined,
        other,
      ),
    );
    const items = fieldsOf(e.response.body)?.content;
    // A short page is the last (the model predicts its size); a full one may have more after it.
    if (e.response.status !== 200 || !Array.isArray(items) || items.length < size) break;
  }
  for (const [id] of levels)
    if (id !== undefined) await send(ctx, request(ctx, 'getOrganization', { orgId: String(id) }, undefined, other));
}

export const visibility = scenario(
  'visibility',
  "With --other-token (an organization that is not an ancestor of the token's): the token's organization and the run's own ones answer the other token 404 with the documented message on get, update and delete — never 403, never 200.",
  ['other-token'],
  async (ctx) => {
    const other = ctx.otherToken;
    if (other === undefined) throw new Skip('needs --other-token'); // the runner skips it before, without one
    const out: Finding[] = [];
    const profile = await send(ctx, request(ctx, 'getCurrentOrganization', {}, undefined, other));
    const otherOrg = fieldsOf(profile.response.body)?.id;
    // A profile that does not answer the other token's organization is a finding, not a reason to skip.
    if (profile.response.status !== 200 || typeof otherOrg !== 'number' || otherOrg === ctx.organizationId)
      return [
        ctx.finding({
          operation: 'getCurrentOrganization',
          expected: "200 with the other token's own organization (not the --token's)",
          actual:
            otherOrg === ctx.organizationId
              ? `organization ${otherOrg}, the --token's own (if both tokens belong to one organization, give --other-token of another)`
              : statusLine(profile),
          specLocation: ctx.spec.operationPointer('getCurrentOrganization'),
          exchange: profile,
        }),
      ];
    const probe = async (e: Exchange, operationId: string, values: Record<string, number> = {}) =>
      out.push(
        ...refused(ctx, e, ctx.spec.refusal(operationId, 'notVisible'), values, "outside the other token's subtree"),
      );
    const first = await send(
      ctx,
      request(ctx, 'getOrganization', { orgId: String(ctx.organizationId) }, undefined, other),
    );
    await probe(first, 'getOrganization');
    // The other organization with the token: the model predicts 404 unless it lies in the token's subtree.
    const seen = await send(ctx, request(ctx, 'getOrganization', { orgId: String(otherOrg) }));
    if (first.response.status === 200) {
      // Either the server ignores visibility, or the other organization is an ancestor: the token sees its descendants only.
      const last = out[out.length - 1];
      if (last && seen.response.status !== 200)
        last.actual += ` (organization ${otherOrg} of --other-token is not visible to --token, so it may be an ancestor: give a token of a sibling or a descendant)`;
    }
    // Search with the other token: the model predicts it shows none of the token's organizations.
    await send(ctx, request(ctx, 'searchOrganizations', { query: '', size: '1000' }, undefined, other));
    await send(
      ctx,
      request(ctx, 'searchOrganizations', { query: String(ctx.ownOrganization.name ?? '') }, undefined, other),
    );
    await otherSubtreeReads(ctx, other, otherOrg);
    if (!ctx.allowWrites || ctx.sandbox.writesUnavailable) return out;
    // A create by the other token under the token's organization: 404, and nothing is created.
    const foreign = await send(
      ctx,
      request(
        ctx,
        'createOrganization',
        {},
        { name: ctx.sandbox.name('Foreign'), parentId: ctx.organizationId },
        other,
      ),
    );
    out.push(
      ...refused(
        ctx,
        foreign,
        ctx.spec.refusal('createOrganization', 'parentNotVisible'),
        {},
        "a parent outside the other token's subtree",
      ),
    );
    // A create of the token under the other organization, when it lies outside the token's subtree: 404.
    if (ctx.model.whole && !ctx.model.orgs.has(otherOrg)) {
      const under = await ctx.sandbox.create({ name: ctx.sandbox.name('Outside'), parentId: otherOrg }, otherOrg);
      out.push(
        ...refused(
          ctx,
          under.exchange,
          ctx.spec.refusal('createOrganization', 'parentNotVisible'),
          {},
          "a parent outside the token's subtree",
        ),
      );
    }
    const { id } = await ctx.sandbox.create(
      { name: ctx.sandbox.name('Hidden'), parentId: ctx.organizationId },
      ctx.organizationId,
    );
    if (id === undefined) return out;
    await probe(
      await send(ctx, request(ctx, 'getOrganization', { orgId: String(id) }, undefined, other)),
      'getOrganization',
    );
    const put = await ctx.sandbox.update(id, { name: ctx.sandbox.name('Hidden renamed') }, bearer(other));
    if (typeof put !== 'string') await probe(put, 'updateOrganization');
    await probe(await ctx.sandbox.delete(id, bearer(other)), 'deleteOrganization', { orgId: id });
    return out;
  },
);

export const timeInMilliseconds = scenario(
  'time_in_milliseconds',
  "lastModifiedTs is Unix epoch milliseconds: not in the future of the server's Date header, and (for what the run creates) within a day of it.",
  [],
  async (ctx) => {
    const out: Finding[] = [];
    const check = (e: Exchange, fresh: boolean) => {
      const ts = fieldsOf(e.response.body)?.lastModifiedTs;
      if (typeof ts !== 'number') return;
      const date = Date.parse(e.response.headers.get('date') ?? '');
      const now = Number.isNaN(date) ? Date.now() : date;
      const schema =
        ctx.spec.op('getOrganization').responses['200']?.content?.['application/json']?.schema?.properties
          ?.lastModifiedTs;
      const where = ctx.spec.pointerOf(schema);
      const DAY = 86_400_000;
      if (ts < 1e11)
        out.push(
          ctx.finding({
            operation: e.request.operationId,
            expected: 'lastModifiedTs in milliseconds',
            actual: `${ts} (seconds?)`,
            specLocation: where,
            exchange: e,
          }),
        );
      else if (ts > now + DAY || (fresh && Math.abs(now - ts) > DAY))
        out.push(
          ctx.finding({
            operation: e.request.operationId,
            expected: `within a day of the Date header (${new Date(now).toISOString()})`,
            actual: `${ts} = ${new Date(ts).toISOString()}`,
            specLocation: where,
            exchange: e,
          }),
        );
    };
    check(await send(ctx, request(ctx, 'getCurrentOrganization')), false);
    if (ctx.allowWrites && !ctx.sandbox.writesUnavailable) {
      const { exchange, id } = await ctx.sandbox.create(
        { name: ctx.sandbox.name('Clock'), parentId: ctx.organizationId },
        ctx.organizationId,
      );
      if (id !== undefined) check(exchange, true);
    }
    return out;
  },
);

/** The documented ways a client authenticates at the token endpoint: HTTP Basic, or its id and secret as parameters. */
type ClientAuth = 'basic' | 'query' | 'form';

function tokenRequest(
  ctx: CheckContext,
  params: Record<string, string>,
  credentials = ctx.credentials,
  how: ClientAuth = 'basic',
) {
  // The checks that send it require a client: the runner skips them before, without one.
  if (!credentials) throw new Skip('needs --client-id and --client-secret');
  const op = ctx.spec.operations.find((o) => !o.bearer) ?? ctx.spec.op('issueToken');
  const base = { operationId: op.operationId, method: 'POST', path: op.path };
  const client = { client_id: credentials.clientId, client_secret: credentials.clientSecret };
  if (how === 'query') return send(ctx, { ...base, query: { ...params, ...client } });
  if (how === 'form')
    return send(ctx, {
      ...base,
      body: new URLSearchParams({ ...params, ...client }).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
  const basic = Buffer.from(
    `${encodeURIComponent(credentials.clientId)}:${encodeURIComponent(credentials.clientSecret)}`,
  ).toString('base64');
  return send(ctx, { ...base, query: params, headers: { Authorization: `Basic ${basic}` } });
}

const f = (ctx: CheckContext, e: Exchange, expected: string, actual = statusLine(e), severity?: Finding['severity']) =>
  ctx.finding({
    operation: e.request.operationId,
    expected,
    actual,
    specLocation: ctx.spec.operationPointer(e.request.operationId),
    exchange: e,
    severity,
  });

/** The longest plausible token life: a year, in seconds (86,400,000 is a day in milliseconds). */
const LONGEST_LIFE_SECONDS = 365 * 86_400;

/**
 * A grant's expires_in: a positive whole number of seconds, at most a year, and the same life as the
 * client's other grants of the run (one second apart at most: a server may count down a started second).
 * A value 60 or 1000 times another grant's is named as the unit it is in (minutes, milliseconds).
 */
function lifeProblems(ctx: CheckContext, e: Exchange, what: string, lives: number[]): Finding[] {
  const life = fieldsOf(e.response.body)?.expires_in;
  const out: Finding[] = [];
  const first = lives[0];
  if (typeof life !== 'number' || !Number.isInteger(life) || life <= 0 || life > LONGEST_LIFE_SECONDS)
    out.push(f(ctx, e, `expires_in a positive whole number of seconds, at most a year, for ${what}`, String(life)));
  else if (first !== undefined && Math.abs(life - first) > 1) {
    const ratio = life / first;
    const unit = Math.abs(ratio - 1000) < 1 ? ' (milliseconds?)' : Math.abs(ratio * 60 - 1) < 0.02 ? ' (minutes?)' : '';
    out.push(
      f(ctx, e, `expires_in ${first} for ${what}, as the client's other grants (the token's life)`, `${life}${unit}`),
    );
  }
  if (typeof life === 'number') lives.push(life);
  return out;
}

/** A grant's answer: 200 with an access token, a refresh token and a life in seconds; the findings otherwise. */
function grantProblems(ctx: CheckContext, e: Exchange, what: string, lives: number[]): Finding[] {
  // A 5xx is not_a_server_error's finding, counted there once.
  if (e.response.status >= 500) return [];
  const grant = fieldsOf(e.response.body);
  if (e.response.status !== 200 || typeof grant?.access_token !== 'string')
    return [f(ctx, e, `200 with an access_token for ${what}`)];
  const out = lifeProblems(ctx, e, what, lives);
  if (typeof grant.refresh_token !== 'string' || grant.refresh_token === '')
    out.push(f(ctx, e, `a new refresh_token with the access token for ${what}`, JSON.stringify(grant.refresh_token)));
  return out;
}

/**
 * Each grant returns a new access token and refresh token ([doc] §5): neither may be one an earlier grant of
 * the run answered. `issued` holds every token the run was given so far.
 */
function freshPair(ctx: CheckContext, e: Exchange, what: string, issued: Set<string>): Finding[] {
  const out: Finding[] = [];
  const grant = fieldsOf(e.response.body);
  for (const kind of ['access_token', 'refresh_token'] as const) {
    const token = grant?.[kind];
    if (typeof token !== 'string' || token === '') continue;
    if (issued.has(token)) out.push(f(ctx, e, `a new ${kind} for ${what}`, `the ${kind} an earlier grant answered`));
    issued.add(token);
  }
  return out;
}

export const oauthTokenWorks = scenario(
  'oauth_token_works',
  'A client-credentials grant answers 200 with an access token that works on the API (on every operation: search, get, and with --allow-writes create, update and delete of an organization of the run, each answer as the model predicts from its organization) and a refresh token, for each documented way to send the client (HTTP Basic; client_id and client_secret in the query; in a form body); expires_in is a whole number of seconds (at most a year), the same for every grant; each grant answers a new access token and refresh token.',
  ['client'],
  async (ctx) => {
    const out: Finding[] = [];
    const lives: number[] = [];
    const issued = new Set<string>();
    for (const [how, what] of [
      ['basic', 'HTTP Basic client credentials'],
      ['query', 'client_id and client_secret in the query'],
      ['form', 'client_id and client_secret in a form body'],
    ] as const) {
      const e = await tokenRequest(ctx, { grant_type: 'client_credentials' }, ctx.credentials, how);
      const problems = grantProblems(ctx, e, what, lives);
      out.push(...problems);
      const access = fieldsOf(e.response.body)?.access_token;
      if (e.response.status !== 200 || typeof access !== 'string') continue;
      out.push(...freshPair(ctx, e, what, issued));
      const use = await send(ctx, request(ctx, 'getCurrentOrganization', {}, undefined, access));
      if (use.response.status !== 200 && use.response.status < 500)
        out.push(f(ctx, use, `the token issued for ${what} works (200)`));
      else if (how === 'basic' && use.response.status === 200) out.push(...(await everyOperation(ctx, access, use)));
    }
    return out;
  },
);

/**
 * An issued token is used on every operation the run's own token is: search, get, and with --allow-writes a
 * create under its organization, an update, a get, a search for it and its delete. Each answer is judged by
 * the model from the token's organization (answers_match_model); a refusal of a valid request is this check's.
 */
async function everyOperation(ctx: CheckContext, access: string, profile: Exchange): Promise<Finding[]> {
  const out: Finding[] = [];
  const orgId = fieldsOf(profile.response.body)?.id;
  if (typeof orgId !== 'number') return out;
  const works = (e: Exchange | string, what: string, status = 200) => {
    if (typeof e !== 'string' && e.response.status !== status && e.response.status < 500)
      out.push(f(ctx, e, `${status} for ${what} with an issued token`));
  };
  const auth = { Authorization: `Bearer ${access}` };
  const own = fieldsOf(ctx.model.orgs.get(orgId))?.name;
  works(await send(ctx, request(ctx, 'searchOrganizations', { query: '', size: '1000' }, undefined, access)), 'search');
  if (typeof own === 'string')
    works(await send(ctx, request(ctx, 'searchOrganizations', { query: own }, undefined, access)), 'a search by name');
  for (const id of [orgId, ...ctx.model.children(orgId).slice(0, 1)])
    works(await send(ctx, request(ctx, 'getOrganization', { orgId: String(id) }, undefined, access)), `GET ${id}`);
  if (!ctx.allowWrites || ctx.sandbox.writesUnavailable || !ctx.model.orgs.has(orgId)) return out;
  const name = ctx.sandbox.name('Issued');
  const made = await ctx.sandbox.create({ name, parentId: orgId }, orgId, undefined, auth);
  works(made.exchange, 'a create', 201);
  if (made.id === undefined) return out;
  const renamed = ctx.sandbox.name('Issued renamed');
  works(await ctx.sandbox.update(made.id, { name: renamed }, auth), 'an update');
  works(await send(ctx, request(ctx, 'getOrganization', { orgId: String(made.id) }, undefined, access)), 'a GET');
  works(await send(ctx, request(ctx, 'searchOrganizations', { query: renamed }, undefined, access)), 'a search');
  const gone = await ctx.sandbox.delete(made.id, auth);
  works(gone, 'a delete', 204);
  // Confirmed by the run's own token, then no longer the run's to remove.
  const check = await send(ctx, ctx.sandbox.getRequest(made.id));
  if (gone.response.status === 204 && check.response.status === 404) ctx.sandbox.owned.delete(made.id);
  return out;
}

export const oauthRefreshOnce = scenario(
  'oauth_refresh_once',
  "A refresh token gives a new working pair (a new access token and a new refresh token, its expires_in the first grant's life in seconds), once: used again it is refused with 400 invalid_grant.",
  ['client'],
  async (ctx) => {
    const first = await tokenRequest(ctx, { grant_type: 'client_credentials' });
    if (first.response.status >= 500) return []; // not_a_server_error's finding
    const refresh = fieldsOf(first.response.body)?.refresh_token;
    const oldAccess = fieldsOf(first.response.body)?.access_token;
    if (typeof refresh !== 'string')
      return [f(ctx, first, 'a refresh_token with the client-credentials grant', JSON.stringify(refresh))];
    const out: Finding[] = [];
    // The first grant's life is oauth_token_works' to judge; the refreshed pair's must be the same.
    const firstLife = fieldsOf(first.response.body)?.expires_in;
    const lives = typeof firstLife === 'number' && Number.isInteger(firstLife) && firstLife > 0 ? [firstLife] : [];
    const second = await tokenRequest(ctx, { grant_type: 'refresh_token', refresh_token: refresh });
    if (second.response.status >= 500) return [];
    const access = fieldsOf(second.response.body)?.access_token;
    const renewed = fieldsOf(second.response.body)?.refresh_token;
    if (second.response.status !== 200 || typeof access !== 'string')
      return [f(ctx, second, '200 with a new pair for a fresh refresh token')];
    if (access === oldAccess) out.push(f(ctx, second, 'a new access token', 'the same access token again'));
    if (typeof renewed !== 'string' || renewed === refresh)
      out.push(
        f(
          ctx,
          second,
          'a new refresh token with the new access token',
          renewed === refresh ? 'the used one again' : JSON.stringify(renewed),
        ),
      );
    out.push(...lifeProblems(ctx, second, 'the refreshed pair', lives));
    const use = await send(ctx, request(ctx, 'getCurrentOrganization', {}, undefined, access));
    if (use.response.status !== 200) out.push(f(ctx, use, 'the refreshed token works (200)'));
    const again = await tokenRequest(ctx, { grant_type: 'refresh_token', refresh_token: refresh });
    const refusal = ctx.spec.refusal('issueToken', 'usedRefreshToken');
    if (again.response.status !== 400) out.push(f(ctx, again, '400 for a refresh token used twice'));
    else if (refusal?.error && fieldsOf(again.response.body)?.error !== refusal.error)
      out.push(
        f(
          ctx,
          again,
          `error "${refusal.error}"`,
          String(fieldsOf(again.response.body)?.error),
          refusal.statusSeverity === 'fidelity' ? 'fidelity' : ctx.spec.severityAt(refusal.pointer, 'x-error'),
        ),
      );
    return out;
  },
);

export const oauthGrantErrors = scenario(
  'oauth_grant_errors',
  'Refused grants of a known client answer 400 in the RFC 6749 body: no grant_type is invalid_request, another grant type unsupported_grant_type, an unknown refresh token invalid_grant, and a valid refresh token sent with no client authentication at all (no Basic, no client parameters) is refused, issuing nothing, as invalid_request (the codes for each case are ours: fidelity).',
  ['client'],
  async (ctx) => {
    const out: Finding[] = [];
    const cases: Array<[Record<string, string>, string, string]> = [
      [{}, 'invalid_request', 'no grant_type'],
      [{ grant_type: 'password' }, 'unsupported_grant_type', 'grant_type=password'],
      [
        {
          grant_type: 'refresh_token',
          refresh_token: `orgs-mock-contract-unknown-${ctx.sandbox.namePrefix.split(' ').pop()}`,
        },
        'invalid_grant',
        'an unknown refresh token',
      ],
    ];
    // A refresh with no client authentication at all (no Basic, no client parameters) misses parameters:
    // refused, never a new pair, whatever the refresh token ([doc] §5: "with the same client authentication").
    const grant = await tokenRequest(ctx, { grant_type: 'client_credentials' });
    const refresh = fieldsOf(grant.response.body)?.refresh_token;
    const anonymous =
      typeof refresh === 'string'
        ? async () => {
            const op = ctx.spec.operations.find((o) => !o.bearer) ?? ctx.spec.op('issueToken');
            return send(ctx, {
              operationId: op.operationId,
              method: 'POST',
              path: op.path,
              query: { grant_type: 'refresh_token', refresh_token: refresh },
            });
          }
        : undefined;
    for (const [params, code, what, sendIt] of [
      ...cases.map((c) => [...c, undefined] as const),
      ...(anonymous ? [[{}, 'invalid_request', 'a refresh without client authentication', anonymous] as const] : []),
    ]) {
      const e = sendIt ? await sendIt() : await tokenRequest(ctx, params);
      if (e.response.status >= 500) continue; // not_a_server_error's
      if (e.response.status !== 400) {
        out.push(f(ctx, e, `400 for ${what}`));
        continue;
      }
      const error = fieldsOf(e.response.body)?.error;
      if (error !== code) out.push(f(ctx, e, `error "${code}" for ${what}`, JSON.stringify(error), 'fidelity'));
    }
    return out;
  },
);

export const oauthRefreshBoundToClient = scenario(
  'oauth_refresh_bound_to_client',
  'A refresh token presented by another client (--other-client-id) is refused with 400.',
  ['client', 'other-client'],
  async (ctx) => {
    const first = await tokenRequest(ctx, { grant_type: 'client_credentials' });
    const refresh = fieldsOf(first.response.body)?.refresh_token;
    if (typeof refresh !== 'string') throw new Skip('the server issues no refresh token');
    const stolen = await tokenRequest(
      ctx,
      { grant_type: 'refresh_token', refresh_token: refresh },
      ctx.otherCredentials,
    );
    return stolen.response.status === 400 ? [] : [f(ctx, stolen, "400 for another client's refresh token")];
  },
);

export const oauthClientRejected = scenario(
  'oauth_client_rejected',
  'An unknown client or a wrong secret answers 400 invalid_client with the documented description, whichever documented way the client is sent (HTTP Basic, query, form).',
  [],
  async (ctx) => {
    const out: Finding[] = [];
    const refusal = ctx.spec.refusal('issueToken', 'unknownClient');
    const creds = [
      { clientId: `orgs-mock-contract-unknown-${ctx.sandbox.namePrefix.split(' ').pop()}`, clientSecret: 'wrong' },
    ];
    if (ctx.credentials)
      creds.push({ clientId: ctx.credentials.clientId, clientSecret: `${ctx.credentials.clientSecret}-wrong` });
    for (const c of creds)
      for (const how of ['basic', 'query', 'form'] as const) {
        const e = await tokenRequest(ctx, { grant_type: 'client_credentials' }, c, how);
        out.push(...refused(ctx, e, refusal, {}, how === 'basic' ? '' : `the client sent in the ${how}`));
        if (e.response.status === 400 && refusal?.error && fieldsOf(e.response.body)?.error !== refusal.error)
          out.push(f(ctx, e, `error "${refusal.error}"`));
      }
    return out;
  },
);

export const rateLimit = scenario(
  'rate_limit',
  'Opt-in (--check-rate-limit): a burst reaches 429 with the Error body and Retry-After, and requests succeed again after the wait.',
  ['rate-limit'],
  async (ctx) => {
    const req = { ...request(ctx, 'getCurrentOrganization'), noRetry: true };
    let limited: Exchange | undefined;
    for (let i = 0; i < ctx.rateLimitBurst && !limited; i++) {
      const e = await send(ctx, req);
      if (e.response.status === 429) limited = e;
      else if (e.response.status !== 200) return [f(ctx, e, '200 until the limit')];
    }
    if (!limited) return [f(ctx, ctx.client.lastExchange, `429 within ${ctx.rateLimitBurst} requests`, 'no 429')];
    const out = refused(ctx, limited, ctx.spec.refusal('getCurrentOrganization', 'rateLimited'));
    const wait = Number(limited.response.headers.get('retry-after') ?? '1');
    const seconds = Number.isFinite(wait) ? Math.min(Math.max(wait, 0), 120) : 1;
    ctx.say(`waiting ${seconds} s as Retry-After says, then trying again`);
    await ctx.client.pause(seconds * 1000);
    const after = await send(ctx, req);
    if (after.response.status !== 200) out.push(f(ctx, after, `200 after waiting ${seconds} s`));
    return out;
  },
);

export const ACCESS_CHECKS = [
  authRequired,
  unknownIdNotFound,
  visibility,
  timeInMilliseconds,
  oauthTokenWorks,
  oauthRefreshOnce,
  oauthRefreshBoundToClient,
  oauthGrantErrors,
  oauthClientRejected,
  rateLimit,
];
