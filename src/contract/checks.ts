/**
 * The contract checks, generated from openapi.yaml: positive, negative data, auth, not found, OAuth and
 * the stateful lifecycle. Each kind is one small named function; the spec decides how many of each.
 */
import { exampleOf, type Operation, type SpecDocument } from '../spec/document.ts';
import type { SpecValidators } from '../spec/validators.ts';
import type { Exchange, OutgoingRequest, TargetClient } from './client.ts';
import { bodyViolations, describeViolation, queryViolations, type Violation, validValue, withValue } from './generate.ts';

export type CheckKind = 'positive' | 'negative' | 'auth' | 'not-found' | 'oauth' | 'stateful';

export interface RunContext {
  client: TargetClient;
  spec: SpecDocument;
  validators: SpecValidators;
  token: string;
  organizationId: number;
  /** Every name the run gives starts with it, so that whatever it created can be found again. */
  namePrefix: string;
  credentials?: { clientId: string; clientSecret: string };
  /** Ids of organizations this run created and has not deleted yet. */
  created: Set<number>;
}

export interface ContractCheck {
  name: string;
  kind: CheckKind;
  operationId: string;
  /** Checks that may change the target's data run only with --allow-writes. */
  writes: boolean;
  /** Why the check cannot run in this context, if it cannot. */
  skipReason?(ctx: RunContext): string | undefined;
  /** Resolves to the reason of a failure, `<check_function>: <why>`, or undefined when it passed. */
  run(ctx: RunContext): Promise<string | undefined>;
}

/** An id that no server will have: the largest int32. */
export const UNKNOWN_ID = 2_147_483_647;

let nameCounter = 0;
export function uniqueName(ctx: RunContext, label: string): string {
  return `${ctx.namePrefix} ${label} ${++nameCounter}`.slice(0, 100);
}

const isSuccess = (status: number) => status >= 200 && status < 300;
const summary = (e: Exchange) => `${e.request.method} ${e.request.url} → ${e.response.status} ${e.response.text.slice(0, 200)}`;

function authHeader(ctx: RunContext): Record<string, string> {
  return { Authorization: `Bearer ${ctx.token}` };
}

/** Sends a create and remembers the new id, so the run can remove it again. */
export async function sendAndTrack(ctx: RunContext, request: OutgoingRequest): Promise<Exchange> {
  const exchange = await ctx.client.send(request);
  const id = (exchange.response.body as { id?: unknown } | undefined)?.id;
  if (request.operationId === 'createOrganization' && isSuccess(exchange.response.status) && typeof id === 'number') {
    ctx.created.add(id);
  }
  return exchange;
}

/** A new organization of this run under the token's organization, for checks that change one. */
async function scratchOrganization(ctx: RunContext, label: string): Promise<number | string> {
  const exchange = await sendAndTrack(ctx, {
    operationId: 'createOrganization',
    method: 'POST',
    path: ctx.spec.byId.get('createOrganization')?.path ?? '/api/v1/organization/create',
    headers: authHeader(ctx),
    body: { name: uniqueName(ctx, label), parentId: ctx.organizationId },
  });
  const id = (exchange.response.body as { id?: unknown } | undefined)?.id;
  return exchange.response.status === 201 && typeof id === 'number' ? id : `could not create a scratch organization: ${summary(exchange)}`;
}

/**
 * A valid request for an operation, from its examples and schemas. Identifiers point at what the run
 * may touch: its own organization for reads, a scratch organization of its own for writes.
 */
async function validRequest(ctx: RunContext, op: Operation): Promise<OutgoingRequest | string> {
  const query: Record<string, string> = {};
  for (const p of op.parameters.filter((param) => param.in === 'query' && param.required)) {
    query[p.name] = String(p.example ?? validValue(p.schema));
  }
  if (op.parameters.some((p) => p.name === 'orgId')) {
    if (op.method === 'get') query.orgId = String(ctx.organizationId);
    else {
      const scratch = await scratchOrganization(ctx, `${op.operationId} target`);
      if (typeof scratch === 'string') return scratch;
      query.orgId = String(scratch);
    }
  }
  const request: OutgoingRequest = { operationId: op.operationId, method: op.method.toUpperCase(), path: op.path, query, headers: authHeader(ctx) };
  const media = op.requestBody?.content['application/json'];
  if (media?.schema) {
    let body = exampleOf(media) ?? validValue(media.schema);
    if (media.schema.properties?.name) body = withValue(body, 'name', uniqueName(ctx, op.operationId));
    if (media.schema.properties?.parentId) body = withValue(body, 'parentId', ctx.organizationId);
    request.body = body;
  }
  return request;
}

function positive(op: Operation): ContractCheck {
  return {
    name: `positive ${op.operationId}`,
    kind: 'positive',
    operationId: op.operationId,
    writes: op.method !== 'get',
    async run(ctx) {
      const request = await validRequest(ctx, op);
      if (typeof request === 'string') return `documented_success: ${request}`;
      const exchange = await sendAndTrack(ctx, request);
      const documented = Object.keys(op.responses).map(Number).filter(isSuccess);
      if (!documented.includes(exchange.response.status)) {
        return `documented_success: expected ${documented.join(' or ')}, got ${summary(exchange)}`;
      }
      return undefined;
    },
  };
}

function tokenPositive(op: Operation): ContractCheck {
  return {
    name: `positive ${op.operationId}`,
    kind: 'positive',
    operationId: op.operationId,
    writes: false,
    skipReason: (ctx) => (ctx.credentials ? undefined : 'needs --client-id and --client-secret'),
    async run(ctx) {
      if (!ctx.credentials) return 'documented_success: no client credentials';
      const exchange = await ctx.client.send(clientCredentialsRequest(op, ctx.credentials));
      return exchange.response.status === 200 ? undefined : `documented_success: expected 200, got ${summary(exchange)}`;
    },
  };
}

export function clientCredentialsRequest(op: Operation, credentials: { clientId: string; clientSecret: string }): OutgoingRequest {
  const basic = Buffer.from(`${encodeURIComponent(credentials.clientId)}:${encodeURIComponent(credentials.clientSecret)}`).toString('base64');
  return {
    operationId: op.operationId,
    method: 'POST',
    path: op.path,
    query: { grant_type: 'client_credentials' },
    headers: { Authorization: `Basic ${basic}` },
  };
}

function negative(op: Operation, violation: Violation): ContractCheck {
  const writes = op.method !== 'get';
  return {
    name: `negative ${op.operationId} ${describeViolation(violation)}`,
    kind: 'negative',
    operationId: op.operationId,
    writes,
    async run(ctx) {
      const request = await validRequest(ctx, op);
      if (typeof request === 'string') return `invalid_data_rejected: ${request}`;
      if (violation.location === 'query') {
        const query = { ...request.query };
        if (violation.value === undefined) delete query[violation.path];
        else query[violation.path] = String(violation.value);
        request.query = query;
      } else {
        request.body = withValue(request.body, violation.path, violation.value);
      }
      const exchange = await sendAndTrack(ctx, request);
      const { status } = exchange.response;
      if (status >= 400 && status < 500 && op.responses[String(status)]) return undefined;
      const verdict = isSuccess(status) ? 'the invalid request was accepted' : 'expected a documented 4xx';
      return `invalid_data_rejected: ${verdict}: ${summary(exchange)}`;
    },
  };
}

const AUTH_VARIANTS = {
  'missing token': undefined,
  'malformed header': 'Bearer',
  'unknown token': 'Bearer orgs-mock-contract-unknown-token',
} as const;

/** Requests that change nothing even on a server that ignores authentication. */
function harmlessRequest(ctx: RunContext, op: Operation): OutgoingRequest {
  const query: Record<string, string> = {};
  for (const p of op.parameters.filter((param) => param.in === 'query')) {
    if (p.name === 'orgId') query.orgId = String(UNKNOWN_ID);
    else if (p.required) query[p.name] = String(p.example ?? validValue(p.schema));
  }
  // A create without a body would make nothing, even if the server skipped authentication.
  const body = op.operationId === 'createOrganization' ? {} : op.requestBody ? { name: uniqueName(ctx, 'auth') } : undefined;
  return { operationId: op.operationId, method: op.method.toUpperCase(), path: op.path, query, body };
}

function auth(op: Operation, variant: keyof typeof AUTH_VARIANTS): ContractCheck {
  return {
    name: `auth ${op.operationId} ${variant}`,
    kind: 'auth',
    operationId: op.operationId,
    writes: false,
    async run(ctx) {
      const request = harmlessRequest(ctx, op);
      const header = AUTH_VARIANTS[variant];
      if (header) request.headers = { Authorization: header };
      const exchange = await sendAndTrack(ctx, request);
      if (exchange.response.status !== 401) return `auth_required: expected 401, got ${summary(exchange)}`;
      const challenge = exchange.response.headers.get('www-authenticate') ?? '';
      if (!/^Bearer( |$)/i.test(challenge)) return `auth_required: 401 without a "WWW-Authenticate: Bearer" challenge (got "${challenge}")`;
      return undefined;
    },
  };
}

function notFound(op: Operation): ContractCheck {
  return {
    name: `not-found ${op.operationId}`,
    kind: 'not-found',
    operationId: op.operationId,
    writes: false,
    async run(ctx) {
      const request = harmlessRequest(ctx, op);
      request.headers = authHeader(ctx);
      const exchange = await sendAndTrack(ctx, request);
      const message = (exchange.response.body as { error?: { message?: unknown } } | undefined)?.error?.message;
      if (exchange.response.status !== 404 || typeof message !== 'string') {
        return `unknown_id_not_found: expected 404 with the Error body for orgId=${UNKNOWN_ID}, got ${summary(exchange)}`;
      }
      return undefined;
    },
  };
}

function oauthUnknownClient(op: Operation): ContractCheck {
  return {
    name: `oauth ${op.operationId} unknown client`,
    kind: 'oauth',
    operationId: op.operationId,
    writes: false,
    async run(ctx) {
      const exchange = await ctx.client.send(
        clientCredentialsRequest(op, { clientId: `${ctx.namePrefix.replace(/\s+/g, '-')}-unknown-client`, clientSecret: 'wrong' }),
      );
      const { status } = exchange.response;
      if (status >= 400 && status < 500 && op.responses[String(status)]) return undefined;
      return `oauth_client_rejected: expected a documented 4xx for an unknown client, got ${summary(exchange)}`;
    },
  };
}

/** A body past the 2 MB limit that the spec documents with 413. */
function oversizedBody(op: Operation): ContractCheck {
  return {
    name: `negative ${op.operationId} body over 2 MB`,
    kind: 'negative',
    operationId: op.operationId,
    writes: true,
    async run(ctx) {
      const request = await validRequest(ctx, op);
      if (typeof request === 'string') return `oversized_body_rejected: ${request}`;
      request.body = { ...(request.body as object), padding: 'x'.repeat(2 * 1024 * 1024) };
      const exchange = await sendAndTrack(ctx, request);
      return exchange.response.status === 413 ? undefined : `oversized_body_rejected: expected 413, got ${summary(exchange)}`;
    },
  };
}

/** A parent that does not exist: documented as 404 where the body takes a parentId. */
function unknownParent(op: Operation): ContractCheck {
  return {
    name: `not-found ${op.operationId} parentId`,
    kind: 'not-found',
    operationId: op.operationId,
    writes: true,
    async run(ctx) {
      const request = await validRequest(ctx, op);
      if (typeof request === 'string') return `unknown_id_not_found: ${request}`;
      request.body = withValue(request.body, 'parentId', UNKNOWN_ID);
      const exchange = await sendAndTrack(ctx, request);
      return exchange.response.status === 404
        ? undefined
        : `unknown_id_not_found: expected 404 for parentId=${UNKNOWN_ID}, got ${summary(exchange)}`;
    },
  };
}

/** create → get → search → update → get → delete → get 404 → delete 404, on an organization of its own. */
function lifecycle(spec: SpecDocument): ContractCheck {
  const op = (id: string) => spec.byId.get(id) as Operation;
  return {
    name: 'stateful lifecycle',
    kind: 'stateful',
    operationId: 'createOrganization',
    writes: true,
    async run(ctx) {
      const send = (operationId: string, query: Record<string, string>, body?: unknown) =>
        sendAndTrack(ctx, { operationId, method: op(operationId).method.toUpperCase(), path: op(operationId).path, query, body, headers: authHeader(ctx) });
      const fail = (step: string, e: Exchange, why: string) => `stateful_lifecycle: ${step}: ${why}: ${summary(e)}`;
      const name = uniqueName(ctx, 'Lifecycle');
      const created = await send('createOrganization', {}, { name, parentId: ctx.organizationId });
      const org = created.response.body as { id?: number; name?: string; parentOrganizationId?: number } | undefined;
      if (created.response.status !== 201 || typeof org?.id !== 'number') return fail('create', created, 'expected 201 with an id');
      if (org.name !== name || org.parentOrganizationId !== ctx.organizationId) return fail('create', created, 'the body does not show what was sent');
      const orgId = String(org.id);

      const fetched = await send('getOrganization', { orgId });
      if (fetched.response.status !== 200 || (fetched.response.body as { name?: string })?.name !== name) {
        return fail('get after create', fetched, `expected 200 with name "${name}"`);
      }
      const found = await send('searchOrganizations', { query: name });
      const content = (found.response.body as { content?: Array<{ id?: number }> })?.content ?? [];
      if (found.response.status !== 200 || !content.some((o) => o.id === org.id)) return fail('search', found, `expected ${orgId} among the results`);

      const renamed = `${name} Renamed`.slice(0, 100);
      const updated = await send('updateOrganization', { orgId }, { name: renamed });
      if (updated.response.status !== 200 || (updated.response.body as { name?: string })?.name !== renamed) {
        return fail('update', updated, `expected 200 with name "${renamed}"`);
      }
      const refetched = await send('getOrganization', { orgId });
      if ((refetched.response.body as { name?: string })?.name !== renamed) return fail('get after update', refetched, 'the new name is not shown');

      const deleted = await send('deleteOrganization', { orgId });
      if (deleted.response.status !== 204) return fail('delete', deleted, 'expected 204');
      ctx.created.delete(org.id);
      const gone = await send('getOrganization', { orgId });
      if (gone.response.status !== 404) {
        if (gone.response.status === 200) ctx.created.add(org.id);
        return fail('get after delete', gone, 'expected 404');
      }
      const again = await send('deleteOrganization', { orgId });
      if (again.response.status !== 404) return fail('delete again', again, 'expected 404');
      return undefined;
    },
  };
}

/** Every check that openapi.yaml implies, in a stable order. */
export function generateChecks(spec: SpecDocument): ContractCheck[] {
  const checks: ContractCheck[] = [];
  for (const op of spec.apiOperations) {
    if (!op.bearer) {
      checks.push(tokenPositive(op), oauthUnknownClient(op));
      continue;
    }
    checks.push(positive(op));
    const violations = [...queryViolations(op)];
    const bodySchema = op.requestBody?.content['application/json']?.schema;
    if (bodySchema) violations.push(...bodyViolations(bodySchema));
    for (const violation of violations) checks.push(negative(op, violation));
    if (op.responses['413'] && bodySchema) checks.push(oversizedBody(op));
    if (op.responses['404'] && bodySchema?.properties?.parentId) checks.push(unknownParent(op));
    for (const variant of Object.keys(AUTH_VARIANTS) as Array<keyof typeof AUTH_VARIANTS>) checks.push(auth(op, variant));
    if (op.parameters.some((p) => p.name === 'orgId')) checks.push(notFound(op));
  }
  const ids = new Set(spec.apiOperations.map((op) => op.operationId));
  if (['createOrganization', 'getOrganization', 'searchOrganizations', 'updateOrganization', 'deleteOrganization'].every((id) => ids.has(id))) {
    checks.push(lifecycle(spec));
  }
  return checks;
}
