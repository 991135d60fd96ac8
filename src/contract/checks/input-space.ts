/**
 * Generated exploration of the input space the spec describes, judged by the model: each optional body
 * field absent, `null`, `""`, at its exact length limit and one past it; the body without a Content-Type
 * and with an odd one; `PUT` without `orgId` (as a refusal probe only); and seeded stateful sequences of
 * create → update → get → search → delete, shrunk to a minimal failing sequence and replayable with --seed.
 */
import fc from 'fast-check';
import type { Schema } from '../../openapi/document.ts';
import type { Exchange } from '../client.ts';
import { type CheckContext, scenario } from '../context.ts';
import { fieldsOf } from '../json.ts';
import type { Finding, FindingInput } from '../model.ts';
import { request, requireCreate, send, statusLine } from './support.ts';

/** A string of exactly `length` characters that the schema's pattern allows (letters usually are). */
function fitting(schema: Schema, length: number): string | undefined {
  for (const ch of ['a', 'A', '1', ' ']) {
    const value = ch.repeat(length);
    if (schema.pattern === undefined || new RegExp(schema.pattern, 'u').test(value)) return value;
  }
  return undefined;
}

/** The oracle's findings on the exchanges sent since `from`, as this check's. */
function judged(ctx: CheckContext, from: number): FindingInput[] {
  return ctx.client.exchanges.slice(from).flatMap((e) => ctx.oracle.findingsFor(e));
}

export const inputClasses = scenario(
  'input_classes',
  'With --allow-writes: a body that is not JSON; each optional create field absent, null and "" (a value class each), each string at its exact maxLength (accepted) and one past it (400); an organization with every field set (a name of exactly the longest length, a phone number with every separator, every address field) renamed to another longest name, its answer and a later GET showing every other field as before; the body with an empty and with an odd Content-Type (an absent one is treated as JSON); PUT without orgId only as a refusal probe with a body that is no JSON object, the token\'s organization read back unchanged. Every answer is judged by answers_match_model; a length limit off by one is this check\'s finding.',
  ['writes'],
  async (ctx) => {
    requireCreate(ctx);
    const out: Finding[] = [];
    const schema = ctx.spec.requiredBodySchema('createOrganization');
    const base = () => ({ name: ctx.sandbox.name('Class'), parentId: ctx.organizationId });
    for (const [field, property] of Object.entries(schema.properties ?? {})) {
      if (field === 'name' || field === 'parentId') continue;
      for (const value of [undefined, null, '']) {
        if (value === '' && property.type !== 'string') continue;
        await ctx.sandbox.create({ ...base(), [field]: value }, ctx.organizationId);
      }
      if (property.type !== 'string' || property.maxLength === undefined || property.enum) continue;
      const longest = fitting(property, property.maxLength);
      const over = fitting(property, property.maxLength + 1);
      if (longest === undefined || over === undefined) continue;
      const at = await ctx.sandbox.create({ ...base(), [field]: longest }, ctx.organizationId);
      const past = await ctx.sandbox.create({ ...base(), [field]: over }, ctx.organizationId);
      const pointer = ctx.spec.pointerOf(property);
      if (at.exchange.response.status !== 201 && at.exchange.response.status < 500)
        out.push(
          limitFinding(ctx, at.exchange, `201 for ${field} of exactly ${property.maxLength} characters`, pointer),
        );
      if (past.exchange.response.status !== 400 && past.exchange.response.status < 500)
        out.push(limitFinding(ctx, past.exchange, `400 for ${field} of ${property.maxLength + 1} characters`, pointer));
    }
    // Fields a create does not take are ignored (parentOrganizationId where parentId was meant, the legacy
    // type); a null parentId is not given: both file under the token's organization.
    const elsewhere = await ctx.sandbox.create(base(), ctx.organizationId);
    if (elsewhere.id !== undefined) {
      await ctx.sandbox.create(
        { name: ctx.sandbox.name('Ignored'), parentOrganizationId: elsewhere.id, type: 2 },
        ctx.organizationId,
      );
      await ctx.sandbox.create({ name: ctx.sandbox.name('Null parent'), parentId: null }, ctx.organizationId);
      // An update renames only: other fields are ignored, the name is trimmed.
      await ctx.sandbox.update(elsewhere.id, {
        name: `  ${ctx.sandbox.name('Renamed')}  `,
        tz: 'UTC',
        description: 'Changed',
      });
      await send(ctx, ctx.sandbox.getRequest(elsewhere.id));
    }
    // Defaults come from the parent, not from the token's organization: a parent unlike it, and a child.
    const [tz, unitSystem] = [
      ctx.ownOrganization.tz === 'Asia/Tokyo' ? 'America/New_York' : 'Asia/Tokyo',
      ctx.ownOrganization.unitSystem === 'IMPERIAL' ? 'METRIC' : 'IMPERIAL',
    ];
    const unlike = await ctx.sandbox.create({ ...base(), tz, unitSystem }, ctx.organizationId);
    if (unlike.id !== undefined) {
      const child = { name: ctx.sandbox.name('Inherits'), parentId: unlike.id };
      await ctx.sandbox.create(child, unlike.id);
    }
    // Every field set at once, at its boundaries and classes: a name of exactly the longest length, a phone
    // number with every separator the pattern allows after the '+', every address field, a zone and a unit
    // system unlike the parent's. The answer must carry each as sent (answers_match_model); an update to
    // another longest name must then leave every other field as it was, in its answer and on a later GET.
    const nameMax = schema.properties?.name?.maxLength;
    const longName = (label: string) => {
      const start = ctx.sandbox.name(label);
      return typeof nameMax === 'number' && nameMax > start.length
        ? `${start} ${'n'.repeat(nameMax - start.length - 1)}`
        : start;
    };
    const full = {
      name: longName('Full'),
      parentId: ctx.organizationId,
      description: 'Every field set: commas, colons; quotes " and \' & 100% — ünïcödé',
      phoneNumber: '+12 (345) 678-90.1234',
      address: {
        fullAddress: '1 Main St., Suite 2',
        country: 'Ukraine',
        city: 'Kyiv',
        state: 'Kyiv City',
        zip: '01001',
      },
      tz,
      unitSystem,
    };
    const made = await ctx.sandbox.create(full, ctx.organizationId);
    const namePointer = ctx.spec.pointerOf(schema.properties?.name);
    if (made.exchange.response.status !== 201 && made.exchange.response.status < 500)
      out.push(
        limitFinding(
          ctx,
          made.exchange,
          `201 for a create with every field set and a name of exactly ${String(nameMax)} characters`,
          namePointer,
        ),
      );
    if (made.id !== undefined) {
      const renamed = await ctx.sandbox.update(made.id, { name: longName('Full renamed') });
      if (typeof renamed !== 'string' && renamed.response.status !== 200 && renamed.response.status < 500)
        out.push(
          limitFinding(
            ctx,
            renamed,
            `200 for an update to a name of exactly ${String(nameMax)} characters`,
            namePointer,
          ),
        );
      await send(ctx, ctx.sandbox.getRequest(made.id));
    }
    // Case-insensitive matching beyond ASCII: a name of the run in Greek and Cyrillic, searched in other cases.
    const greek = ctx.sandbox.name('Ωμέγα Жук');
    if ((await ctx.sandbox.create({ name: greek, parentId: ctx.organizationId }, ctx.organizationId)).id !== undefined)
      for (const query of ['ωμέγα жук', 'ΩΜΈΓΑ ЖУК'])
        await send(ctx, request(ctx, 'searchOrganizations', { query, size: '1000' }));
    // A body that is not JSON at all: 400, and nothing is created.
    await ctx.sandbox.create(`{"name": "${ctx.sandbox.name('Broken JSON')}"`, ctx.organizationId);
    // Content-Type: an empty one as near to absent as the client sends ([doc]: absent is JSON), and an odd one.
    for (const type of ['', 'text/plain']) {
      const req = request(ctx, 'createOrganization', {}, base());
      req.headers = { ...req.headers, 'Content-Type': type };
      await createWithHeaders(ctx, req);
    }
    await putWithoutOrgId(ctx);
    return out;
  },
);

function limitFinding(ctx: CheckContext, e: Exchange, expected: string, pointer: string): Finding {
  return ctx.finding({
    operation: e.request.operationId,
    expected,
    actual: statusLine(e),
    specLocation: pointer,
    exchange: e,
  });
}

/**
 * A create with headers of its own (the sandbox sends JSON only). A create only adds; what it made is
 * verified as the sandbox verifies (a new id whose GET shows the run's name under the asked parent) and
 * then handed to the sandbox, which removes it at clean-up. Anything else it made is listed by name there.
 */
async function createWithHeaders(ctx: CheckContext, req: ReturnType<typeof request>): Promise<void> {
  const e = await send(ctx, req);
  const id = fieldsOf(e.response.body)?.id;
  const name = fieldsOf(req.body)?.name;
  if (e.response.status !== 201 || typeof id !== 'number' || typeof name !== 'string') return;
  if (ctx.sandbox.seenIds.has(id) || ctx.sandbox.owns(id) || id === ctx.organizationId) return;
  const check = await send(ctx, ctx.sandbox.getRequest(id));
  const org = fieldsOf(check.response.body);
  if (check.response.status === 200 && org?.name === name.trim() && org.parentOrganizationId === ctx.organizationId)
    ctx.sandbox.owned.set(id, { id, name: name.trim(), parentId: ctx.organizationId });
}

/**
 * `PUT` without `orgId` renames the token's own organization, which the run never created: it is sent only
 * with a body that is no JSON object (refused with 400 by any server that validates), and the model then
 * predicts the token's organization unchanged on the read that follows.
 */
async function putWithoutOrgId(ctx: CheckContext): Promise<void> {
  // Only once the sandbox's own probe showed that updates go where orgId says.
  if (ctx.sandbox.updatesUnsafe !== undefined) return;
  const req = request(ctx, 'updateOrganization', {}, ['not', 'an', 'object']);
  try {
    await send(ctx, req);
  } catch (error) {
    // The client's write guard may refuse any write to an id the run did not create: then it is not sent.
    ctx.say(`PUT without orgId not sent: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** One step of a stateful sequence, on organizations the sequence created itself. */
type Step =
  | { op: 'create'; under: number; label: string }
  | { op: 'update'; which: number; label: string }
  | { op: 'get'; which: number }
  | { op: 'search'; which: number }
  | { op: 'delete'; which: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('create' as const),
      under: fc.nat(3),
      label: fc.constantFrom('Alpha', 'Beta', 'Gamma Δ', "O'Neil"),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('update' as const),
      which: fc.nat(5),
      label: fc.constantFrom('Renamed', 'Zeta', 'Ωmega'),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('get' as const), which: fc.nat(5) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('search' as const), which: fc.nat(5) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), which: fc.nat(5) }) },
);

export const statefulSequences = scenario(
  'stateful_sequences',
  'With --allow-writes: seeded random sequences of create → update → get → search → delete on organizations the sequence creates, then each of them read back, every answer judged by the model. A failing sequence is shrunk to a minimal one and reported with the seed that replays it (--seed, --examples).',
  ['writes'],
  async (ctx) => {
    requireCreate(ctx);
    let last: { steps: Step[]; problem: FindingInput } | undefined;
    const runs = Math.max(2, Math.ceil(ctx.examples / 8));
    const result = await fc.check(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 6 }), async (steps) => {
        const from = ctx.client.exchanges.length;
        await play(ctx, steps);
        const problem = judged(ctx, from)[0];
        if (problem) last = { steps, problem };
        return problem === undefined;
      }),
      { seed: ctx.seed, numRuns: runs, endOnFailure: false, interruptAfterTimeLimit: 10_000 },
    );
    if (!result.failed || !last) return [];
    const minimal = result.counterexample?.[0] ?? last.steps;
    return [
      ctx.finding({
        ...last.problem,
        actual: `${last.problem.actual} — minimal sequence: ${describe(minimal)}; replay with --seed ${result.seed} --examples ${ctx.examples}`,
      }),
    ];
  },
);

function describe(steps: Step[]): string {
  return steps
    .map((s) =>
      s.op === 'create' ? `create under #${s.under}` : s.op === 'update' ? `update #${s.which}` : `${s.op} #${s.which}`,
    )
    .join(' → ');
}

/** Plays a sequence: `#n` is the n-th organization the sequence created (modulo how many exist), #0 the token's. */
async function play(ctx: CheckContext, steps: Step[]): Promise<void> {
  const made: number[] = [];
  const pick = (n: number) => (made.length === 0 ? undefined : made[n % made.length]);
  for (const step of steps) {
    if (step.op === 'create') {
      const parent = step.under === 0 ? ctx.organizationId : (pick(step.under) ?? ctx.organizationId);
      const { id } = await ctx.sandbox.create({ name: ctx.sandbox.name(step.label), parentId: parent }, parent);
      if (id !== undefined) made.push(id);
      continue;
    }
    const id = pick(step.which);
    if (id === undefined) continue;
    if (step.op === 'update') await ctx.sandbox.update(id, { name: ctx.sandbox.name(step.label) });
    else if (step.op === 'get') await send(ctx, ctx.sandbox.getRequest(id));
    else if (step.op === 'search') {
      const name = ctx.model.orgs.get(id)?.name ?? ctx.sandbox.namePrefix;
      await send(ctx, request(ctx, 'searchOrganizations', { query: name, size: '1000' }));
    } else if (ctx.model.children(id).length === 0) {
      const { removed } = await ctx.sandbox.deleteConfirmed(id);
      if (removed) made.splice(made.indexOf(id), 1);
    }
  }
  // The end state: every organization the sequence made, read back.
  for (const id of made) await send(ctx, ctx.sandbox.getRequest(id));
}
