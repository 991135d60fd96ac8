/**
 * Generated exploration: the examples, every enum value and the boundary values are accepted; each
 * constraint broken on its own is refused; and a seeded property-based phase that shrinks a failure to
 * a minimal request and prints the seed that replays it.
 */
import fc from 'fast-check';
import type { Operation, Schema } from '../../openapi/document.ts';
import type { Exchange } from '../client.ts';
import { type CheckContext, scenario } from '../context.ts';
import { bodyViolations, describeViolation, queryViolations, type Violation, withValue } from '../generate.ts';
import { fieldsOf, stringsOf } from '../json.ts';
import { type Finding, Skip } from '../model.ts';
import { request, schemaMessage, send, statusLine } from './support.ts';

/** Valid values of a query parameter: example, default, every enum value, the bounds and lengths. */
function validQueryValues(schema: Schema, example: unknown): string[] {
  const out = new Set<string>();
  if (example !== undefined) out.add(String(example));
  if (schema.default !== undefined) out.add(String(schema.default));
  for (const v of schema.enum ?? []) out.add(String(v));
  if (schema.type === 'integer') {
    if (schema.minimum !== undefined) out.add(String(schema.minimum));
    if (schema.maximum !== undefined) out.add(String(schema.maximum));
  }
  if (schema.type === 'string' && !schema.enum) {
    out.add('a'.repeat(schema.minLength ?? 0));
    if (schema.maxLength !== undefined) out.add('a'.repeat(schema.maxLength));
  }
  return [...out];
}

function readQuery(ctx: CheckContext, op: Operation): Record<string, string> {
  const query: Record<string, string> = {};
  for (const p of op.parameters.filter((x) => x.in === 'query' && x.required))
    query[p.name] = p.name === 'orgId' ? String(ctx.organizationId) : String(p.example ?? '');
  return query;
}

const readOps = (ctx: CheckContext) => ctx.spec.operations.filter((op) => op.bearer && op.method === 'get');

export const positiveDataAccepted = scenario(
  'positive_data_accepted',
  'Valid requests succeed with a documented 2xx: the examples, every enum value, the boundary values (minimum, maximum, empty, longest) of every query parameter, and with --allow-writes the create example and each enum value and longest string of its body.',
  [],
  async (ctx) => {
    const out: Finding[] = [];
    const expect2xx = (e: Exchange, what: string, schema?: Schema) => {
      if (e.response.status < 200 || e.response.status >= 300)
        out.push(
          ctx.finding({
            operation: e.request.operationId,
            expected: `2xx for ${what}`,
            actual: statusLine(e),
            specLocation: schema ? ctx.spec.pointerOf(schema) : ctx.spec.operationPointer(e.request.operationId),
            exchange: e,
          }),
        );
    };
    for (const op of readOps(ctx)) {
      const base = readQuery(ctx, op);
      expect2xx(await send(ctx, request(ctx, op.operationId, base)), 'the example request');
      for (const p of op.parameters.filter((x) => x.in === 'query' && x.name !== 'orgId')) {
        for (const value of validQueryValues(p.schema, p.example))
          expect2xx(
            await send(ctx, request(ctx, op.operationId, { ...base, [p.name]: value })),
            `${p.name}=${JSON.stringify(value).slice(0, 40)}`,
            p.schema,
          );
      }
    }
    if (!ctx.allowWrites || ctx.sandbox.writesUnavailable || !ctx.spec.has('createOrganization')) return out;
    const schema = ctx.spec.requiredBodySchema('createOrganization');
    const media = ctx.spec.op('createOrganization').requestBody?.content['application/json'];
    const example = { ...(fieldsOf(media?.example) ?? {}), parentId: ctx.organizationId };
    const bodies: Array<[string, Record<string, unknown>]> = [['the example body', example]];
    for (const [name, prop] of Object.entries(schema.properties ?? {})) {
      for (const v of prop.enum ?? []) bodies.push([`${name}=${String(v)}`, { ...example, [name]: v }]);
      if (prop.type === 'string' && prop.maxLength !== undefined && name !== 'name' && !prop.pattern && !prop.enum)
        bodies.push([`the longest ${name}`, { ...example, [name]: 'a'.repeat(prop.maxLength) }]);
      if (prop.type === 'object' && prop.properties) {
        const longest = Object.fromEntries(
          Object.entries(prop.properties).flatMap(([k, s]) =>
            s.maxLength === undefined ? [] : [[k, 'b'.repeat(s.maxLength)] as const],
          ),
        );
        bodies.push([`the longest ${name}`, { ...example, [name]: longest }]);
      }
    }
    for (const [what, body] of bodies) {
      const name = ctx.sandbox.name('Accepted');
      const { exchange } = await ctx.sandbox.create({ ...body, name }, ctx.organizationId);
      expect2xx(exchange, what, schema);
    }
    // The shortest and the longest names (the run's prefix fits in neither, so the id is its only handle).
    const nameSchema = schema.properties?.name ?? {};
    for (const length of [nameSchema.minLength, nameSchema.maxLength].filter(
      (n): n is number => typeof n === 'number',
    )) {
      const name = ctx.sandbox.name('L').padEnd(length, 'x').slice(-length);
      const { exchange } = await ctx.sandbox.create({ name, parentId: ctx.organizationId }, ctx.organizationId);
      expect2xx(exchange, `a name of ${length} characters`, nameSchema);
    }
    return out;
  },
);

export const negativeDataRejected = scenario(
  'negative_data_rejected',
  "Each constraint of openapi.yaml broken on its own (required, type, minimum, maximum, lengths, pattern, enum, format) is refused with 400 and the constraint's x-error-message. Read-only runs break only query parameters of GET operations.",
  [],
  async (ctx) => {
    const out: Finding[] = [];
    const attempt = async (op: Operation, v: Violation, e: Exchange, schema: Schema | undefined) => {
      const pointer = schema ? ctx.spec.pointerOf(schema) : ctx.spec.operationPointer(op.operationId);
      if (v.constraint !== 'required') e.expectation = schemaMessage(ctx, schema, v.constraint);
      else {
        const templates = stringsOf(ctx.spec.doc.raw['x-required-messages']);
        const kind = v.location === 'query' ? 'parameter' : 'field';
        const template = templates?.[kind];
        if (template)
          e.expectation = {
            template,
            values: { name: v.path },
            field: 'message',
            pointer: `#/x-required-messages/${kind}`,
            status: 400,
            severity: ctx.spec.severityAt('#/x-required-messages', 'x-error-message'),
          };
      }
      if (e.response.status !== 400)
        out.push(
          ctx.finding({
            operation: op.operationId,
            expected: `400 for ${describeViolation(v)} = ${JSON.stringify(v.value)?.slice(0, 60)}`,
            actual: statusLine(e),
            specLocation: pointer,
            exchange: e,
          }),
        );
    };
    for (const op of readOps(ctx)) {
      for (const v of queryViolations(op)) {
        const query = { ...readQuery(ctx, op) };
        if (v.value === undefined) delete query[v.path];
        else query[v.path] = String(v.value);
        const p = op.parameters.find((x) => x.name === v.path);
        await attempt(op, v, await send(ctx, request(ctx, op.operationId, query)), p?.schema);
      }
    }
    if (!ctx.allowWrites || ctx.sandbox.writesUnavailable) return out;
    const create = ctx.spec.op('createOrganization');
    for (const v of bodyViolations(ctx.spec.requiredBodySchema('createOrganization'))) {
      const body = withValue({ name: ctx.sandbox.name('Refused'), parentId: ctx.organizationId }, v.path, v.value);
      const { exchange } = await ctx.sandbox.create(body, ctx.organizationId);
      await attempt(create, v, exchange, schemaAt(ctx.spec.requiredBodySchema('createOrganization'), v.path));
    }
    const target = (
      await ctx.sandbox.create(
        { name: ctx.sandbox.name('Update target'), parentId: ctx.organizationId },
        ctx.organizationId,
      )
    ).id;
    if (target === undefined) return out;
    const update = ctx.spec.op('updateOrganization');
    for (const v of bodyViolations(ctx.spec.requiredBodySchema('updateOrganization'))) {
      const e = await ctx.sandbox.update(target, withValue({ name: ctx.sandbox.name('Refused') }, v.path, v.value));
      if (typeof e === 'string') throw new Skip(e);
      await attempt(update, v, e, schemaAt(ctx.spec.requiredBodySchema('updateOrganization'), v.path));
    }
    return out;
  },
);

function schemaAt(schema: Schema, path: string): Schema | undefined {
  if (path === '') return schema;
  let node: Schema | undefined = schema;
  for (const key of path.split('.')) node = node?.properties?.[key];
  return node;
}

/** A failing example of the property phase: what was sent, what came back, what was expected. */
interface Failed {
  input: unknown;
  exchange: Exchange;
  problem: string;
}

/** Runs one seeded property; a failure is shrunk by fast-check and reported with the seed that replays it. */
async function property<T>(
  ctx: CheckContext,
  operationId: string,
  arb: fc.Arbitrary<T>,
  probe: (input: T) => Promise<Failed | undefined>,
  runs: number,
): Promise<Finding[]> {
  let last: Failed | undefined;
  const result = await fc.check(
    fc.asyncProperty(arb, async (input) => {
      const failed = await probe(input);
      if (failed) last = failed;
      return failed === undefined;
    }),
    { seed: ctx.seed, numRuns: runs, endOnFailure: false },
  );
  if (!result.failed || !last) return [];
  const shrunk = result.counterexample?.[0] ?? last.input;
  return [
    ctx.finding({
      operation: operationId,
      expected: last.problem,
      actual: `${statusLine(last.exchange)} — minimal input: ${JSON.stringify(shrunk)?.slice(0, 300)}; replay with --seed ${result.seed} --examples ${ctx.examples}`,
      specLocation: ctx.spec.operationPointer(operationId),
      exchange: last.exchange,
    }),
  ];
}

/** Zone names the runner knows the verdict of, valid and not. */
const ZONES = [
  'Europe/Kyiv',
  'UTC',
  'Europe/Kiev',
  'Asia/Tokyo',
  'America/New_York',
  'Mars/Olympus',
  'Kyiv',
  '+02:00',
  'Europe/Nowhere',
];
const VALID_ZONES = new Set(ZONES.slice(0, 5));
const NAME_CHARS = [..."aZ9 .-'", 'é', 'Ж', '東', 'ß', 'ع', '!', '/', '<', '_', '@', '😀'];

/** The seeded property-based phase: search parameters always, create bodies with --allow-writes. */
export const propertyBased = scenario(
  'property_based',
  'Seeded random requests from the schemas, valid and invalid: search parameters, ids, and with --allow-writes create bodies (half as many). A valid request succeeds, an invalid one gets 400, none a 5xx. A failure is shrunk to a minimal request and reported with the seed that replays it (--seed, --examples).',
  [],
  async (ctx) => {
    const validators = ctx.spec.validators;
    const search = ctx.spec.op('searchOrganizations');
    const params = search.parameters.filter((p) => p.in === 'query');
    const queryArb = fc.record(
      Object.fromEntries(
        params.map((p) => {
          const s = p.schema;
          const valid = s.enum
            ? fc.constantFrom(...s.enum.map(String))
            : s.type === 'integer'
              ? fc
                  .integer({
                    min: (s.minimum ?? 0) - 2,
                    max: Math.min((s.maximum ?? 100) + 2, (s.minimum ?? 0) + 1200),
                  })
                  .map(String)
              : fc.string({ maxLength: (s.maxLength ?? 50) + 3, unit: 'grapheme' });
          const invalid = fc.constantFrom('abc', '-1', '1.5', '', ' ', '%');
          const value = fc.oneof({ weight: 5, arbitrary: valid }, { weight: 1, arbitrary: invalid });
          const arbitrary: fc.Arbitrary<string | undefined> = p.required ? value : fc.option(value, { nil: undefined });
          return [p.name, arbitrary] as const;
        }),
      ),
    );
    const validQuery = (query: Record<string, string | undefined>) =>
      params.every((p) => {
        const raw = query[p.name];
        if (raw === undefined) return !p.required;
        const typed = p.schema.type === 'integer' ? (/^-?\d+$/.test(raw) ? Number(raw) : raw) : raw;
        return validators.validate(p.schema, typed).length === 0;
      });
    const findings = await property(
      ctx,
      search.operationId,
      queryArb,
      async (query) => {
        const e = await send(ctx, request(ctx, search.operationId, query));
        const want = validQuery(query) ? 200 : 400;
        return e.response.status === want
          ? undefined
          : { input: query, exchange: e, problem: `${want} for ${want === 200 ? 'a valid' : 'an invalid'} search` };
      },
      ctx.examples,
    );
    if (findings.length) return findings;

    const get = ctx.spec.op('getOrganization');
    const orgIdSchema = get.parameters.find((p) => p.name === 'orgId')?.schema;
    if (orgIdSchema) {
      const idArb = fc.oneof(
        fc.integer({ min: -3, max: 2 ** 31 + 3 }).map(String),
        fc.constantFrom('abc', '1.5', '', '0x1', '1e3', ' 1'),
      );
      const found = await property(
        ctx,
        get.operationId,
        idArb,
        async (orgId) => {
          const e = await send(ctx, request(ctx, get.operationId, { orgId }));
          const valid = /^-?\d+$/.test(orgId) && validators.validate(orgIdSchema, Number(orgId)).length === 0;
          const ok = valid ? [200, 404].includes(e.response.status) : e.response.status === 400;
          return ok
            ? undefined
            : { input: orgId, exchange: e, problem: valid ? '200 or 404 for a valid id' : '400 for an invalid id' };
        },
        Math.max(1, Math.ceil(ctx.examples / 2)),
      );
      if (found.length) return found;
    }

    if (!ctx.allowWrites || ctx.sandbox.writesUnavailable || !ctx.spec.has('createOrganization')) return [];
    const schema = ctx.spec.requiredBodySchema('createOrganization');
    const nameSchema = schema.properties?.name ?? {};
    const description = schema.properties?.description;
    // Names carry the run's prefix, so that whatever a broken server keeps can be found again.
    const bodyArb = fc.record({
      suffix: fc.array(fc.constantFrom(...NAME_CHARS), { maxLength: 90 }).map((chars) => chars.join('')),
      pad: fc.constantFrom('', '  ', '\t'),
      tz: fc.option(fc.constantFrom(...ZONES), { nil: undefined }),
      description: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
      unitSystem: fc.option(fc.constantFrom('METRIC', 'IMPERIAL', 'metric', ''), { nil: undefined }),
    });
    const prefix = ctx.sandbox.name('P');
    return property(
      ctx,
      'createOrganization',
      bodyArb,
      async (b) => {
        const name = `${b.pad}${prefix} ${b.suffix}${b.pad}`;
        const body: Record<string, unknown> = { name, parentId: ctx.organizationId };
        for (const key of ['tz', 'description', 'unitSystem'] as const) if (b[key] !== undefined) body[key] = b[key];
        const trimmed = nameSchema['x-trim'] ? name.trim() : name;
        const valid =
          validators.validate(nameSchema, trimmed).length === 0 &&
          (b.tz === undefined || VALID_ZONES.has(b.tz)) &&
          (b.description === undefined ||
            !description ||
            validators.validate(description, b.description).length === 0) &&
          (b.unitSystem === undefined ||
            validators.validate(schema.properties?.unitSystem ?? {}, b.unitSystem).length === 0);
        const { exchange, id, unverified } = await ctx.sandbox.create(body, ctx.organizationId, trimmed);
        if (id !== undefined) await ctx.sandbox.deleteConfirmed(id);
        // A 2xx that could not be verified is writes_verified's failure, not this check's.
        const ok = valid ? id !== undefined || Boolean(unverified) : exchange.response.status === 400;
        return ok
          ? undefined
          : {
              input: body,
              exchange,
              problem: valid ? '201 for a valid body (and GET shows it)' : '400 for an invalid body',
            };
      },
      // Each example costs four requests (create, verify, delete, confirm): half as many.
      Math.max(1, Math.ceil(ctx.examples / 2)),
    );
  },
);

export const EXPLORATION_CHECKS = [positiveDataAccepted, negativeDataRejected, propertyBased];
