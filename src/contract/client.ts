/**
 * The runner's HTTP client for a target server: a request-rate cap, waiting as `Retry-After` says on
 * 429, a total time budget, and a record of every exchange for the checks and the reports.
 *
 * Safety: redirects are never followed (a 3xx is recorded, nothing is resent); answers are read with a
 * byte cap and idle and total time limits, and what goes wrong with one answer (a redirect, an answer too
 * large, too slow, cut, or none at all) becomes an exchange carrying `transport`, so the run goes on and a
 * check reports it on that request. Every write is shown to the write guard (the sandbox) right before it
 * leaves and once its answer is in.
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

/** What went wrong with an answer; the exchange holds what was read (status 0: no answer at all). */
export type TransportProblem = NonNullable<Exchange['transport']>;

/** The one home of the answer limits: a few MB (a 1000-organization page is well under 1 MB), 10 s idle, 30 s in all. */
export const ANSWER_LIMITS: AnswerLimits = { maxBytes: 4 * 1024 * 1024, idleMs: 10_000, totalMs: 30_000 };

export interface AnswerLimits {
  maxBytes: number;
  /** Longest pause between two chunks of a body. */
  idleMs: number;
  /** Longest time from sending a request to the end of its answer's body. */
  totalMs: number;
}

/** Sees every PUT and DELETE right before it is sent (throws WriteRefused to stop it), and its answer. */
export interface WriteGuard {
  beforeWrite(request: OutgoingRequest): void;
  afterWrite(exchange: Exchange): void;
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

/** Kept for callers that still catch it; the client now records an unreachable target as `no_answer`. */
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
  /** The answer limits (ANSWER_LIMITS unless a test gives smaller ones). */
  limits?: Partial<AnswerLimits>;
  /** Milliseconds for the total time limit of an answer; tests give a clock that the body's arrival advances. */
  bodyClock?: () => number;
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
  /** Set by the sandbox: without it, no PUT or DELETE leaves the runner at all. */
  writeGuard?: WriteGuard;

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
    const isWrite = request.method === 'PUT' || request.method === 'DELETE';
    for (let attempt = 0; ; attempt++) {
      await this.throttle();
      // Right before it leaves (each retry too): the target must still be one of the run's own.
      if (isWrite) {
        if (!this.writeGuard)
          throw new WriteRefused(`No write guard: the runner does not send ${request.method} ${request.path}.`);
        this.writeGuard.beforeWrite(request);
      }
      const started = performance.now();
      const { status, responseHeaders, text, transport } = await this.exchange(url, request.method, headers, body);
      const exchange: Exchange = {
        request: { ...request, headers, url },
        response: { status, headers: responseHeaders, text, body: transport ? undefined : parseJson(text) },
        durationMs: performance.now() - started,
      };
      if (transport) exchange.transport = transport;
      exchange.sentBy = this.currentCheck;
      this.exchanges.push(exchange);
      this.onExchange?.(exchange);
      if (isWrite) this.writeGuard?.afterWrite(exchange);
      const wait = transport ? undefined : retryAfterSeconds(status, responseHeaders);
      if (status !== 429 || request.noRetry || attempt >= (this.options.maxRetries ?? 3) || wait === undefined)
        return exchange;
      const waitMs = Math.min(wait, this.options.maxRetryAfterSeconds ?? 60) * 1000;
      if (Date.now() + waitMs >= this.options.deadline) return exchange;
      this.retries++;
      this.options.onWait?.(waitMs / 1000, url);
      await this.sleep(waitMs);
    }
  }

  /** One request and its answer, read within the limits; never follows a redirect, never resends. */
  private async exchange(
    url: string,
    method: string,
    headers: Record<string, string>,
    body: string | undefined,
  ): Promise<{ status: number; responseHeaders: Headers; text: string; transport?: TransportProblem }> {
    const limits = { ...ANSWER_LIMITS, ...this.options.limits };
    const controller = new AbortController();
    const timeLeft = Math.max(1, Math.min(limits.totalMs, this.options.deadline - Date.now()));
    const timer = setTimeout(() => controller.abort(), timeLeft);
    try {
      let response: Response;
      try {
        const init: RequestInit = { method, headers, body, redirect: 'manual', signal: controller.signal };
        try {
          response = await this.fetchImpl(url, init);
        } catch (error) {
          // A kept-alive connection the server had closed: an idempotent request is sent once more, on a new one.
          if (!IDEMPOTENT.has(method) || !closedConnection(error) || controller.signal.aborted) throw error;
          response = await this.fetchImpl(url, init);
        }
      } catch (error) {
        if (Date.now() >= this.options.deadline) throw new BudgetExceeded();
        const cause = error instanceof Error ? (error.cause ?? error) : error;
        const why = controller.signal.aborted
          ? `no answer within ${timeLeft} ms`
          : `cannot reach ${url}: ${cause instanceof Error ? cause.message : String(cause)}`;
        return { status: 0, responseHeaders: new Headers(), text: '', transport: { kind: 'no_answer', detail: why } };
      }
      const read = await readBody(response, limits, controller, this.options.bodyClock ?? (() => performance.now()));
      if (read.transport && read.transport.kind === 'body_timeout' && Date.now() >= this.options.deadline)
        throw new BudgetExceeded();
      // A 3xx is recorded as it came: the runner never sends a request twice, nor anywhere it was not told to.
      if (!read.transport && response.status >= 300 && response.status < 400) {
        const location = response.headers.get('location');
        read.transport = {
          kind: 'redirect',
          detail: `answered ${response.status}${location ? ` to ${location}` : ' (no Location)'}; not followed`,
        };
      }
      return { status: response.status, responseHeaders: response.headers, ...read };
    } finally {
      clearTimeout(timer);
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

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

/** The connection was closed under the request before any answer (undici's "other side closed", a reset). */
function closedConnection(error: unknown): boolean {
  const cause = error instanceof Error ? error.cause : undefined;
  const code = cause && typeof cause === 'object' && 'code' in cause ? String(cause.code) : '';
  return ['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE'].includes(code);
}

/**
 * Reads an answer's body chunk by chunk: beyond `maxBytes` the rest is not read (the stream is cancelled,
 * so a huge answer costs no memory), a pause longer than `idleMs` or a body still coming after `totalMs`
 * ends the read, and a stream that fails is a cut body. What was read is kept, truncated.
 */
async function readBody(
  response: Response,
  limits: AnswerLimits,
  controller: AbortController,
  now: () => number,
): Promise<{ text: string; transport?: TransportProblem }> {
  if (!response.body) return { text: '' };
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const start = now();
  let text = '';
  let bytes = 0;
  const stop = async (transport: TransportProblem) => {
    controller.abort();
    await reader.cancel().catch(() => undefined);
    return { text: text + decoder.decode(), transport };
  };
  for (;;) {
    let idle: ReturnType<typeof setTimeout> | undefined;
    const pause = new Promise<'idle'>((resolve) => {
      idle = setTimeout(() => resolve('idle'), limits.idleMs);
    });
    let chunk: Awaited<ReturnType<typeof reader.read>> | 'idle';
    try {
      chunk = await Promise.race([reader.read(), pause]);
    } catch (error) {
      if (controller.signal.aborted)
        return stop({ kind: 'body_timeout', detail: `the body was still coming after ${limits.totalMs} ms` });
      const why = error instanceof Error ? String(error.cause ?? error.message) : String(error);
      return stop({ kind: 'body_cut', detail: `the connection ended mid-body after ${bytes} bytes (${why})` });
    } finally {
      clearTimeout(idle);
    }
    if (chunk === 'idle')
      return stop({ kind: 'body_timeout', detail: `no byte of the body for ${limits.idleMs} ms after ${bytes} bytes` });
    if (chunk.done) break;
    const room = limits.maxBytes - bytes;
    bytes += chunk.value.byteLength;
    if (bytes > limits.maxBytes) {
      text += decoder.decode(chunk.value.subarray(0, room), { stream: true });
      return stop({
        kind: 'body_too_large',
        detail: `the body is larger than ${limits.maxBytes} bytes; the rest was not read`,
      });
    }
    text += decoder.decode(chunk.value, { stream: true });
    if (now() - start > limits.totalMs)
      return stop({ kind: 'body_timeout', detail: `the body was still coming after ${limits.totalMs} ms` });
  }
  return { text: text + decoder.decode() };
}

function retryAfterSeconds(status: number, headers: Headers): number | undefined {
  const header = headers.get('retry-after');
  if (header === null) return status === 429 ? 1 : undefined;
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
