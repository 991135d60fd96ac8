/**
 * Runs the registered checks against a target. A run is an object with phases: set-up (a token, the
 * token's organization, the inventory the model starts from), checks (each chosen scenario within the
 * budget; the oracle compares every exchange with the model's prediction as it arrives, the other
 * exchange checks look at each), audit (a read-back of everything the token sees, predicted by the
 * model), clean-up (always: what the run created is removed, each removal confirmed — also when a check
 * fails or the run is stopped; what is left fails the run) and report.
 */
import { randomBytes } from 'node:crypto';
import type { SpecDocument } from '../openapi/document.ts';
import {
  BudgetExceeded,
  type Exchange,
  type OutgoingRequest,
  TargetClient,
  TargetUnreachable,
  WriteRefused,
} from './client.ts';
import type { Check, CheckContext, ExchangeCheck, ScenarioCheck } from './context.ts';
import { ContractSpec } from './contract-spec.ts';
import { fieldsOf } from './json.ts';
import type { Finding, FindingInput, Requirement } from './model.ts';
import { Skip } from './model.ts';
import { ContractModel, type ModelOrg } from './oracle/model.ts';
import { Oracle } from './oracle/oracle.ts';
import { CHECK_NAMES, CHECKS, ORACLE, REPEATED } from './registry.ts';
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
/** The run's defaults, stated once (the CLI's help and its parsing read them here). */
export const DEFAULTS = {
  seed: 20_260_101,
  examples: 50,
  maxRps: 50,
  budgetSeconds: 300,
  rateLimitBurst: 10_100,
  /** Set-up calls are retried this many times on a 5xx, waiting 250 ms, 500 ms, 1 s … */
  setupRetries: 3,
  setupBackoffMs: 250,
  /** Inventory pages read at most (of the largest page size): beyond, absences are not predicted. */
  inventoryPages: 20,
} as const;
export const DEFAULT_SEED = DEFAULTS.seed;

/** The runner itself cannot work: exit code 2. */
export class RunnerError extends Error {}

/** The scenarios that send traffic for the exchange checks when only those are named. */
/** Checks that keep a run safe on a shared server: always chosen unless excluded by name. */
const SAFETY: string[] = [REPEATED.transport, WRITES_VERIFIED];

const TRAFFIC = ['positive_data_accepted', 'negative_data_rejected', 'search_across_pages', 'reads_match_model'];

export function selectChecks(options: Pick<RunOptions, 'checks' | 'excludeChecks'>): Check[] {
  const names = new Set(CHECKS.map((c) => c.name));
  const unknown = [...(options.checks ?? []), ...(options.excludeChecks ?? [])].filter((n) => !names.has(n));
  if (unknown.length)
    throw new RunnerError(`Unknown check ${unknown.join(', ')}; the checks are: ${[...names].join(', ')}.`);
  const only = options.checks?.length ? new Set(options.checks) : undefined;
  const excluded = new Set(options.excludeChecks ?? []);
  for (const name of TRAFFIC) if (!names.has(name)) throw new Error(`No check ${name} sends traffic: a misspelling.`);
  for (const name of SAFETY) if (!names.has(name)) throw new Error(`No safety check ${name}: a misspelling.`);
  // The safety checks run whatever --checks names; only --exclude-checks naming them turns them off.
  let chosen = CHECKS.filter((c) => (!only || only.has(c.name) || SAFETY.includes(c.name)) && !excluded.has(c.name));
  // Exchange checks need traffic: when only they are named, the exploration sends it (its verdicts stay out).
  if (only && !chosen.some((c) => c.kind === 'scenario'))
    chosen = [
      ...chosen,
      ...CHECKS.filter((c) => TRAFFIC.includes(c.name)).map((c) => ({
        ...c,
        trafficOnly: true,
      })),
    ];
  return chosen;
}

/**
 * Secrets a refusal or a server error echoes (a token field, a Bearer or Basic value, a client secret): the
 * masker learns them before any finding quotes the answer, since they may be secrets the run never saw.
 */
const ECHOED = [
  /"(?:access_token|refresh_token|token|client_secret|secret|password|authorization)"\s*:\s*"(?:Bearer\s+|Basic\s+)?([^"\s]{8,})"/gi,
  /\b(?:Bearer|Basic)\s+([A-Za-z0-9._~+/=-]{8,})/g,
  /\b(?:client_secret|refresh_token|access_token)=([^&\s"]{8,})/g,
];

function learnEchoes(masker: Masker, e: Exchange): void {
  if (e.response.status < 400) return;
  for (const pattern of ECHOED)
    for (const match of e.response.text.slice(0, 100_000).matchAll(pattern)) masker.add(match[1], '$ECHOED_SECRET');
}

/** A set-up call: a 5xx is retried with back-off; the repeats are marked so that it counts once. */
async function setupCall(client: TargetClient, req: OutgoingRequest, repeats: WeakSet<Exchange>): Promise<Exchange> {
  for (let attempt = 0; ; attempt++) {
    const e = await client.send(req);
    // The first 5xx of a call is a finding; its repeats are not counted again.
    if (attempt > 0 && !e.transport && e.response.status >= 500) repeats.add(e);
    if (e.transport || e.response.status < 500 || attempt >= DEFAULTS.setupRetries) return e;
    await client.pause(DEFAULTS.setupBackoffMs * 2 ** attempt);
  }
}

async function obtainToken(
  client: TargetClient,
  spec: ContractSpec,
  options: RunOptions,
  repeats: WeakSet<Exchange>,
): Promise<string> {
  if (options.token) return options.token;
  const op = spec.operations.find((o) => !o.bearer);
  if (!op || !options.clientId || options.clientSecret === undefined)
    throw new RunnerError('Give --token, or --client-id and --client-secret.');
  const basic = Buffer.from(
    `${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`,
  ).toString('base64');
  const e = await setupCall(
    client,
    {
      operationId: op.operationId,
      method: 'POST',
      path: op.path,
      query: { grant_type: 'client_credentials' },
      headers: { Authorization: `Basic ${basic}` },
    },
    repeats,
  );
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
  repeats: WeakSet<Exchange>,
): Promise<Record<string, unknown>> {
  const op = spec.op('getCurrentOrganization');
  const e = await setupCall(
    client,
    { operationId: op.operationId, method: 'GET', path: op.path, headers: { Authorization: `Bearer ${token}` } },
    repeats,
  );
  const body = fieldsOf(e.response.body);
  if (e.response.status !== 200 || !body || !Number.isInteger(Number(body.id))) {
    throw new RunnerError(
      `Cannot find the token's organization (GET ${op.path}): ${e.response.status} ${e.transport ? `${e.transport.detail} ` : ''}${e.response.text.slice(0, 200)}`,
    );
  }
  return body;
}

/**
 * Every organization the token sees: all pages of an empty-query search, the largest page size. Complete
 * when the pages together hold totalElements distinct organizations.
 */
async function inventory(
  client: TargetClient,
  spec: ContractSpec,
  token: string,
  repeats?: WeakSet<Exchange>,
): Promise<{ orgs: ModelOrg[]; complete: boolean }> {
  const op = spec.op('searchOrganizations');
  const size = Number(op.parameters.find((p) => p.name === 'size')?.schema.maximum ?? 1000);
  const orgs = new Map<number, ModelOrg>();
  for (let page = 0; page < DEFAULTS.inventoryPages; page++) {
    const req: OutgoingRequest = {
      operationId: op.operationId,
      method: 'GET',
      path: op.path,
      query: { query: '', size: String(size), page: String(page) },
      headers: { Authorization: `Bearer ${token}` },
    };
    const e = repeats ? await setupCall(client, req, repeats) : await client.send(req);
    const body = fieldsOf(e.response.body);
    const content = body?.content;
    if (e.transport || e.response.status !== 200 || !Array.isArray(content))
      return { orgs: [...orgs.values()], complete: false };
    for (const item of content) {
      const org = fieldsOf(item);
      if (org && typeof org.id === 'number' && typeof org.name === 'string')
        orgs.set(org.id, { ...org, id: org.id, name: org.name });
    }
    if (content.length < size) return { orgs: [...orgs.values()], complete: body?.totalElements === orgs.size };
  }
  return { orgs: [...orgs.values()], complete: false };
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

/** One run against one target: its phases in order, then its report. */
class ContractRun {
  readonly started = Date.now();
  readonly spec: ContractSpec;
  readonly masker: Masker;
  readonly client: TargetClient;
  readonly runId = randomBytes(4).toString('hex');
  readonly chosen: Check[];
  private readonly recaps = new Map<string, CheckRecap>();
  private readonly findings: Finding[] = [];
  private readonly notRun: string[] = [];
  /** Set-up exchanges repeated after a 5xx: the exchange checks count the first one only. */
  private readonly repeats = new WeakSet<Exchange>();
  private budgetExceeded = false;
  private interrupted = false;
  private cleanup: RunReport['cleanup'] = { removed: [], leftover: [] };
  private ctx!: CheckContext;
  private sandbox!: Sandbox;
  private oracle!: Oracle;
  private inspected = 0;
  private sandboxSeen = 0;
  private readonly exchangeChecks: ExchangeCheck[];
  /** Whether transport_sound runs: then it alone reports exchanges without a usable answer. */
  private readonly transportChosen: boolean;
  private readonly transportReported = new WeakSet<Exchange>();
  /** The ids the inventory saw at the start: never the run's. */
  private readonly before = new Set<number>();

  constructor(private readonly options: RunOptions) {
    this.spec = new ContractSpec(options.spec);
    this.masker = options.masker ?? new Masker();
    const masker = this.masker;
    masker.add(options.token);
    masker.add(options.otherToken, '$OTHER_TOKEN');
    masker.addClient(options.clientId, options.clientSecret, '');
    masker.addClient(options.otherClientId, options.otherClientSecret, 'OTHER_');
    masker.add(options.clientSecret, '$CLIENT_SECRET');
    masker.add(options.otherClientSecret, '$OTHER_CLIENT_SECRET');
    const tokenPaths = this.spec.operations.filter((o) => !o.bearer).map((o) => o.path);
    this.client = new TargetClient({
      target: options.target,
      fetch: options.fetch,
      maxRps: options.maxRps ?? DEFAULTS.maxRps,
      deadline: this.started + (options.budgetSeconds ?? DEFAULTS.budgetSeconds) * 1000,
      sleep: options.sleep,
      clock: options.clock,
      readOnly: options.allowWrites ? undefined : { allowPostTo: tokenPaths },
      onWait: (seconds, url) => this.note(`waiting ${seconds} s as Retry-After says before retrying ${url}`),
    });
    this.chosen = selectChecks(options);
    for (const c of this.chosen)
      if (!(c.kind === 'scenario' && c.trafficOnly))
        this.recaps.set(c.name, {
          name: c.name,
          kind: c.kind,
          outcome: 'passed',
          contractFailures: 0,
          fidelityFindings: 0,
          durationMs: 0,
        });
    this.transportChosen = this.recaps.has(REPEATED.transport);
    this.exchangeChecks = this.chosen.filter(
      (c): c is ExchangeCheck => c.kind === 'exchange' && this.recaps.has(c.name),
    );
  }

  private note(line: string): void {
    this.options.onNote?.(this.masker.mask(line));
  }

  /** Makes findings of one check: the name bound, the severity read from openapi.yaml unless given. */
  private findingOf(check: string): (f: FindingInput) => Finding {
    return (f) => ({
      check,
      operation: f.operation,
      expected: f.expected,
      actual: f.actual,
      specLocation: f.specLocation,
      exchange: f.exchange,
      severity: f.severity ?? this.spec.severityAt(f.specLocation),
    });
  }

  private contextFor(check: Check): CheckContext {
    return { ...this.ctx, finding: this.findingOf(check.name) };
  }

  // ── set-up ──────────────────────────────────────────────────────────────
  async setUp(): Promise<void> {
    const { client, spec, options } = this;
    client.currentCheck = 'setup';
    let token: string;
    let own: Record<string, unknown>;
    let start: { orgs: ModelOrg[]; complete: boolean };
    try {
      token = await obtainToken(client, spec, options, this.repeats);
      this.masker.add(token);
      own = await ownOrganization(client, spec, token, this.repeats);
      // The sandbox watches from here on: every id the inventory shows is one it never touches.
      this.sandbox = new Sandbox(client, spec, token, `orgs-mock-contract ${this.runId}`, {
        id: Number(own.id),
        name: String(own.name ?? ''),
      });
      // A budget spent here leaves the model incomplete (no absence predicted), not the run impossible.
      start = await inventory(client, spec, token, this.repeats).catch((error: unknown) => {
        if (!(error instanceof BudgetExceeded)) throw error;
        this.budgetExceeded = true;
        return { orgs: [], complete: false };
      });
    } catch (error) {
      // The fatal message may quote what the set-up was issued (a refresh token): the masker learns it first.
      for (const e of client.exchanges) {
        this.masker.learn(e);
        learnEchoes(this.masker, e);
      }
      if (error instanceof TargetUnreachable || error instanceof BudgetExceeded) throw new RunnerError(error.message);
      throw error;
    } finally {
      client.currentCheck = undefined;
    }
    const organizationId = Number(own.id);
    const model = new ContractModel(spec);
    model.load(start.orgs, organizationId, start.complete);
    for (const org of start.orgs) this.before.add(org.id);
    this.oracle = new Oracle(spec, model, token);
    this.oracle.setOtherToken(options.otherToken);
    const sandbox = this.sandbox;
    // The sandbox watches every exchange; so does the masker; the oracle compares each as it arrives.
    const observe = client.onExchange;
    client.onExchange = (e) => {
      this.masker.learn(e);
      learnEchoes(this.masker, e);
      observe?.(e);
      this.oracle.observe(e);
    };
    for (const e of client.exchanges) {
      this.masker.learn(e);
      learnEchoes(this.masker, e);
      if (!this.repeats.has(e)) this.oracle.observe(e);
    }
    options.onSandbox?.(() => sandbox.leftovers());
    this.ctx = {
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
      model,
      oracle: this.oracle,
      seed: options.seed ?? DEFAULTS.seed,
      examples: options.examples ?? DEFAULTS.examples,
      rateLimitBurst: options.rateLimitBurst ?? DEFAULTS.rateLimitBurst,
      say: (line) => this.note(line),
      finding: () => {
        throw new Error('A finding outside a check: the runner binds each check its own.');
      },
    };
    if (this.ctx.allowWrites && spec.has('createOrganization')) {
      // One create up front tells whether the token may create at all (a view-only token's 403 is no failure).
      client.currentCheck = 'setup';
      await sandbox
        .create({ name: sandbox.name('Probe'), parentId: organizationId }, organizationId)
        .catch(() => undefined);
      client.currentCheck = undefined;
    }
  }

  /** Counts findings as they arrive, so that each progress line shows the check's real outcome. */
  private tally(found: Finding[]): Finding[] {
    const counted: Finding[] = [];
    for (const f of found) {
      if (!CHECK_NAMES.includes(f.check)) throw new Error(`A finding names no check of the registry: ${f.check}.`);
      // No second finding for an exchange that had no usable answer (interfaces.md §1): transport_sound's
      // when it runs; else the first check's that reports it.
      if (f.exchange?.transport) {
        if (this.transportChosen ? f.check !== REPEATED.transport : this.transportReported.has(f.exchange)) continue;
        this.transportReported.add(f.exchange);
      }
      const recap = this.recaps.get(f.check);
      if (!recap) continue; // a check not chosen for this run
      if (f.severity === 'contract') recap.contractFailures++;
      else recap.fidelityFindings++;
      if (recap.outcome === 'passed' || recap.outcome === 'skipped') recap.outcome = 'failed';
      counted.push(f);
    }
    this.findings.push(...counted);
    return counted;
  }

  /** The exchange checks (and the sandbox's own findings) over every exchange not yet inspected. */
  private inspectNew(): Finding[] {
    const found: Finding[] = [];
    for (const e of this.client.exchanges.slice(this.inspected)) {
      if (this.repeats.has(e)) continue;
      for (const c of this.exchangeChecks) {
        // An exchange without a usable answer is transport_sound's alone (and the oracle's, which skips it);
        // a 5xx is not_a_server_error's alone among the exchange checks: each is counted once.
        if (e.transport && this.transportChosen && c.name !== REPEATED.transport) continue;
        if (!e.transport && e.response.status >= 500 && c.name !== REPEATED.serverError) continue;
        found.push(...c.inspect(e, this.contextFor(c)));
      }
    }
    this.inspected = this.client.exchanges.length;
    if (this.recaps.has(WRITES_VERIFIED)) found.push(...this.ctx.sandbox.findings.slice(this.sandboxSeen));
    this.sandboxSeen = this.ctx.sandbox.findings.length;
    return this.tally(found);
  }

  /** The reads owed after refused writes: each predicted by the model (nothing changed). */
  private async payOwedReads(): Promise<void> {
    if (!this.recaps.has(ORACLE)) return;
    this.client.currentCheck = ORACLE;
    try {
      for (const id of [...this.oracle.readsOwed]) {
        if (this.oracle.readsOwed.has(id)) await this.client.send(this.ctx.sandbox.getRequest(id));
        this.oracle.readsOwed.delete(id);
      }
    } finally {
      this.client.currentCheck = undefined;
    }
  }

  // ── checks (generated exploration included) ─────────────────────────────
  async runChecks(): Promise<void> {
    const { options } = this;
    for (const check of this.chosen) {
      if (check.kind !== 'scenario') continue;
      const recap = this.recaps.get(check.name);
      const set = (outcome: CheckRecap['outcome'], reason?: string) => {
        if (recap) Object.assign(recap, { outcome, reason });
      };
      // A check that would be skipped anyway is skipped with its reason, also once the run stops early.
      const missing = missingRequirement(check, this.ctx, options);
      if (missing) {
        set('skipped', missing);
        if (recap) options.onCheck?.(recap);
        continue;
      }
      if (options.signal?.aborted || this.budgetExceeded) {
        if (options.signal?.aborted) this.interrupted = true;
        set('not run', options.signal?.aborted ? 'the run was interrupted' : 'the time budget was spent');
        if (recap) this.notRun.push(check.name);
        continue;
      }
      this.client.currentCheck = check.name;
      const t0 = performance.now();
      try {
        const found = await check.run(this.contextFor(check));
        if (recap) this.tally(found);
        await this.payOwedReads();
      } catch (error) {
        if (error instanceof BudgetExceeded) {
          this.budgetExceeded = true;
          set('not run', 'the time budget was spent');
          if (recap) this.notRun.push(check.name);
        } else if (error instanceof Skip) set('skipped', error.message);
        else if (error instanceof WriteRefused) throw error;
        else if (error instanceof TargetUnreachable) {
          this.tally([
            this.findingOf(check.name)({
              severity: 'contract',
              operation: '(connection)',
              expected: 'an answer',
              actual: error.message,
              specLocation: '#',
            }),
          ]);
        } else throw error;
      } finally {
        this.client.currentCheck = undefined;
        if (recap) recap.durationMs = Math.round(performance.now() - t0);
      }
      const byOthers = this.inspectNew();
      if (recap) {
        const names = [...new Set(byOthers.filter((f) => f.exchange?.sentBy === check.name).map((f) => f.check))];
        options.onCheck?.(recap, names);
      }
    }
  }

  // ── audit: everything the token sees, read back and predicted by the model ─
  async audit(): Promise<void> {
    if (!this.recaps.has(ORACLE) || this.budgetExceeded || this.options.signal?.aborted) return;
    if (!this.ctx.model.whole) return;
    this.client.currentCheck = ORACLE;
    try {
      await inventory(this.client, this.spec, this.ctx.token);
    } catch (error) {
      if (error instanceof BudgetExceeded) this.budgetExceeded = true;
      else if (!(error instanceof TargetUnreachable)) throw error;
    } finally {
      this.client.currentCheck = undefined;
    }
  }

  // ── clean-up ─────────────────────────────────────────────────────────────
  async cleanUp(): Promise<void> {
    const { client, ctx } = this;
    client.extendDeadline(CLEANUP_GRACE_MS);
    client.currentCheck = 'clean-up';
    try {
      await this.adoptInterruptedCreates();
      this.cleanup = await ctx.sandbox.cleanUp();
    } catch {
      this.cleanup = { removed: [], leftover: ctx.sandbox.leftovers() };
    } finally {
      client.currentCheck = undefined;
    }
  }

  /**
   * A create answered 2xx whose verifying GET was never sent (the budget ran out, or the run was stopped,
   * between the two): verified now, with the same rule (a new id showing the run's name), so that clean-up
   * removes it. Without this, a spent budget left such an organization behind, unlisted.
   */
  private async adoptInterruptedCreates(): Promise<void> {
    const sandbox = this.ctx.sandbox;
    for (const e of this.client.exchanges) {
      if (e.request.operationId !== 'createOrganization' || e.transport) continue;
      if (e.response.status < 200 || e.response.status >= 300) continue;
      const id = fieldsOf(e.response.body)?.id;
      if (typeof id !== 'number' || sandbox.owned.has(id) || sandbox.unverified.has(id) || this.before.has(id))
        continue;
      if (id === this.ctx.organizationId) continue;
      if (
        this.client.exchanges.some(
          (x) => x.request.operationId === 'getOrganization' && x.request.query?.orgId === String(id) && x !== e,
        )
      )
        continue; // verified (or refused) by the sandbox already
      const check = await this.client.send(sandbox.getRequest(id));
      const org = fieldsOf(check.response.body);
      const parentId = org?.parentOrganizationId;
      if (
        check.response.status === 200 &&
        typeof org?.name === 'string' &&
        org.name.includes(sandbox.namePrefix) &&
        typeof parentId === 'number'
      )
        sandbox.owned.set(id, { id, name: org.name, parentId });
    }
    // A create cut off by the deadline or a stop may have been made with no answer at all: found by the
    // run's name (unique to this run), under an organization of the run or the token's, new since the start.
    if (!this.budgetExceeded && !this.options.signal?.aborted) return;
    const op = this.spec.op('searchOrganizations');
    const found = await this.client.send({
      operationId: op.operationId,
      method: 'GET',
      path: op.path,
      query: { query: sandbox.namePrefix, size: '1000' },
      headers: { Authorization: `Bearer ${this.ctx.token}` },
    });
    const content = fieldsOf(found.response.body)?.content;
    for (const item of Array.isArray(content) ? content : []) {
      const { id, name, parentOrganizationId: parentId } = fieldsOf(item) ?? {};
      if (typeof id !== 'number' || typeof name !== 'string' || typeof parentId !== 'number') continue;
      if (!name.startsWith(sandbox.namePrefix) || this.before.has(id) || sandbox.owned.has(id)) continue;
      if (sandbox.unverified.has(id) || id === this.ctx.organizationId) continue;
      if (parentId === this.ctx.organizationId || sandbox.owned.has(parentId))
        sandbox.owned.set(id, { id, name, parentId });
    }
  }

  // ── report ───────────────────────────────────────────────────────────────
  report(): RunResult {
    const { options, client, masker, recaps } = this;
    if (options.signal?.aborted) this.interrupted = true;
    // Exchange checks look at everything sent, clean-up included; each gets its line once all is seen.
    this.inspectNew();
    for (const c of this.exchangeChecks) {
      const recap = recaps.get(c.name);
      if (recap) options.onCheck?.(recap);
    }
    const checks = [...recaps.values()];
    const findings = this.findings;
    const failures = groupFindings(findings, masker);
    const contractFailures = findings.filter((f) => f.severity === 'contract').length;
    const fidelityFindings = findings.filter((f) => f.severity === 'fidelity').length;
    const count = (o: CheckRecap['outcome']) => checks.filter((c) => c.outcome === o).length;
    const cleanup = masker.maskDeep(this.cleanup);
    // Organizations the run created and could not remove fail the run (interfaces.md §4).
    const leftovers = cleanup.leftover.map(({ id, name }) => ({ id, name }));
    const failed = contractFailures > 0 || (options.strict && fidelityFindings > 0) || leftovers.length > 0;
    const report: RunReport & { leftovers: Array<{ id: number; name: string }> } = {
      format: REPORT_FORMAT,
      target: options.target,
      runId: this.runId,
      startedAt: new Date(this.started).toISOString(),
      durationMs: Date.now() - this.started,
      mode: {
        allowWrites: this.ctx.allowWrites,
        strict: options.strict ?? false,
        seed: this.ctx.seed,
        examples: this.ctx.examples,
      },
      verdict: this.interrupted ? 'interrupted' : failed ? 'failed' : this.notRun.length > 0 ? 'incomplete' : 'passed',
      failures,
      checks,
      notRun: this.notRun,
      coverage: coverage(this.spec, client.exchanges),
      cleanup,
      leftovers,
      interrupted: this.interrupted,
      budgetExceeded: this.budgetExceeded,
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
}

export async function runContract(options: RunOptions): Promise<RunResult> {
  const run = new ContractRun(options);
  await run.setUp();
  try {
    await run.runChecks();
    await run.audit();
  } finally {
    await run.cleanUp();
  }
  return run.report();
}
