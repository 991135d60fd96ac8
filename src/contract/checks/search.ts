/** How search behaves: order, paging and matching, as openapi.yaml describes them. */
import type { Exchange } from '../client.ts';
import { type CheckContext, scenario } from '../context.ts';
import { fieldsOf, stringAt, stringsOf } from '../json.ts';
import type { Finding } from '../model.ts';
import { type Org, type Page, pageOf, search } from './support.ts';

/** A result set small enough that paging through it stays cheap. */
const SMALL = 300;

function param(ctx: CheckContext, name: string) {
  return ctx.spec.op('searchOrganizations').parameters.find((p) => p.name === name);
}

function unusable(ctx: CheckContext, e: Exchange, why: string): Finding {
  return ctx.finding({
    operation: 'searchOrganizations',
    expected: why,
    actual: `${e.response.status} ${e.response.text.slice(0, 120)}`,
    specLocation: ctx.spec.operationPointer('searchOrganizations'),
    exchange: e,
  });
}

/** A query whose results are few: the empty query if the subtree is small, else the own organization's name. */
async function smallQuery(ctx: CheckContext): Promise<{ query: string; page: Page; exchange: Exchange } | Finding> {
  for (const query of ['', String(ctx.ownOrganization.name ?? '')]) {
    const exchange = await search(ctx, { query, size: String(Math.min(1000, SMALL + 1)) });
    const page = pageOf(exchange);
    if (!page) return unusable(ctx, exchange, '200 with a SearchResult');
    if (page.totalElements <= SMALL) return { query, page, exchange };
  }
  throw new (await import('../model.ts')).Skip(`no query with at most ${SMALL} results`);
}

const compareText = (a: string, b: string) =>
  a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0;

/** -1/0/1 by the key, or undefined where collations could reasonably disagree (treated as a tie). */
function keyCompare(key: string, a: Org, b: Org): number | undefined {
  if (key === 'id') return Math.sign(Number(a.id) - Number(b.id));
  const x = String(a[key] ?? '');
  const y = String(b[key] ?? '');
  const simple = compareText(x, y);
  const locale = Math.sign(x.localeCompare(y, undefined, { sensitivity: 'base' }));
  return simple === locale ? simple : undefined;
}

export const searchSorting = scenario(
  'search_sorting',
  'Results follow every sortBy value in both sortOrder values; ties (where the spec states a rule) by it; every order holds the same organizations.',
  [],
  async (ctx) => {
    const findings: Finding[] = [];
    const sortBy = param(ctx, 'sortBy');
    const sortOrder = param(ctx, 'sortOrder');
    const keys = stringsOf(sortBy?.schema['x-sort-keys']) ?? {};
    const tieRule = fieldsOf(sortBy?.schema['x-ties']);
    const ties = tieRule && { by: String(tieRule.by), order: String(tieRule.order) };
    const base = await smallQuery(ctx);
    if ('check' in base) return [base];
    const expectedIds = new Set(base.page.content.map((o) => o.id));
    for (const by of (sortBy?.schema.enum ?? []).map(String)) {
      for (const order of (sortOrder?.schema.enum ?? ['ASC', 'DESC']).map(String)) {
        const e = await search(ctx, { query: base.query, sortBy: by, sortOrder: order, size: String(SMALL + 1) });
        const page = pageOf(e);
        const where = `${ctx.spec.pointerOf(sortBy)}`;
        if (!page) {
          findings.push(unusable(ctx, e, `200 for sortBy=${by}&sortOrder=${order}`));
          continue;
        }
        const ids = page.content.map((o) => o.id);
        if (ids.length !== expectedIds.size || !ids.every((id) => expectedIds.has(id))) {
          findings.push(
            ctx.finding({
              operation: 'searchOrganizations',
              expected: `the same ${expectedIds.size} organizations in every order`,
              actual: `${ids.length} organizations, ${ids.filter((id) => !expectedIds.has(id)).length} of them not in the default order`,
              specLocation: where,
              exchange: e,
            }),
          );
          continue;
        }
        const key = keys[by];
        if (!key) continue;
        const sign = order === 'DESC' ? -1 : 1;
        for (const [i, b] of page.content.entries()) {
          const a = page.content[i - 1];
          if (!a) continue; // the first has nothing before it
          const c = keyCompare(key, a, b);
          if (c === undefined) continue;
          if (c * sign > 0) {
            findings.push(
              ctx.finding({
                operation: 'searchOrganizations',
                expected: `sorted by ${by} ${order}`,
                actual: `position ${i - 1} (id ${a.id}, ${key} ${JSON.stringify(a[key])}) comes before position ${i} (id ${b.id}, ${key} ${JSON.stringify(b[key])})`,
                specLocation: where,
                exchange: e,
              }),
            );
            break;
          }
          if (c === 0 && ties && (ties.order === 'DESC' ? Number(a.id) < Number(b.id) : Number(a.id) > Number(b.id))) {
            findings.push(
              ctx.finding({
                operation: 'searchOrganizations',
                expected: `ties on ${by} by ${ties.by} ${ties.order}`,
                actual: `ids ${a.id} then ${b.id} with equal ${key}`,
                specLocation: `${where}/x-ties`,
                severity: ctx.spec.severityAt(where, 'x-ties'),
                exchange: e,
              }),
            );
            break;
          }
        }
      }
    }
    return findings;
  },
);

export const searchPaging = scenario(
  'search_paging',
  'A page holds at most size items, exactly size while more remain; pages 0, 1, 2 … have no duplicates and no gaps; their union matches totalElements; the default size applies.',
  [],
  async (ctx) => {
    const findings: Finding[] = [];
    const where = ctx.spec.operationPointer('searchOrganizations');
    const base = await smallQuery(ctx);
    if ('check' in base) return [base];
    const total = base.page.totalElements;
    const f = (expected: string, actual: string, e: Exchange, location = where) =>
      findings.push(
        ctx.finding({
          operation: 'searchOrganizations',
          expected,
          actual,
          specLocation: location,
          exchange: e,
        }),
      );
    if (base.page.content.length !== total)
      f(`all ${total} results on one page of ${SMALL + 1}`, `${base.page.content.length} results`, base.exchange);
    const size = Math.max(1, Math.ceil(total / 3));
    const seen = new Map<unknown, number>();
    const pages = Math.ceil(total / size) + 1;
    for (let p = 0; p < pages; p++) {
      const e = await search(ctx, { query: base.query, size: String(size), page: String(p) });
      const page = pageOf(e);
      if (!page) {
        f(`200 for page ${p}`, `${e.response.status}`, e);
        return findings;
      }
      const remaining = Math.max(0, total - p * size);
      const want = Math.min(size, remaining);
      if (page.content.length !== want)
        f(
          `page ${p} of size ${size} holds ${want} of ${total}`,
          `${page.content.length} items`,
          e,
          ctx.spec.pointerOf(ctx.spec.op('searchOrganizations').parameters.find((x) => x.name === 'size')),
        );
      if (page.totalElements !== total)
        f(`totalElements ${total} on every page`, `${page.totalElements} on page ${p}`, e);
      for (const org of page.content) {
        if (seen.has(org.id))
          f('no organization on two pages', `id ${org.id} on pages ${seen.get(org.id)} and ${p}`, e);
        seen.set(org.id, p);
      }
    }
    const all = new Set(base.page.content.map((o) => o.id));
    const missing = [...all].filter((id) => !seen.has(id));
    if (missing.length > 0 || seen.size !== total) {
      f(
        `the pages together hold the ${total} organizations of totalElements`,
        `${seen.size} distinct organizations; missing ${missing.slice(0, 5).join(', ') || 'none'}`,
        base.exchange,
      );
    }
    const sizeParam = ctx.spec.op('searchOrganizations').parameters.find((x) => x.name === 'size');
    const byDefault = Number(sizeParam?.schema.default);
    if (Number.isInteger(byDefault)) {
      const e = await search(ctx, { query: base.query });
      const page = pageOf(e);
      if (page && page.content.length !== Math.min(byDefault, total))
        f(
          `without size, the default ${byDefault}: ${Math.min(byDefault, total)} items`,
          `${page.content.length} items`,
          e,
          ctx.spec.pointerOf(sizeParam),
        );
    }
    return findings;
  },
);

export const searchMatching = scenario(
  'search_matching',
  'Every result matches the query (case-insensitive substring of the name, as x-match says); the empty query matches every visible organization.',
  [],
  async (ctx) => {
    const findings: Finding[] = [];
    const queryParam = ctx.spec.op('searchOrganizations').parameters.find((p) => p.name === 'query');
    // The shape of x-match is documented in docs/contract-checks.md; a test reads it from openapi.yaml.
    const match = matchRule(queryParam?.['x-match']);
    if (!match)
      throw new (await import('../model.ts')).Skip('openapi.yaml states no x-match rule for the search query');
    const where = `${ctx.spec.pointerOf(queryParam)}/x-match`;
    const severity = ctx.spec.severityAt(ctx.spec.pointerOf(queryParam), 'x-match');
    const f = (expected: string, actual: string, e: Exchange) =>
      findings.push(
        ctx.finding({
          operation: 'searchOrganizations',
          expected,
          actual,
          specLocation: where,
          severity,
          exchange: e,
        }),
      );
    const name = String(ctx.ownOrganization.name ?? '');
    const word = (name.split(/\s+/).find((w) => w.length >= 3 && w.toLowerCase() !== w.toUpperCase()) ?? name).slice(
      0,
      6,
    );
    const swapped = [...word].map((ch, i) => (i % 2 ? ch.toLowerCase() : ch.toUpperCase())).join('');
    const variants = match.caseInsensitive ? [word, swapped, word.toLowerCase(), word.toUpperCase()] : [word];
    const totals = new Map<string, number>();
    for (const q of [...new Set(variants)]) {
      const e = await search(ctx, { query: q, size: '1000' });
      const page = pageOf(e);
      if (!page) {
        f(`200 for query "${q}"`, `${e.response.status}`, e);
        continue;
      }
      totals.set(q, page.totalElements);
      const contains = (value: string) =>
        match.caseInsensitive ? value.toLowerCase().includes(q.toLowerCase()) : value.includes(q);
      const wrong = page.content.filter((o) => !contains(String(o[match.field] ?? '')));
      if (wrong.length > 0)
        f(
          `every ${match.field} contains "${q}"${match.caseInsensitive ? ' (any case)' : ''}`,
          `${wrong.length} do not, e.g. "${wrong[0]?.name}"`,
          e,
        );
      if (
        q.toLowerCase().length > 0 &&
        name.toLowerCase().includes(q.toLowerCase()) &&
        page.totalElements <= 1000 &&
        !page.content.some((o) => o.id === ctx.organizationId)
      ) {
        f(`query "${q}" finds the token's organization "${name}"`, `not among ${page.totalElements} results`, e);
      }
    }
    const counts = [...new Set(totals.values())];
    if (counts.length > 1)
      f(
        'the same totalElements whatever the case of the query',
        [...totals].map(([q, n]) => `"${q}": ${n}`).join(', '),
        ctx.client.lastExchange,
      );
    if (match.emptyMatchesAll) {
      const e = await search(ctx, { query: '', size: '1000' });
      const page = pageOf(e);
      if (!page) f('200 for the empty query', `${e.response.status}`, e);
      else {
        const most = Math.max(0, ...totals.values());
        if (
          page.totalElements < most ||
          (page.totalElements <= 1000 && !page.content.some((o) => o.id === ctx.organizationId))
        ) {
          f(
            'the empty query matches every visible organization',
            `totalElements ${page.totalElements}${page.content.some((o) => o.id === ctx.organizationId) ? '' : ", without the token's own organization"}`,
            e,
          );
        }
      }
    }
    return findings;
  },
);

/** The search query's `x-match` rule of openapi.yaml; its shape is documented in docs/contract-checks.md. */
function matchRule(value: unknown): { field: string; caseInsensitive: boolean; emptyMatchesAll: boolean } | undefined {
  const rule = fieldsOf(value);
  const field = stringAt(rule, 'field');
  if (field === undefined) return undefined;
  return { field, caseInsensitive: Boolean(rule?.caseInsensitive), emptyMatchesAll: Boolean(rule?.emptyMatchesAll) };
}
