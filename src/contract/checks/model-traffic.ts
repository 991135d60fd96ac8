/**
 * Scenarios that send what the model must judge across exchanges: search through every page, in every
 * order, for several queries; and reads of organizations the model holds. Each page is judged by the
 * oracle (answers_match_model) as it arrives; what only the pages together show is judged here.
 */
import { type CheckContext, scenario } from '../context.ts';
import type { Finding } from '../model.ts';
import type { ModelOrg } from '../oracle/model.ts';
import { type Org, pageOf, request, search, send } from './support.ts';

/** A query's results are paged through only when they are few. */
const MOST = 300;

/** Queries worth paging: the broadest with few enough results, a word of the token's organization, and one matching nothing. */
function queries(ctx: CheckContext): string[] {
  const model = ctx.model;
  const view = model.subtree(model.rootId);
  const name = String(ctx.ownOrganization.name ?? '');
  const word = (name.split(/\s+/).find((w) => w.length >= 3) ?? name).slice(0, 4);
  const swapped = [...word].map((ch, i) => (i % 2 ? ch.toLowerCase() : ch.toUpperCase())).join('');
  // Characters a pattern or SQL LIKE would read specially, matched literally by a substring search.
  const candidates = ['', word, swapped, 'a', '.', '%', '_', "'", 'orgs-mock-no-such-name'];
  // A word of a description that no name holds: matching is on the name alone.
  const names = [...view].map((id) => String(model.orgs.get(id)?.name ?? '').toLowerCase());
  const described = [...view]
    .flatMap((id) => String(model.orgs.get(id)?.description ?? '').split(/[^\p{L}]+/u))
    .find((w) => w.length >= 4 && !names.some((n) => n.includes(w.toLowerCase())));
  if (described) candidates.push(described);
  return [...new Set(candidates)].filter((q) => model.matching(view, q).length <= MOST);
}

const lower = (o: Org) => String(o.name ?? '').toLowerCase();

export const searchAcrossPages = scenario(
  'search_across_pages',
  'Search paged through to one page past the end, for every sortBy in both orders (all of them for the broadest query, the default sort for the others): the pages together hold each matching organization once; Name sorts case-insensitively; Sub Organizations by the count of sub-organizations; Device and User Count in one order are the other order with equal counts kept by id; for the keys no answer shows (Device Count, User Count, Sub Organizations) the results of a non-empty query keep the order the empty query gives them; ties by id ascending. Each page is also judged by answers_match_model.',
  [],
  async (ctx) => {
    const out: Finding[] = [];
    const sortBy = ctx.spec.op('searchOrganizations').parameters.find((p) => p.name === 'sortBy');
    const where = ctx.spec.pointerOf(sortBy);
    const tieSeverity = ctx.spec.severityAt(where, 'x-ties');
    const sorts = (sortBy?.schema.enum ?? []).map(String);
    const [broadest, ...others] = queries(ctx);
    if (broadest === undefined) return out;
    const plan: Array<[string, string]> = [
      ...sorts.map((s): [string, string] => [broadest, s]),
      ...others.map((q): [string, string] => [q, ctx.model.rules.defaultSortBy]),
    ];
    /** The empty query's whole, sound result list per `sortBy order`: the order every other query keeps. */
    const everything = new Map<string, Org[]>();
    for (const [query, by] of plan) {
      const full: Record<string, Org[]> = {};
      for (const order of ['ASC', 'DESC']) {
        const first = await search(ctx, { query, sortBy: by, sortOrder: order, size: '1' });
        const total = pageOf(first)?.totalElements;
        if (total === undefined || total > MOST) break;
        const size = Math.max(1, Math.ceil(total / 3));
        const items: Org[] = [];
        for (let p = 0; p <= Math.ceil(total / size); p++) {
          const page = pageOf(
            await search(ctx, { query, sortBy: by, sortOrder: order, size: String(size), page: String(p) }),
          );
          if (!page) break;
          items.push(...page.content);
        }
        full[order] = items;
        const last = ctx.client.lastExchange;
        const f = (expected: string, actual: string, severity?: Finding['severity']) =>
          out.push(
            ctx.finding({
              operation: 'searchOrganizations',
              expected,
              actual,
              specLocation: where,
              exchange: last,
              severity,
            }),
          );
        const ids = items.map((o) => o.id);
        const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
        if (twice.length > 0 || ids.length !== total) {
          f(
            `query "${query}" sortBy=${by}&sortOrder=${order}: the pages together hold ${total} organizations, each once`,
            `${ids.length} items${twice.length ? `, ids ${twice.slice(0, 5).join(', ')} twice` : ''}`,
          );
          continue;
        }
        if (query === '') everything.set(`${by} ${order}`, items);
        const problem = orderProblem(ctx, by, order, items);
        if (problem)
          f(
            `query "${query}" sorted by ${by} ${order} across pages`,
            problem.text,
            problem.tie ? tieSeverity : undefined,
          );
      }
      const [asc, desc] = [full.ASC, full.DESC];
      if (asc && desc && !ctx.model.rules.sortKeys[by] && by !== 'Sub Organizations') {
        const problem = crossOrder(asc, desc);
        if (problem)
          out.push(
            ctx.finding({
              operation: 'searchOrganizations',
              expected: `sortBy=${by}: DESC is ASC with the order of unequal counts reversed (ties by id ascending in both)`,
              actual: problem,
              specLocation: where,
              exchange: ctx.client.lastExchange,
            }),
          );
      }
    }
    out.push(...(await hiddenKeyOrders(ctx, others, everything, where)));
    return out;
  },
);

/**
 * For the sort keys no answer shows (Device Count, User Count, Sub Organizations) the order is a property of
 * the organizations, not of the query: a non-empty query's results, paged through, come in the order the
 * empty query's results have for the same sortBy and sortOrder (a subsequence of them).
 */
async function hiddenKeyOrders(
  ctx: CheckContext,
  queries: string[],
  everything: Map<string, Org[]>,
  where: string,
): Promise<Finding[]> {
  const out: Finding[] = [];
  const view = ctx.model.subtree(ctx.model.rootId);
  // One query with at least two results and fewer than all: the order of a part is then seen.
  const query = queries.find((q) => {
    const n = ctx.model.matching(view, q).length;
    return q !== '' && n >= 2 && n < view.size;
  });
  if (query === undefined) return out;
  for (const [key, reference] of everything) {
    const [by, order] = [key.slice(0, key.lastIndexOf(' ')), key.slice(key.lastIndexOf(' ') + 1)];
    if (ctx.model.rules.sortKeys[by]) continue; // a key the answer shows is judged by its values
    const size = Math.max(1, Math.ceil(ctx.model.matching(view, query).length / 2));
    const items: Org[] = [];
    for (let p = 0; p <= 3; p++) {
      const page = pageOf(
        await search(ctx, { query, sortBy: by, sortOrder: order, size: String(size), page: String(p) }),
      );
      if (!page) return out; // the answer is other checks' to judge
      items.push(...page.content);
      if (page.content.length < size) break;
    }
    const ids = items.map((o) => Number(o.id));
    const expected = reference.map((o) => Number(o.id)).filter((id) => ids.includes(id));
    // A different set is answers_match_model's and search_paging's finding; only the order is judged here.
    if (expected.length !== ids.length || new Set(ids).size !== ids.length) continue;
    const at = ids.findIndex((id, i) => id !== expected[i]);
    if (at >= 0)
      out.push(
        ctx.finding({
          operation: 'searchOrganizations',
          expected: `query "${query}" sortBy=${by}&sortOrder=${order}: the order of the empty query's results (ids ${expected.slice(0, 8).join(', ')}…)`,
          actual: `position ${at} holds id ${ids[at]} where id ${expected[at]} comes first (ids ${ids.slice(0, 8).join(', ')}…)`,
          specLocation: where,
          exchange: ctx.client.lastExchange,
        }),
      );
  }
  return out;
}

/** Whether a whole result list is in the order sortBy and sortOrder ask for, as far as the model can tell. */
function orderProblem(
  ctx: CheckContext,
  by: string,
  order: string,
  items: Org[],
): { text: string; tie: boolean } | undefined {
  const sign = order === 'DESC' ? -1 : 1;
  const children = (o: Org, deep: boolean) =>
    deep ? ctx.model.subtree(Number(o.id)).size - 1 : ctx.model.children(Number(o.id)).length;
  const keyed: Array<((o: Org) => number | string) | undefined> =
    ctx.model.rules.sortKeys[by] === 'id'
      ? [(o) => Number(o.id)]
      : ctx.model.rules.sortKeys[by] === 'name'
        ? [lower]
        : by === 'Sub Organizations'
          ? [(o) => children(o, false), (o) => children(o, true)]
          : [];
  if (keyed.length === 0) return undefined;
  let first: { text: string; tie: boolean } | undefined;
  for (const key of keyed) {
    if (!key) continue;
    const problem = firstDisorder(items, key, sign);
    if (!problem) return undefined; // one reading of the key fits: in order
    first ??= problem;
  }
  return first;
}

function firstDisorder(
  items: Org[],
  key: (o: Org) => number | string,
  sign: number,
): { text: string; tie: boolean } | undefined {
  for (const [i, b] of items.entries()) {
    const a = items[i - 1];
    if (!a) continue; // the first has nothing before it
    const [x, y] = [key(a), key(b)];
    const c = x < y ? -1 : x > y ? 1 : 0;
    if (c * sign > 0)
      return {
        text: `position ${i - 1} (id ${a.id}, ${JSON.stringify(x)}) before position ${i} (id ${b.id}, ${JSON.stringify(y)})`,
        tie: false,
      };
    if (c === 0 && Number(a.id) > Number(b.id))
      return { text: `equal ${JSON.stringify(x)}: id ${a.id} before id ${b.id}`, tie: true };
  }
  return undefined;
}

/**
 * For a key the model cannot see: with ties by id ascending in both orders, a pair (lower id first) that
 * ASC puts the other way round has a strictly smaller key for the higher id, so DESC must keep the lower id first.
 */
function crossOrder(asc: Org[], desc: Org[]): string | undefined {
  const at = new Map(desc.map((o, i) => [o.id, i]));
  for (const [i, b] of asc.entries())
    for (const a of asc.slice(i + 1)) {
      // b before a in ASC
      if (Number(b.id) <= Number(a.id)) continue;
      const [ia, ib] = [at.get(a.id), at.get(b.id)];
      if (ia !== undefined && ib !== undefined && ia > ib)
        return `ASC puts id ${b.id} before id ${a.id} (so its count is smaller), DESC too`;
    }
  return undefined;
}

export const readsMatchModel = scenario(
  'reads_match_model',
  "The profile, and GET of organizations the model holds (those with a parent first, up to 10, chosen with the run's seed), answer as the model predicts (judged by answers_match_model).",
  [],
  async (ctx) => {
    await send(ctx, request(ctx, 'getCurrentOrganization'));
    const orgs = [...ctx.model.subtree(ctx.model.rootId)]
      .map((id) => ctx.model.orgs.get(id))
      .filter((o): o is ModelOrg => o !== undefined);
    const chosen = orgs
      .sort((a, b) => (((a.id * 2654435761) ^ ctx.seed) >>> 0) - (((b.id * 2654435761) ^ ctx.seed) >>> 0))
      .sort((a, b) => Number(b.parentOrganizationId !== undefined) - Number(a.parentOrganizationId !== undefined))
      .slice(0, 10);
    for (const org of chosen) await send(ctx, request(ctx, 'getOrganization', { orgId: String(org.id) }));
    return [];
  },
);
