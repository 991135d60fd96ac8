/**
 * Runs the registered checks against a target: obtains a token, finds the token's organization, runs
 * each chosen scenario within the budget, applies the exchange checks to every exchange, and always
 * removes what the run created (each removal confirmed) — also when a check fails or the run is stopped.
 */
import { randomBytes } from 'node:crypto';
import type { SpecDocument } from '../openapi/document.ts';
import { BudgetExceeded, type Exchange, TargetClient, TargetUnreachable, WriteRefused } from './client.ts';
import { ContractSpec } from './contract-spec.ts';
import { fieldsOf } from './json.ts';
import type { Check, CheckContext, Finding, Requirement, ScenarioCheck } from './model.ts';
import { Skip } from './model.ts';
import { CHECKS } from './registry.ts';
import { type CheckRecap, groupFindings, Masker, REPORT_FORMAT, type RunReport } from './report.ts';
import { Sandbox, WRITES_VERIFIED } from './sandbox.ts';

export interface RunOptions {
  target: string;
  spec: SpecDocument;
  token?: string;
  otherToken?: string;
  clientId?: string;
  clientSecret?: string;
  otherClientId?: string;
  otherClientSecret?: string;
  allowWrites?: boolean;
  strict?: boolean;
  checks?: string[];
  excludeChecks?: string[];
  checkRateLimit?: boolean;
  rateLimitBurst?: number;
  seed?: number;
  examples?: number;
  maxRps?: number;
  budgetSeconds?: number;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  /**
   * Progress for the console: a line as each check ends (the exchange checks' once all is sent), with the
   * other checks that found failures in its requests; and notes such as waits on Retry-After.
   */
  onCheck?: (recap: CheckRecap, foundInItsRequestsBy?: string[]) => void;
  onNote?: (line: string) => void;
  /** Receives the leftovers getter, so that a second Ctrl-C can print what is left behind. */
  onSandbox?: (leftovers: () => Array<{ id: number; name: string }>) => void;
  sleep?: (ms: number) => Promise<void>;
  clock?: () => number;
  /** The caller's masker (the CLI masks what it prints with it, fatal errors included); it learns the run's secrets. */
  masker?: Masker;
}

/** What diff compares: each exchange of each check, masked. */
export interface LoggedExchange {
  check: string;
  method: string;
  url: string;
  /** The request body, masked (diff pairs exchanges by request). */
  requestBody?: string;
  status: number;
  responseBody: string;
}

export interface RunResult {
  report: RunReport;
  log: LoggedExchange[];
}

const CLEANUP_GRACE_MS = 60_000;
export const DEFAULT_SEED = 20_260_101;

/** The runner itself cannot work: exit code 2. */
export class RunnerError extends Error {}

export function selectChecks(options: Pick<RunOptions, 'checks' | 'excludeChecks'>): Check[] {
  const names = new Set(CHECKS.map((c) => c.name));
  const unknown = [...(options.checks ?? []), ...(options.excludeChecks ?? [])].filter((n) => !names.has(n));
  if (unknown.length)
    throw new RunnerError(`Unknown check ${unknown.join(', ')}; the checks are: ${[...names].join(', ')}.`);
  const only = options.checks?.length ? new Set(options.checks) : undefined;
  const excluded = new Set(options.excludeChecks ?? []);
  let chosen = CHECKS.filter((c) => (!only || only.has(c.name)) && !excluded.has(c.name));
  // Exchange checks need traffic: when only they are named, the exploration sends it (its verdicts stay out).
  if (only && !chosen.some((c) => c.kind === 'scenario'))
    chosen = [
      ...chosen,
      ...CHECKS.filter((c) => c.name === 'positive_data_accepted' || c.name === 'negative_data_rejected').map((c) => ({
        ...c,
        trafficOnly: true,
      })),
    ];
  return chosen;
}

async function obtainToken(client: TargetClient, spec: ContractSpec, options: RunOptions): Promise<string> {
  if (options.token) return options.token;
  const op = spec.operations.find((o) => !o.bearer);
  if (!op || !options.clientId || options.clientSecret === undefined)
    throw new RunnerError('Give --token, or --client-id and --client-secret.');
  const basic = Buffer.from(
    `${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`,
  ).toString('base64');
  const e = await client.send({
    operationId: op.operationId,
    method: 'POST',
    path: op.path,
    query: { grant_type: 'client_credentials' },
    headers: { Authorization: `Basic ${basic}` },
  });
  const token = fieldsOf(e.response.body)?.access_token;
  if (e.response.status !== 200 || typeof token !== 'string')
    throw new RunnerError(
      `Cannot obtain a token from ${op.path}: ${e.response.status} ${e.transport ? `${e.transport.detail} ` : ''}${e.response.text.slice(0, 200).replace(/"(access|refresh)_token":"[^"]*"/g, '"$1_token":"…"')}`,
    );
  return token;
}

async function ownOrganization(
  client: TargetClient,
  spec: ContractSpec,
  token: string,
): Promise<Record<string, unknown>> {
  const op = spec.op('getCurrentOrganization');
  const e = await client.send({
    operationId: op.operationId,
    method: 'GET',
    path: op.path,
    headers: { Authorization: `Bearer ${token}` },
  });
  const body = fieldsOf(e.response.body);
  if (e.response.status !== 200 || !body || !Number.isInteger(Number(body.id))) {
    throw new RunnerError(
      `Cannot find the token's organization (GET ${op.path}): ${e.response.status} ${e.transport ? `${e.transport.detail} ` : ''}${e.response.text.slice(0, 200)}`,
    );
  }
  return body;
}

/** Every organization id the token can see, a few pages deep: ids a create must never answer. */
async function inventory(ctx: CheckContext): Promise<void> {
  const op = ctx.spec.op('searchOrganizations');
  for (let page = 0; page < 5; page++) {
    const e = await ctx.client.send({
      operationId: op.operationId,
      method: 'GET',
      path: op.path,
      query: { query: '', size: '1000', page: String(page) },
      headers: { Authorization: `Bearer ${ctx.token}` },
    });
    const content = fieldsOf(e.response.body)?.content;
    if (!Array.isArray(content) || content.length < 1000) return;
  }
}

function missingRequirement(check: ScenarioCheck, ctx: CheckContext, options: RunOptions): string | undefined {
  const why: Record<Requirement, [boolean, string]> = {
    writes: [ctx.allowWrites, 'needs --allow-writes'],
    'other-token': [Boolean(ctx.otherToken), 'needs --other-token'],
    client: [Boolean(ctx.credentials), 'needs --client-id and --client-secret'],
    'other-client': [Boolean(ctx.otherCredentials), 'needs --other-client-id and --other-client-secret'],
    'rate-limit': [
      Boolean(options.checkRateLimit),
      "opt-in: needs --check-rate-limit (it spends the organization's request budget)",
    ],
  };
  for (const requirement of check.requires) if (!why[requirement][0]) return why[requirement][1];
  return undefined;
}

function coverage(spec: ContractSpec, exchanges: Exchange[]): RunReport['coverage'] {
  const seen = new Set(exchanges.map((e) => `${e.request.operationId} ${e.response.status}`));
  return spec.operations.map((op) => ({
    operationId: op.operationId,
    statuses: Object.entries(op.responses)
      .filter(([, response]) => !response['x-mock-only'])
      .map(([status]) => ({ status, exercised: seen.has(`${op.operationId} ${status}`) })),
  }));
}

export async function runContract(options: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const spec = new ContractSpec(options.spec);
  const masker = options.masker ?? new Masker();
  masker.add(options.token);
  masker.add(options.otherToken, '$OTHER_TOKEN');
  masker.addClient(options.clientId, options.clientSecret, '');
  masker.addClient(options.otherClientId, options.otherClientSecret, 'OTHER_');
  masker.add(options.clientSecret, '$CLIENT_SECRET');
  masker.add(options.otherClientSecret, '$OTHER_CLIENT_SECRET');
  const note = (line: string) => options.onNote?.(masker.mask(line));
  const tokenPaths = spec.operations.filter((o) => !o.bearer).map((o) => o.path);
  const client = new TargetClient({
    target: options.target,
    fetch: options.fetch,
    maxRps: options.maxRps ?? 50,
    deadline: started + (options.budgetSeconds ?? 300) * 1000,
    sleep: options.sleep,
    clock: options.clock,
    readOnly: options.allowWrites ? undefined : { allowPostTo: tokenPaths },
    onWait: (seconds, url) => note(`waiting ${seconds} s as Retry-After says before retrying ${url}`),
  });
  const runId = randomBytes(4).toString('hex');
  let token: string;
  let own: Record<string, unknown>;
  try {
    token = await obtainToken(client, spec, options);
    masker.add(token);
    own = await ownOrganization(client, spec, token);
  } catch (error) {
    // The fatal message may quote what the set-up was issued (a refresh token): the masker learns it first.
    for (const e of client.exchanges) masker.learn(e);
    if (error instanceof TargetUnreachable || error instanceof BudgetExceeded) throw new RunnerError(error.message);
    throw error;
  }
  const organizationId = Number(own.id);
  const sandbox = new Sandbox(client, spec, token, `orgs-mock-contract ${runId}`, {
    id: organizationId,
    name: String(own.name ?? ''),
  });
  const observe = client.onExchange;
  client.onExchange = (e) => {
    masker.learn(e);
    observe?.(e);
  };
  for (const e of client.exchanges) masker.learn(e);
  options.onSandbox?.(() => sandbox.leftovers());
  const seed = options.seed ?? DEFAULT_SEED;
  const examples = options.examples ?? 50;
  const ctx: CheckContext = {
    client,
    spec,
    token,
    organizationId,
    ownOrganization: own,
    otherToken: options.otherToken,
    credentials:
      options.clientId && options.clientSecret !== undefined
        ? { clientId: options.clientId, clientSecret: options.clientSecret }
        : undefined,
    otherCredentials:
      options.otherClientId && options.otherClientSecret !== undefined
        ? { clientId: options.otherClientId, clientSecret: options.otherClientSecret }
        : undefined,
    allowWrites: options.allowWrites ?? false,
    sandbox,
    seed,
    examples,
    rateLimitBurst: options.rateLimitBurst ?? 10_100,
    say: note,
    finding: (check, f) => ({
      check,
      operation: f.operation,
      expected: f.expected,
      actual: f.actual,
      specLocation: f.specLocation,
      exchange: f.exchange,
      severity: f.severity ?? spec.severityAt(f.specLocation),
    }),
  };

  const chosen = selectChecks(options);
  const recaps = new Map<string, CheckRecap>();
  const findings: Finding[] = [];
  const notRun: string[] = [];
  let budgetExceeded = false;
  let interrupted = false;
  let cleanup: RunReport['cleanup'] = { removed: [], leftover: [] };
  for (const c of chosen)
    if (!(c.kind === 'scenario' && c.trafficOnly))
      recaps.set(c.name, {
        name: c.name,
        kind: c.kind,
        outcome: 'passed',
        contractFailures: 0,
        fidelityFindings: 0,
        durationMs: 0,
      });
  // Findings count as they arrive, so that each progress line shows the check's real outcome.
  const tally = (found: Finding[]): Finding[] => {
    const counted = found.filter((f) => recaps.has(f.check));
    for (const f of counted) {
      const recap = recaps.get(f.check);
      if (!recap) continue; // counted holds only checks with a recap
      if (f.severity === 'contract') recap.contractFailures++;
      else recap.fidelityFindings++;
      if (recap.outcome === 'passed' || recap.outcome === 'skipped') recap.outcome = 'failed';
    }
    findings.push(...counted);
    return counted;
  };
  // The response checks (and the sandbox's own) look at every exchange, as it is sent by each check in turn.
  const exchangeChecks = chosen.filter((c) => c.kind === 'exchange' && recaps.has(c.name));
  let inspected = 0;
  let sandboxSeen = 0;
  const inspectNew = (): Finding[] => {
    const found: Finding[] = [];
    for (const e of client.exchanges.slice(inspected))
      for (const c of exchangeChecks) if (c.kind === 'exchange') found.push(...c.inspect(e, ctx));
    inspected = client.exchanges.length;
    if (recaps.has(WRITES_VERIFIED)) found.push(...sandbox.findings.slice(sandboxSeen));
    sandboxSeen = sandbox.findings.length;
    return tally(found);
  };
  try {
    if (ctx.allowWrites && spec.has('createOrganization')) {
      await inventory(ctx).catch(() => undefined);
      // One create up front tells whether the token may create at all (a view-only token's 403 is no failure).
      client.currentCheck = 'setup';
      await sandbox
        .create({ name: sandbox.name('Probe'), parentId: organizationId }, organizationId)
        .catch(() => undefined);
      client.currentCheck = undefined;
    }
    for (const check of chosen) {
      if (check.kind !== 'scenario') continue;
      const recap = recaps.get(check.name);
      const set = (outcome: CheckRecap['outcome'], reason?: string) => {
        if (recap) Object.assign(recap, { outcome, reason });
      };
      // A check that would be skipped anyway is skipped with its reason, also once the run stops early.
      const missing = missingRequirement(check, ctx, options);
      if (missing) {
        set('skipped', missing);
        if (recap) options.onCheck?.(recap);
        continue;
      }
      if (options.signal?.aborted) {
        interrupted = true;
        set('not run', 'the run was interrupted');
        if (recap) notRun.push(check.name);
        continue;
      }
      if (budgetExceeded) {
        set('not run', 'the time budget was spent');
        if (recap) notRun.push(check.name);
        continue;
      }
      client.currentCheck = check.name;
      const t0 = performance.now();
      try {
        const found = await check.run(ctx);
        if (recap) tally(found);
      } catch (error) {
        if (error instanceof BudgetExceeded) {
          budgetExceeded = true;
          set('not run', 'the time budget was spent');
          if (recap) notRun.push(check.name);
        } else if (error instanceof Skip) set('skipped', error.message);
        else if (error instanceof WriteRefused) throw error;
        else if (error instanceof TargetUnreachable) {
          tally([
            {
              check: check.name,
              severity: 'contract',
              operation: '(connection)',
              expected: 'an answer',
              actual: error.message,
              specLocation: '#',
            },
          ]);
        } else throw error;
      } finally {
        client.currentCheck = undefined;
        if (recap) recap.durationMs = Math.round(performance.now() - t0);
      }
      const byOthers = inspectNew();
      if (recap) {
        const names = [...new Set(byOthers.filter((f) => f.exchange?.sentBy === check.name).map((f) => f.check))];
        options.onCheck?.(recap, names);
      }
    }
  } finally {
    client.extendDeadline(CLEANUP_GRACE_MS);
    client.currentCheck = 'clean-up';
    try {
      cleanup = await sandbox.cleanUp();
    } catch {
      cleanup = { removed: [], leftover: sandbox.leftovers() };
    }
  }
  if (options.signal?.aborted) interrupted = true;

  // Exchange checks look at everything sent, clean-up included; each gets its line once all is seen.
  inspectNew();
  for (const c of exchangeChecks) {
    const recap = recaps.get(c.name); // exchangeChecks holds only checks with a recap
    if (recap) options.onCheck?.(recap);
  }

  const checks = [...recaps.values()];
  const failures = groupFindings(
    findings.filter((f) => recaps.has(f.check)),
    masker,
  );
  const contractFailures = findings.filter((f) => f.severity === 'contract' && recaps.has(f.check)).length;
  const fidelityFindings = findings.filter((f) => f.severity === 'fidelity' && recaps.has(f.check)).length;
  const count = (o: CheckRecap['outcome']) => checks.filter((c) => c.outcome === o).length;
  const failed = contractFailures > 0 || (options.strict && fidelityFindings > 0);
  const report: RunReport = {
    format: REPORT_FORMAT,
    target: options.target,
    runId,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    mode: { allowWrites: ctx.allowWrites, strict: options.strict ?? false, seed, examples },
    verdict: interrupted ? 'interrupted' : failed ? 'failed' : notRun.length > 0 ? 'incomplete' : 'passed',
    failures,
    checks,
    notRun,
    coverage: coverage(spec, client.exchanges),
    cleanup: masker.maskDeep(cleanup),
    interrupted,
    budgetExceeded,
    retriesAfter429: client.retries,
    requests: client.exchanges.length,
    totals: {
      contractFailures,
      fidelityFindings,
      passed: count('passed'),
      failed: count('failed'),
      skipped: count('skipped'),
      notRun: count('not run'),
    },
  };
  const log = client.exchanges.map((e) => ({
    check: e.sentBy ?? '(setup)',
    method: e.request.method,
    url: masker.mask(e.request.url),
    requestBody:
      e.request.body === undefined
        ? undefined
        : masker.mask(
            (typeof e.request.body === 'string' ? e.request.body : JSON.stringify(e.request.body)).slice(0, 2000),
          ),
    status: e.response.status,
    responseBody: masker.mask(e.response.text.slice(0, 2000)),
  }));
  return { report, log };
}
