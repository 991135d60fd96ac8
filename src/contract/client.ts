/**
 * The runner's HTTP client for a target server: a request-rate cap, waiting as `Retry-After` says on
 * 429, a total time budget, and a record of every exchange for the checks and the reports.
 */

export interface OutgoingRequest {
  method: string;
  path: string;
  query?: Record<string, string | undefined>;
  headers?: Record<string, string>;
  /** JSON-encoded unless it is already a string. */
  body?: unknown;
  /** The operation of openapi.yaml this request exercises. */
  operationId: string;
  /** A 429 is the answer wanted (the rate-limit burst): do not wait and retry. */
  noRetry?: boolean;
}

export interface ReceivedResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body, or undefined when the body is empty or not JSON. */
  body: unknown;
}

/** The message openapi.yaml documents for the refusal a check provoked; the error_message check reads it. */
export interface MessageExpectation {
  template: string;
  values?: Record<string, string | number>;
  /** The status the message goes with; another status is the status check's finding, not this one's. */
  status?: number;
  /** `message` of the API Error body, or `error_description` of an OAuth error. */
  field: 'message' | 'error_description';
  pointer: string;
  severity: 'contract' | 'fidelity';
}

export interface Exchange {
  request: OutgoingRequest & { url: string };
  response: ReceivedResponse;
  durationMs: number;
  /** The check that sent it. */
  sentBy?: string;
  expectation?: MessageExpectation;
  /**
   * Set when the request had no usable answer (interfaces.md §1; runner-safety's client fills it): the
   * transport_sound check reports it once and every other check treats the exchange as unanswered.
   */
  transport?: { kind: 'redirect' | 'body_too_large' | 'body_timeout' | 'body_cut' | 'no_answer'; detail: string };
}

export class BudgetExceeded extends Error {
  constructor() {
    super('The time budget of the run is spent.');
  }
}

export class TargetUnreachable extends Error {}

export interface ClientOptions {
  target: string;
  fetch?: typeof fetch;
  maxRps: number;
  /** The run stops sending when this instant (ms since epoch) has passed. */
  deadline: number;
  /** How many times one request is retried after a 429. */
  maxRetries?: number;
  /** Longest single wait for Retry-After, in seconds. */
  maxRetryAfterSeconds?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Monotonic milliseconds for the rate cap; tests give a clock that their sleep advances. */
  clock?: () => number;
  /** Read-only runs: any method but GET is refused here, before it leaves, except to these paths. */
  readOnly?: { allowPostTo: string[] };
  /** Told before each wait on Retry-After, so the console can say why the run pauses. */
  onWait?: (seconds: number, url: string) => void;
}

/** A write that a read-only run must never send: a bug in the runner, stopped before it leaves. */
export class WriteRefused extends Error {}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class TargetClient {
  readonly exchanges: Exchange[] = [];

  /** The latest exchange, for a check that has sent its requests. */
  get lastExchange(): Exchange {
    const last = this.exchanges.at(-1);
    if (!last) throw new Error('No request has been sent yet.');
    return last;
  }
  private nextSlot = 0;
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  retries = 0;
  /** The check now running: each exchange is labelled with it. */
  currentCheck: string | undefined;
  onExchange?: (exchange: Exchange) => void;

  constructor(private readonly options: ClientOptions) {
    this.fetchImpl = options.fetch ?? fetch;
    this.sleep = options.sleep ?? defaultSleep;
  }

  url(request: OutgoingRequest): string {
    // A target with a base path (https://host/base) keeps it.
    const base = new URL(this.options.target);
    const url = new URL(`${base.origin}${base.pathname.replace(/\/$/, '')}${request.path}`);
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.append(name, value);
    }
    return url.toString();
  }

  /** Waits with the client's clock (tests advance it instead of sleeping). */
  pause(ms: number): Promise<void> {
    return this.sleep(ms);
  }

  /** Moves the deadline to `ms` from now, e.g. so that clean-up can run after the budget is spent. */
  extendDeadline(ms: number): void {
    this.options.deadline = Math.max(this.options.deadline, Date.now() + ms);
  }

  async send(request: OutgoingRequest): Promise<Exchange> {
    const url = this.url(request);
    const readOnly = this.options.readOnly;
    if (
      readOnly &&
      request.method !== 'GET' &&
      !(request.method === 'POST' && readOnly.allowPostTo.includes(request.path))
    ) {
      throw new WriteRefused(`A read-only run does not send ${request.method} ${request.path}.`);
    }
    const headers: Record<string, string> = { Accept: 'application/json', ...request.headers };
    let body: string | undefined;
    if (request.body !== undefined) {
      body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
      headers['Content-Type'] ??= 'application/json';
    }
    for (let attempt = 0; ; attempt++) {
      await this.throttle();
      const started = performance.now();
      let response: Response;
      try {
        response = await this.fetchImpl(url, {
          method: request.method,
          headers,
          body,
          signal: AbortSignal.timeout(Math.max(1, Math.min(30_000, this.options.deadline - Date.now()))),
        });
      } catch (error) {
        if (Date.now() >= this.options.deadline) throw new BudgetExceeded();
        const why = error instanceof Error ? (error.cause ?? error.message) : String(error);
        throw new TargetUnreachable(`Cannot reach ${url}: ${why}`);
      }
      const text = await response.text();
      const exchange: Exchange = {
        request: { ...request, headers, url },
        response: { status: response.status, headers: response.headers, text, body: parseJson(text) },
        durationMs: performance.now() - started,
      };
      exchange.sentBy = this.currentCheck;
      this.exchanges.push(exchange);
      this.onExchange?.(exchange);
      const wait = retryAfterSeconds(response);
      if (response.status !== 429 || request.noRetry || attempt >= (this.options.maxRetries ?? 3) || wait === undefined)
        return exchange;
      const waitMs = Math.min(wait, this.options.maxRetryAfterSeconds ?? 60) * 1000;
      if (Date.now() + waitMs >= this.options.deadline) return exchange;
      this.retries++;
      this.options.onWait?.(waitMs / 1000, url);
      await this.sleep(waitMs);
    }
  }

  /** Spaces requests at least 1/maxRps seconds apart, and refuses to start one past the deadline. */
  private async throttle(): Promise<void> {
    if (Date.now() >= this.options.deadline) throw new BudgetExceeded();
    const interval = 1000 / this.options.maxRps;
    const now = this.options.clock ? this.options.clock() : performance.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + interval;
    if (slot > now) await this.sleep(slot - now);
  }
}

function retryAfterSeconds(response: Response): number | undefined {
  const header = response.headers.get('retry-after');
  if (header === null) return response.status === 429 ? 1 : undefined;
  if (/^\d+$/.test(header.trim())) return Number(header);
  const date = Date.parse(header);
  return Number.isNaN(date) ? 1 : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
