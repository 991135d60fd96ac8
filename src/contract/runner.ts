/**
 * Runs the generated checks against a target: obtains a token, finds the token's organization, runs
 * every check within the budget, applies the response checks to every exchange, and always removes
 * what the run created — also when a check fails or the run is interrupted.
 */
import { randomBytes } from 'node:crypto';
import type { SpecDocument } from '../spec/document.ts';
import { SpecValidators } from '../spec/validators.ts';
import { BudgetExceeded, type Exchange, TargetClient, TargetUnreachable } from './client.ts';
import { type CheckKind, type ContractCheck, clientCredentialsRequest, generateChecks, type RunContext } from './checks.ts';
import { RESPONSE_CHECKS } from './response-checks.ts';

export interface RunOptions {
  target: string;
  spec: SpecDocument;
  token?: string;
  clientId?: string;
  clientSecret?: string;
  allowWrites?: boolean;
  only?: string[];
  maxRps?: number;
  budgetSeconds?: number;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  /** Called as each check ends, for the live console line. */
  onResult?: (result: CheckResult) => void;
  sleep?: (ms: number) => Promise<void>;
  clock?: () => number;
}

export interface ExchangeRecord {
  operationId: string;
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody?: string;
  status: number;
  responseHeaders: Record<string, string>;
  responseBody: string;
  durationMs: number;
}

export interface CheckResult {
  name: string;
  kind: CheckKind;
  operationId: string;
  outcome: 'passed' | 'failed' | 'skipped';
  /** The named check function that failed. */
  failedCheck?: string;
  reason?: string;
  durationMs: number;
  exchanges: ExchangeRecord[];
}

export interface CoverageRow {
  operationId: string;
  statuses: Array<{ status: string; exercised: boolean }>;
}

export interface RunReport {
  target: string;
  runId: string;
  startedAt: string;
  durationMs: number;
  allowWrites: boolean;
  results: CheckResult[];
  coverage: CoverageRow[];
  interrupted: boolean;
  budgetExceeded: boolean;
  retriesAfter429: number;
  cleanup: { deleted: number[]; leftover: number[] };
  totals: { passed: number; failed: number; skipped: number };
}

const CLEANUP_GRACE_MS = 60_000;
const BUDGET_SPENT = 'the time budget is spent';

/** The runner itself cannot work: exit code 2. */
export class RunnerError extends Error {}

/** What a report may show of a request: tokens and client secrets are masked. */
function masked(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = name.toLowerCase() === 'authorization' ? value.replace(/^(\S+\s+)(.{0,4}).*$/, '$1$2…') : value;
  }
  return out;
}

function record(e: Exchange): ExchangeRecord {
  const body = e.request.body;
  return {
    operationId: e.request.operationId,
    method: e.request.method,
    url: e.request.url.replace(/client_secret=[^&]*/g, 'client_secret=…'),
    requestHeaders: masked(e.request.headers ?? {}),
    requestBody: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body).slice(0, 2000),
    status: e.response.status,
    responseHeaders: Object.fromEntries(e.response.headers),
    responseBody: e.response.text.slice(0, 2000),
    durationMs: Math.round(e.durationMs * 10) / 10,
  };
}

async function obtainToken(client: TargetClient, spec: SpecDocument, options: RunOptions): Promise<string> {
  if (options.token) return options.token;
  const op = spec.apiOperations.find((o) => !o.bearer);
  if (!op || !options.clientId || options.clientSecret === undefined) {
    throw new RunnerError('Give --token, or --client-id and --client-secret.');
  }
  const exchange = await client.send(clientCredentialsRequest(op, { clientId: options.clientId, clientSecret: options.clientSecret }));
  const token = (exchange.response.body as { access_token?: unknown } | undefined)?.access_token;
  if (exchange.response.status !== 200 || typeof token !== 'string') {
    throw new RunnerError(`Cannot obtain a token from ${exchange.request.url}: ${exchange.response.status} ${exchange.response.text.slice(0, 200)}`);
  }
  return token;
}

async function ownOrganization(client: TargetClient, spec: SpecDocument, token: string): Promise<number> {
  const op = spec.byId.get('getCurrentOrganization');
  if (!op) throw new RunnerError('openapi.yaml has no getCurrentOrganization operation.');
  const exchange = await client.send({ operationId: op.operationId, method: 'GET', path: op.path, headers: { Authorization: `Bearer ${token}` } });
  // Lenient on purpose: a malformed id here is reported by the checks, not taken as a reason to stop.
  const id = Number((exchange.response.body as { id?: unknown } | undefined)?.id);
  if (exchange.response.status !== 200 || !Number.isInteger(id)) {
    throw new RunnerError(`Cannot find the token's organization (GET ${op.path}): ${exchange.response.status} ${exchange.response.text.slice(0, 200)}`);
  }
  return id;
}

/** Deletes what the run created: the ids it saw, then anything still carrying its name prefix, children first. */
async function cleanUp(ctx: RunContext): Promise<{ deleted: number[]; leftover: number[] }> {
  const del = ctx.spec.byId.get('deleteOrganization');
  const search = ctx.spec.byId.get('searchOrganizations');
  const deleted: number[] = [];
  if (!del) return { deleted, leftover: [...ctx.created] };
  const headers = { Authorization: `Bearer ${ctx.token}` };
  if (search) {
    try {
      const found = await ctx.client.send({ operationId: search.operationId, method: 'GET', path: search.path, query: { query: ctx.namePrefix, size: '1000' }, headers });
      for (const org of (found.response.body as { content?: Array<{ id: number; name?: string }> })?.content ?? []) {
        if (org.name?.startsWith(ctx.namePrefix)) ctx.created.add(org.id);
      }
    } catch {
      // The ids already known are still removed below.
    }
  }
  // Newest first removes children before their parents; a second pass catches the rest.
  for (let pass = 0; pass < 2 && ctx.created.size > 0; pass++) {
    for (const id of [...ctx.created].sort((a, b) => b - a)) {
      try {
        const e = await ctx.client.send({ operationId: del.operationId, method: 'DELETE', path: del.path, query: { orgId: String(id) }, headers });
        if (e.response.status === 204 || e.response.status === 404) {
          ctx.created.delete(id);
          if (e.response.status === 204) deleted.push(id);
        }
      } catch {
        break;
      }
    }
  }
  return { deleted, leftover: [...ctx.created] };
}

function coverage(spec: SpecDocument, exchanges: Exchange[]): CoverageRow[] {
  const seen = new Set(exchanges.map((e) => `${e.request.operationId} ${e.response.status}`));
  return spec.apiOperations.map((op) => ({
    operationId: op.operationId,
    statuses: Object.keys(op.responses).map((status) => ({ status, exercised: seen.has(`${op.operationId} ${status}`) })),
  }));
}

export async function runContract(options: RunOptions): Promise<RunReport> {
  const started = Date.now();
  const validators = new SpecValidators(options.spec);
  const client = new TargetClient({
    target: options.target,
    fetch: options.fetch,
    maxRps: options.maxRps ?? 50,
    deadline: started + (options.budgetSeconds ?? 300) * 1000,
    sleep: options.sleep,
    clock: options.clock,
  });
  const runId = randomBytes(4).toString('hex');
  let token: string;
  let organizationId: number;
  try {
    token = await obtainToken(client, options.spec, options);
    organizationId = await ownOrganization(client, options.spec, token);
  } catch (error) {
    if (error instanceof TargetUnreachable || error instanceof BudgetExceeded) throw new RunnerError(error.message);
    throw error;
  }
  const ctx: RunContext = {
    client,
    spec: options.spec,
    validators,
    token,
    organizationId,
    namePrefix: `orgs-mock-contract ${runId}`,
    credentials: options.clientId && options.clientSecret !== undefined ? { clientId: options.clientId, clientSecret: options.clientSecret } : undefined,
    created: new Set(),
  };

  const only = options.only?.length ? new Set(options.only) : undefined;
  const unknown = [...(only ?? [])].filter((id) => !options.spec.apiOperations.some((op) => op.operationId === id));
  if (unknown.length > 0) throw new RunnerError(`--only names operations that openapi.yaml does not have: ${unknown.join(', ')}.`);
  const checks = generateChecks(options.spec).filter((c) => !only || only.has(c.operationId));

  const results: CheckResult[] = [];
  let budgetExceeded = false;
  let interrupted = false;
  let cleanup: RunReport['cleanup'] = { deleted: [], leftover: [] };
  try {
    for (const check of checks) {
      const result = await runOne(check, ctx, options, { budgetExceeded, interrupted: options.signal?.aborted ?? false });
      if (result.outcome === 'skipped' && result.reason === BUDGET_SPENT) budgetExceeded = true;
      if (options.signal?.aborted) interrupted = true;
      results.push(result);
      options.onResult?.(result);
    }
  } finally {
    // Removing what the run created matters more than the budget: it gets a grace period of its own.
    client.extendDeadline(CLEANUP_GRACE_MS);
    cleanup = await cleanUp(ctx).catch(() => ({ deleted: [], leftover: [...ctx.created] }));
  }
  const totals = { passed: 0, failed: 0, skipped: 0 };
  for (const r of results) totals[r.outcome]++;
  return {
    target: options.target,
    runId,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    allowWrites: options.allowWrites ?? false,
    results,
    coverage: coverage(options.spec, client.exchanges),
    interrupted,
    budgetExceeded,
    retriesAfter429: client.retries,
    cleanup,
    totals,
  };
}

function firstResponseProblem(exchanges: Exchange[], ctx: RunContext): string | undefined {
  for (const exchange of exchanges) {
    for (const responseCheck of RESPONSE_CHECKS) {
      const problem = responseCheck(exchange, ctx.validators);
      if (problem) return `${responseCheck.name}: ${exchange.request.method} ${exchange.request.url} → ${exchange.response.status}: ${problem}`;
    }
  }
  return undefined;
}

async function runOne(
  check: ContractCheck,
  ctx: RunContext,
  options: RunOptions,
  state: { budgetExceeded: boolean; interrupted: boolean },
): Promise<CheckResult> {
  const base = { name: check.name, kind: check.kind, operationId: check.operationId, durationMs: 0, exchanges: [] };
  const skip = (reason: string): CheckResult => ({ ...base, outcome: 'skipped', reason });
  if (state.interrupted || options.signal?.aborted) return skip('the run was interrupted');
  if (state.budgetExceeded) return skip(BUDGET_SPENT);
  if (check.writes && !options.allowWrites) return skip('needs --allow-writes');
  const skipReason = check.skipReason?.(ctx);
  if (skipReason) return skip(skipReason);

  const firstExchange = ctx.client.exchanges.length;
  const started = performance.now();
  let reason: string | undefined;
  try {
    reason = await check.run(ctx);
  } catch (error) {
    if (error instanceof BudgetExceeded) return skip(BUDGET_SPENT);
    reason = `runner_error: ${(error as Error).message}`;
  }
  const exchanges = ctx.client.exchanges.slice(firstExchange);
  // The response checks see every exchange first: their names say most precisely what broke.
  const conformance = firstResponseProblem(exchanges, ctx);
  if (conformance) reason = conformance;
  return {
    ...base,
    outcome: reason ? 'failed' : 'passed',
    failedCheck: reason?.split(':')[0],
    reason,
    durationMs: Math.round(performance.now() - started),
    exchanges: exchanges.map(record),
  };
}
