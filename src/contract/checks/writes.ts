/** What the server does with writes: read your writes, and the rules the contract states for them. */

import type { Schema } from '../../openapi/document.ts';
import type { Exchange } from '../client.ts';
import { type CheckContext, type ScenarioCheck, scenario } from '../context.ts';
import { patternBreakers } from '../generate.ts';
import { fieldsOf } from '../json.ts';
import { type Finding, Skip } from '../model.ts';
import { pageOf, refused, requireCreate, schemaMessage, search, send, sleepMs, statusLine } from './support.ts';

/** The write checks all need --allow-writes. */
const writeScenario = (name: string, description: string, run: ScenarioCheck['run']): ScenarioCheck =>
  scenario(name, description, ['writes'], run);

function finding(
  ctx: CheckContext,
  e: Exchange,
  expected: string,
  actual = statusLine(e),
  specLocation = ctx.spec.operationPointer(e.request.operationId),
  severity?: Finding['severity'],
): Finding {
  return ctx.finding({
    operation: e.request.operationId,
    expected,
    actual,
    specLocation,
    exchange: e,
    severity,
  });
}

/** Creates an organization of the run under `parentId` (default: the token's), verified, or skips. */
async function own(
  ctx: CheckContext,
  label: string,
  parentId = ctx.organizationId,
  extra: Record<string, unknown> = {},
): Promise<number> {
  requireCreate(ctx);
  const name = ctx.sandbox.name(label);
  const { id, exchange } = await ctx.sandbox.create({ name, parentId, ...extra }, parentId);
  if (id === undefined) {
    requireCreate(ctx);
    throw new Skip(`could not create an organization of the run: ${statusLine(exchange)}`);
  }
  return id;
}

function nameSchema(ctx: CheckContext): Schema {
  return ctx.spec.bodySchema('createOrganization')?.properties?.name ?? {};
}

function property(ctx: CheckContext, name: string): Schema | undefined {
  return ctx.spec.bodySchema('createOrganization')?.properties?.[name];
}

/** A create that must be refused with the message of the schema that states the rule. */
async function createRefused(
  ctx: CheckContext,
  body: Record<string, unknown>,
  schema: Schema | undefined,
  what: string,
  keyword = 'pattern',
): Promise<Finding[]> {
  const { exchange, id } = await ctx.sandbox.create(body, Number(body.parentId ?? ctx.organizationId));
  const pointer = ctx.spec.pointerOf(schema);
  exchange.expectation = schemaMessage(ctx, schema, keyword);
  if (exchange.response.status === 400) return [];
  return [finding(ctx, exchange, `400 for ${what}`, `${statusLine(exchange)}${id ? ` (created ${id})` : ''}`, pointer)];
}

export const readYourWrites = writeScenario(
  'read_your_writes',
  'A created organization is visible by get and by search under its parent; an update persists and moves lastModifiedTs forward; after delete, get is 404 and search no longer finds it; ids are not reused.',
  async (ctx) => {
    const out: Finding[] = [];
    const parent = await own(ctx, 'RYW parent');
    const name = ctx.sandbox.name('RYW child');
    const { id, exchange: created } = await ctx.sandbox.create({ name, parentId: parent }, parent);
    if (id === undefined)
      return [finding(ctx, created, `201 with a new organization "${name}" under ${parent}, shown so by GET`)];
    const before = fieldsOf(created.response.body);
    const found = await search(ctx, { query: name, size: '1000' });
    const hit = pageOf(found)?.content.find((o) => o.id === id);
    if (!hit) out.push(finding(ctx, found, `search "${name}" finds ${id}`, 'not found'));
    else if (hit.parentOrganizationId !== parent)
      out.push(finding(ctx, found, `search shows ${id} under ${parent}`, `under ${hit.parentOrganizationId}`));

    await sleepMs(3); // so that a new lastModifiedTs can be told from the old one
    const renamed = ctx.sandbox.name('RYW renamed');
    const updated = await ctx.sandbox.update(id, { name: renamed });
    if (typeof updated === 'string') throw new Skip(updated);
    if (updated.response.status !== 200) out.push(finding(ctx, updated, '200 for the update'));
    const after = await send(ctx, ctx.sandbox.getRequest(id));
    const now = fieldsOf(after.response.body);
    if (now?.name !== renamed)
      out.push(finding(ctx, after, `GET shows the new name "${renamed}"`, `"${String(now?.name)}"`));
    if (
      typeof now?.lastModifiedTs === 'number' &&
      typeof before?.lastModifiedTs === 'number' &&
      !(now.lastModifiedTs > before.lastModifiedTs)
    ) {
      out.push(finding(ctx, after, `lastModifiedTs after ${before.lastModifiedTs}`, String(now.lastModifiedTs)));
    }

    const { removed, exchange: deleted } = await ctx.sandbox.deleteConfirmed(id);
    if (deleted.response.status !== 204) out.push(finding(ctx, deleted, '204 for the delete'));
    if (!removed) out.push(finding(ctx, ctx.client.lastExchange, `GET orgId=${id} answers 404 after the delete`));
    else {
      const gone = await search(ctx, { query: renamed, size: '1000' });
      if (pageOf(gone)?.content.some((o) => o.id === id))
        out.push(finding(ctx, gone, `search no longer finds ${id}`, 'still found'));
      const again = await ctx.sandbox.create({ name: ctx.sandbox.name('RYW next'), parentId: parent }, parent);
      if (again.id === id)
        out.push(
          finding(
            ctx,
            again.exchange,
            `a new id, not ${id} of the deleted organization`,
            `id ${again.id}`,
            `${ctx.spec.operationPointer('createOrganization')}`,
            'fidelity',
          ),
        );
    }
    return out;
  },
);

export const nameAlphabet = writeScenario(
  'name_alphabet',
  'Names of letters in any script, digits, spaces, dots, hyphens and apostrophes are accepted; a name with any other character is refused with 400 (the pattern of the name schema).',
  async (ctx) => {
    requireCreate(ctx);
    const out: Finding[] = [];
    const schema = nameSchema(ctx);
    for (const label of ["Ünïcødé Київ 東京 Ελλάδα O'Neil-Smith J.R. 42", 'عربي हिन्दी', 'D\u2019Arcy 123'] as const) {
      const name = ctx.sandbox.name(label);
      const { id, exchange, unverified } = await ctx.sandbox.create(
        { name, parentId: ctx.organizationId },
        ctx.organizationId,
      );
      // A 2xx that could not be verified is writes_verified's failure, not this check's.
      if (id === undefined && !unverified)
        out.push(
          finding(ctx, exchange, `201 for the name "${name}"`, statusLine(exchange), ctx.spec.pointerOf(schema)),
        );
    }
    const breakers = patternBreakers(schema, `${ctx.sandbox.namePrefix} x`.slice(0, 60));
    if (breakers.length === 0) throw new Skip('the name schema of openapi.yaml states no pattern');
    for (const name of breakers)
      out.push(
        ...(await createRefused(
          ctx,
          { name, parentId: ctx.organizationId },
          schema,
          `the name ${JSON.stringify(name)}`,
        )),
      );
    return out;
  },
);

export const nameTrimmed = writeScenario(
  'name_trimmed',
  'Leading and trailing white space of a name is trimmed before it is checked and stored (x-trim).',
  async (ctx) => {
    requireCreate(ctx);
    const schema = nameSchema(ctx);
    if (!schema['x-trim']) throw new Skip('the name schema of openapi.yaml is not marked x-trim');
    const pointer = `${ctx.spec.pointerOf(schema)}/x-trim`;
    const severity = ctx.spec.severityAt(ctx.spec.pointerOf(schema), 'x-trim');
    const out: Finding[] = [];
    const name = ctx.sandbox.name('Trimmed');
    const { exchange } = await ctx.sandbox.create(
      { name: `  ${name}\t `, parentId: ctx.organizationId },
      ctx.organizationId,
      name,
    );
    const shown = fieldsOf(exchange.response.body)?.name;
    if (exchange.response.status !== 201 || shown !== name)
      out.push(
        finding(
          ctx,
          exchange,
          `201 showing the trimmed name "${name}"`,
          `${exchange.response.status} ${JSON.stringify(shown)}`,
          pointer,
          severity,
        ),
      );
    const min = schema.minLength ?? 3;
    const short = `  ${'a'.repeat(Math.max(1, min - 1))}  `;
    const refusedShort = await ctx.sandbox.create({ name: short, parentId: ctx.organizationId }, ctx.organizationId);
    if (refusedShort.exchange.response.status !== 400)
      out.push(
        finding(
          ctx,
          refusedShort.exchange,
          `400 for ${JSON.stringify(short)}: too short once trimmed`,
          statusLine(refusedShort.exchange),
          pointer,
          severity,
        ),
      );
    return out;
  },
);

export const descriptionForbiddenChars = writeScenario(
  'description_forbidden_chars',
  'A description with /, \\, < or > (the pattern of the description schema) is refused with 400; other punctuation is accepted.',
  async (ctx) => {
    requireCreate(ctx);
    const schema = property(ctx, 'description');
    const breakers = schema ? patternBreakers(schema, 'Plain text ') : [];
    if (!schema || breakers.length === 0) throw new Skip('the description schema of openapi.yaml states no pattern');
    const out: Finding[] = [];
    const fine = "Plain: text, with punctuation! (and) 'quotes' & more?";
    // patternBreakers found breakers, so the schema has a pattern.
    if (schema.pattern !== undefined && new RegExp(schema.pattern, 'u').test(fine)) {
      const { id, exchange, unverified } = await ctx.sandbox.create(
        { name: ctx.sandbox.name('Description ok'), parentId: ctx.organizationId, description: fine },
        ctx.organizationId,
      );
      if (id === undefined && !unverified)
        out.push(
          finding(
            ctx,
            exchange,
            `201 for the description ${JSON.stringify(fine)}`,
            statusLine(exchange),
            ctx.spec.pointerOf(schema),
          ),
        );
    }
    for (const description of breakers) {
      out.push(
        ...(await createRefused(
          ctx,
          { name: ctx.sandbox.name('Description bad'), parentId: ctx.organizationId, description },
          schema,
          `the description ${JSON.stringify(description)}`,
        )),
      );
    }
    return out;
  },
);

/** Valid and invalid zone names: from a list the spec gives (x-enum, enum), else well-known ones. */
function zones(schema: Schema): { valid: string[]; invalid: string[] } {
  const given: unknown = schema.enum ?? schema['x-enum'] ?? schema['x-values'];
  const listed = Array.isArray(given) ? given.map(String) : undefined;
  const first = listed?.[0];
  const valid =
    listed && first !== undefined
      ? [
          first,
          ...[
            'Europe/Kyiv',
            'UTC',
            'Europe/Kiev',
            'America/Argentina/Buenos_Aires',
            'Etc/GMT+5',
            'CET',
            'EST5EDT',
          ].filter((z) => listed.includes(z)),
        ]
      : ['Europe/Kyiv', 'UTC', 'Europe/Kiev', 'America/Argentina/Buenos_Aires', 'Etc/GMT+5', 'CET', 'EST5EDT'];
  const invalid = ['Mars/Olympus_Mons', 'Europe/Atlantis', 'Kyiv', '+02:00', 'Europe/Kyiv/Extra', 'PST'].filter(
    (z) => !listed?.includes(z),
  );
  return { valid: [...new Set(valid)], invalid };
}

export const timeZoneValid = writeScenario(
  'time_zone_valid',
  'IANA zone names (old aliases too) are accepted and stored as given; anything else is refused with 400.',
  async (ctx) => {
    requireCreate(ctx);
    const schema = property(ctx, 'tz');
    if (!schema) throw new Skip('createOrganization takes no tz');
    const out: Finding[] = [];
    const { valid, invalid } = zones(schema);
    for (const tz of valid) {
      const { id, exchange, unverified } = await ctx.sandbox.create(
        { name: ctx.sandbox.name(`Zone ${tz.replace(/[^\p{L}\p{Nd} .'-]/gu, ' ')}`), parentId: ctx.organizationId, tz },
        ctx.organizationId,
      );
      const shown = fieldsOf(exchange.response.body)?.tz;
      if ((id === undefined && !unverified) || (id !== undefined && shown !== tz))
        out.push(
          finding(
            ctx,
            exchange,
            `201 storing tz "${tz}"`,
            `${exchange.response.status} tz ${JSON.stringify(shown)}`,
            ctx.spec.pointerOf(schema),
          ),
        );
    }
    for (const tz of invalid)
      out.push(
        ...(await createRefused(
          ctx,
          { name: ctx.sandbox.name('Zone bad'), parentId: ctx.organizationId, tz },
          schema,
          `tz "${tz}"`,
          'format',
        )),
      );
    return out;
  },
);

export const parentMustExist = writeScenario(
  'parent_must_exist',
  'A create under a parent that does not exist (one the run created and deleted) answers 404 with the documented message.',
  async (ctx) => {
    const gone = await own(ctx, 'Parent gone');
    const { removed } = await ctx.sandbox.deleteConfirmed(gone);
    if (!removed) throw new Skip(`could not delete organization ${gone} of the run to use as a missing parent`);
    const { exchange } = await ctx.sandbox.create({ name: ctx.sandbox.name('Orphan'), parentId: gone }, gone);
    return refused(
      ctx,
      exchange,
      ctx.spec.refusal('createOrganization', 'parentNotVisible'),
      {},
      `parentId ${gone} does not exist`,
    );
  },
);

/** The hierarchy limit, counted with the root as level 1: `x-max-depth` of the create operation. */
function maxDepth(ctx: CheckContext): number | undefined {
  const stated = ctx.spec.rawOperation('createOrganization')['x-max-depth'];
  return typeof stated === 'number' && Number.isInteger(stated) && stated >= 1 ? stated : undefined;
}

export const depthLimit = writeScenario(
  'depth_limit',
  'Organizations nest at most the documented number of levels (the root is level 1): the run builds a chain under its own organization until a create is refused, and the refusal comes exactly at the limit.',
  async (ctx) => {
    requireCreate(ctx);
    const limit = maxDepth(ctx);
    if (limit === undefined) throw new Skip('openapi.yaml states no x-max-depth on createOrganization');
    const isRoot =
      ctx.ownOrganization.parentOrganizationId === undefined || ctx.ownOrganization.parentOrganizationId === null;
    const refusal = ctx.spec.refusal('createOrganization', 'tooDeep');
    let parent = ctx.organizationId;
    for (let step = 1; step <= limit; step++) {
      const name = ctx.sandbox.name(`Level ${step}`);
      const { id, exchange, unverified } = await ctx.sandbox.create({ name, parentId: parent }, parent);
      if (id !== undefined) {
        parent = id;
        continue;
      }
      if (unverified)
        throw new Skip(
          ctx.sandbox.writesUnavailable ?? 'a create of the chain could not be verified; see writes_verified',
        );
      if (exchange.response.status !== 400)
        return [finding(ctx, exchange, `201, or 400 at the depth limit`, statusLine(exchange), refusal?.pointer)];
      // Refused: right if the chain reached the limit; the own organization's level is known only for the root.
      const level = isRoot ? 1 + step : undefined;
      if (level !== undefined && level <= limit)
        return [
          finding(
            ctx,
            exchange,
            `level ${level} is allowed (at most ${limit}, the root is 1)`,
            statusLine(exchange),
            refusal?.pointer,
          ),
        ];
      return refused(ctx, exchange, refusal, { maxDepth: limit });
    }
    return [
      finding(
        ctx,
        ctx.client.lastExchange,
        `a create is refused within ${limit} levels (the root is level 1)`,
        `${limit} levels below the token's organization were created`,
        refusal?.pointer,
      ),
    ];
  },
);

export const deleteWithChildrenRefused = writeScenario(
  'delete_with_children_refused',
  'Deleting an organization that has sub-organizations is refused with 400 and the organization stays (the run builds a parent and a child of its own).',
  async (ctx) => {
    const parent = await own(ctx, 'Has child');
    await own(ctx, 'The child', parent);
    const e = await ctx.sandbox.delete(parent);
    const out = refused(ctx, e, ctx.spec.refusal('deleteOrganization', 'hasChildren'));
    const still = await send(ctx, ctx.sandbox.getRequest(parent));
    if (still.response.status !== 200)
      out.push(finding(ctx, still, `organization ${parent} still exists after the refused delete`, statusLine(still)));
    return out;
  },
);

/** Until openapi.yaml states `x-max-body-bytes` (its one home, interfaces.md §3), the reference's 2 MB. */
const FALLBACK_MAX_BODY_BYTES = 2 * 1024 * 1024;

export const oversizedBodyRejected = writeScenario(
  'oversized_body_rejected',
  'A body over the documented limit (x-max-body-bytes, 2 MB) is refused on create: 413 with the Error body. The status is ours where x-status-source says so: then another 4xx with the Error body is a fidelity finding, while a 2xx or a 5xx stays a contract failure.',
  async (ctx) => {
    requireCreate(ctx);
    const stated = ctx.spec.doc.raw['x-max-body-bytes'];
    const limit = typeof stated === 'number' && stated > 0 ? stated : FALLBACK_MAX_BODY_BYTES;
    const out: Finding[] = [];
    const judge = (exchange: Exchange, operationId: string) => {
      const documented = ctx.spec.op(operationId).responses['413'];
      if (!documented) return;
      const pointer = ctx.spec.pointerOf(documented);
      const status = exchange.response.status;
      if (status === 413) return;
      const errorBody = typeof fieldsOf(fieldsOf(exchange.response.body)?.error)?.message === 'string';
      // Another refusal with the Error body keeps the contract (a limit) but not our status; anything else breaks it.
      const severity =
        status >= 400 && status < 500 && errorBody ? ctx.spec.severityAt(pointer, 'x-status') : 'contract';
      out.push(finding(ctx, exchange, `413 for a body over ${limit} bytes`, statusLine(exchange), pointer, severity));
    };
    const padding = 'x'.repeat(limit + 10);
    const { exchange } = await ctx.sandbox.create(
      { name: ctx.sandbox.name('Oversized'), parentId: ctx.organizationId, description: padding },
      ctx.organizationId,
    );
    judge(exchange, 'createOrganization');
    return out;
  },
);

export const WRITE_CHECKS = [
  readYourWrites,
  nameAlphabet,
  nameTrimmed,
  descriptionForbiddenChars,
  timeZoneValid,
  parentMustExist,
  depthLimit,
  deleteWithChildrenRefused,
  oversizedBodyRejected,
];
