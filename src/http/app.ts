/**
 * createApp(options): the whole mock as a Hono app, without a port. API routes are registered from the
 * operations of openapi.yaml, so a path or method that the spec lacks cannot be served by accident.
 * Web-standard only (no Node built-ins, no files): it runs in Node, in browsers through MSW, in workers.
 * src/node/app.ts adds what needs a file system (a fixture file by path, the Swagger UI files).
 */

import { type Context, Hono } from 'hono';
import { cors } from 'hono/cors';
import { TrieRouter } from 'hono/router/trie-router';
import { getPath } from 'hono/utils/url';
import { type Config, DEFAULT_CONFIG } from '../config.ts';
import { messages } from '../domain/errors.ts';
import { defaultFixtures, type Fixtures, generatedOrganizations } from '../domain/fixtures.ts';
import { escapeControl, type JournalEntry, MAX_JOURNAL_PATH, redactSecrets, toJson } from '../domain/journal.ts';
import { MAX_SESSION_ID_LENGTH, MockRuntime, type MockState, sessionIdOf } from '../domain/runtime.ts';
import { bundledSpec } from '../openapi/bundled.ts';
import type { Operation, SpecDocument } from '../openapi/model.ts';
import { SpecValidators } from '../openapi/validators.ts';
import { CONTROL_PREFIX, controlRoutes, healthRoute, SESSION_HEADER } from './control.ts';
import { type DocsAssets, docsRoutes } from './docs.ts';
import { handlerFor } from './handlers.ts';
import { headerOf, requestHeader } from './header-of.ts';
import { closestRoute, ignoredFieldWarnings } from './hints.ts';
import { answerOf, type HttpError, refusals } from './http-error.ts';
import { bearerRealm, operationRoute, type RouteContext } from './operation-route.ts';
import { preferring, type Route } from './prefer.ts';
import { queryStringOf } from './query-string.ts';
import { apiErrorResponse, errorResponse, oauthRefusalResponse, toErrorResponse } from './respond.ts';
import { tokenRoute } from './token-route.ts';

export interface AppOptions {
  /** Any setting of the configuration; the rest take their defaults. */
  config?: Partial<Config>;
  /** The clock, for tests of expiry, rate-limit windows, sessions and lastModifiedTs. */
  now?: () => number;
  /** Another spec than the bundled openapi.yaml (loadSpec reads one from a file). */
  spec?: SpecDocument;
  /**
   * Fixtures already loaded. Without them the mock uses the default fixtures, or in Node reads the file
   * `config.fixtures` names; where there is no file system, give them here instead.
   */
  fixtures?: Fixtures;
  /** Where /docs gets the Swagger UI files; in Node, from swagger-ui-dist. */
  docsAssets?: DocsAssets;
  /** Check every response against openapi.yaml; a non-conforming one is logged and answered as 500. */
  validateResponses?: boolean;
  /**
   * Where request and error lines go, one call per line as it happens. Without it, request lines go to
   * stdout in batches written off the request path (nothing when `config.quiet`), error lines at once.
   */
  log?: (line: string) => void;
  /** Where batched request lines go when `log` is not given: default console.log (in Node, src/node/stdout.ts). */
  logBatch?: (lines: string) => void;
  /** A full garbage collection, run as sessions are evicted for SESSION_MEMORY_MB (in Node, src/node/gc.ts). */
  collectGarbage?: () => void;
}

export interface MockContext {
  config: Config;
  spec: SpecDocument;
  validators: SpecValidators;
  runtime: MockRuntime;
  /** The default (session-less) state. */
  readonly state: MockState;
}

export type MockApp = Hono & { readonly mock: MockContext };

/** openapi.yaml as bundled at build time, parsed once per process. */
export async function cachedSpec(): Promise<SpecDocument> {
  return bundledSpec();
}

const EXPOSED_HEADERS = ['Retry-After', 'WWW-Authenticate', 'Allow', 'X-Mock-Session'];
/** Warnings of a request for the log and the journal (ignored body fields), by request. */
const warningsOf = new WeakMap<Request, string[]>();

export async function createApp(options: AppOptions = {}): Promise<MockApp> {
  const config: Config = { ...DEFAULT_CONFIG, ...options.config };
  const now = options.now ?? Date.now;
  const log = options.log ?? (config.quiet ? undefined : batched(options.logBatch ?? ((text) => console.log(text))));
  // A bug is worth a line even in quiet mode.
  const logError = options.log ?? ((line: string) => console.error(line));
  const spec = options.spec ?? bundledSpec();
  const validators = new SpecValidators(spec);
  if (!options.fixtures && config.fixtures !== undefined) {
    throw new Error(
      `config.fixtures names a file (${config.fixtures}), and this createApp reads no files: give the fixtures themselves as options.fixtures.`,
    );
  }
  const fixtures = options.fixtures ?? defaultFixtures();
  const runtime = new MockRuntime(
    config,
    now,
    fixtures,
    await generatedOrganizations(fixtures, config),
    options.collectGarbage,
  );
  const mock: MockContext = {
    config,
    spec,
    validators,
    runtime,
    get state() {
      return runtime.stateFor();
    },
  };
  // A session is made only once the pipeline has checked the token; writes get the session's own copy.
  const contextFor = (writes: boolean): RouteContext => ({
    state: (c) => runtime.stateFor(sessionIdOf(headerOf(c, SESSION_HEADER)), writes),
    now,
    realm: bearerRealm(spec),
    onIgnoredFields: (c, op, fields) => warningsOf.set(c.req.raw, ignoredFieldWarnings(op, fields)),
    clientFailures: runtime.clientFailures,
  });
  const ctx = contextFor(false);

  const app = new Hono();
  // Only browsers send Origin. Touching c.res before the handler makes Hono copy the response, which
  // costs the adapter its fast path; requests without Origin (curl, servers, tests) skip CORS entirely.
  // A preflight may ask for any request header (tracing tools add traceparent, baggage, sentry-trace…):
  // with no allowHeaders list, Hono's cors allows what is asked. Credentialed requests need a specific
  // origin, so credentials are allowed only when CORS_ORIGIN names origins (comma-separated).
  const anyOrigin = config.corsOrigin.trim() === '*';
  const corsHeaders = cors({
    origin: anyOrigin ? '*' : config.corsOrigin.split(',').map((origin) => origin.trim()),
    credentials: !anyOrigin,
    exposeHeaders: EXPOSED_HEADERS,
    maxAge: 600,
  });
  // No middleware on `app` itself: a route whose pipeline is synchronous (every read) then stays synchronous
  // through Hono and the Node adapter, which answers such a request on its fast path. CORS and the request
  // log wrap `fetch` instead (below).
  // The token endpoint answers every refusal in RFC 6749's body, a wrong method's too.
  const tokenPaths = new Set(spec.apiOperations.filter((op) => !op.bearer).map((op) => op.path));

  app.route(CONTROL_PREFIX, healthRoute(runtime));
  if (config.controlPlane) app.route(CONTROL_PREFIX, controlRoutes(runtime, validators, config));
  app.route('/', docsRoutes(spec.text, options.docsAssets));

  /** Every path served, with its methods: for 404's hint. */
  const methodsByPath = new Map<string, string[]>();
  const serve = (method: string, path: string) => methodsByPath.set(path, [...(methodsByPath.get(path) ?? []), method]);
  for (const op of spec.apiOperations) {
    const method = op.method.toUpperCase();
    serve(method, op.path);
    let route = op.bearer ? apiRoute(op, validators, contextFor(op.method !== 'get')) : tokenRoute(ctx);
    route = preferring(op, chaotic(runtime, route, op.bearer ? apiErrorResponse : oauthRefusalResponse), ctx);
    if (options.validateResponses) route = conforming(route, op.operationId, validators, logError);
    app.on(method, op.path, route);
  }
  for (const op of spec.operations) {
    if (op.control && (config.controlPlane || op.operationId === 'mockHealth')) serve(op.method.toUpperCase(), op.path);
  }
  const hintRoutes = new Map(methodsByPath);
  for (const path of ['/docs', '/openapi.yaml']) hintRoutes.set(path, ['GET']);

  const allowedMethods = methodsOfPaths(app);
  app.notFound((c) => {
    // A path served with another method: 405 with Allow (HEAD wherever GET is), in our Error body. Only
    // requests that no route took get here, so this costs the others nothing (Hono's methodNotAllowed
    // middleware was one more async layer around every request).
    const allow = allowedMethods(c.req.path);
    if (allow !== undefined) {
      const refusal = refusals.methodNotAllowed(c.req.method, allow);
      return tokenPaths.has(c.req.path) ? oauthRefusalResponse(refusal) : apiErrorResponse(refusal);
    }
    const hint = closestRoute(c.req.method, c.req.path, hintRoutes);
    return errorResponse(404, hint ? messages.resourceNotFoundHint(hint) : messages.resourceNotFound);
  });
  app.onError((error) =>
    toErrorResponse(error, (internal) => {
      const stack =
        typeof internal === 'object' && internal !== null && 'stack' in internal ? internal.stack : undefined;
      logError(`error: ${stack ?? String(internal)}`);
    }),
  );
  // Only browsers send Origin: CORS runs for those requests alone, through an app of its own around this one.
  // The control plane sends no CORS headers at all: it is not for pages of other origins.
  const dispatch = app.fetch;
  const withCors = new Hono();
  withCors.use(corsHeaders);
  withCors.all('*', (c) => dispatch(c.req.raw, c.env));
  const logged = requestLog(runtime, config, log);
  app.fetch = (request, env, executionCtx) => {
    const started = performance.now();
    const path = getPath(request);
    const answer =
      requestHeader(request, env, 'origin') === undefined || path.startsWith(`${CONTROL_PREFIX}/`)
        ? dispatch(request, env, executionCtx)
        : withCors.fetch(request, env, executionCtx);
    return answer instanceof Promise
      ? answer.then((response) => logged(request, env, path, started, response))
      : logged(request, env, path, started, answer);
  };
  return Object.assign(app, { mock });
}

function apiRoute(op: Operation, validators: SpecValidators, ctx: RouteContext) {
  const handler = handlerFor(op.operationId);
  if (!handler) throw new Error(`openapi.yaml declares ${op.operationId}, but the mock has no handler for it.`);
  return operationRoute(op, validators.request(op.operationId), handler, ctx);
}

/**
 * The methods served on a path, in the spec's order with HEAD last (as the messages have always listed
 * them), or undefined for a path no route serves. Built on first use, from the routes as registered.
 */
function methodsOfPaths(app: Hono): (path: string) => string | undefined {
  let router: TrieRouter<string[]> | undefined;
  return (path) => {
    if (!router) {
      const byPath = new Map<string, string[]>();
      for (const route of app.routes) {
        if (route.method === 'ALL' || route.method === 'HEAD') continue;
        const methods = byPath.get(route.path) ?? [];
        if (!methods.includes(route.method)) methods.push(route.method);
        byPath.set(route.path, methods);
      }
      router = new TrieRouter();
      for (const [routePath, methods] of byPath)
        router.add('ALL', routePath, methods.includes('GET') ? [...methods, 'HEAD'] : methods);
    }
    const methods = new Set(router.match('ALL', path)[0].flatMap(([found]) => found));
    if (methods.size === 0) return undefined;
    return [...[...methods].filter((m) => m !== 'HEAD'), ...(methods.has('HEAD') ? ['HEAD'] : [])].join(', ');
  };
}

/**
 * Lines gathered and written together once the requests of this turn have been answered (one write per
 * batch, not per request), or at once past MAX_BATCH lines.
 */
function batched(write: (text: string) => void): (line: string) => void {
  const MAX_BATCH = 512;
  let lines: string[] = [];
  const flush = () => {
    const text = lines.join('\n');
    lines = [];
    write(text);
  };
  return (line) => {
    if (lines.push(line) === 1) setTimeout(flush, 0);
    else if (lines.length >= MAX_BATCH) flush();
  };
}

/** Control characters (CR, LF, ESC, …): a line with none needs no escaping. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters looked for
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * One line per request (text or JSON), and the journal of API requests. Cheap: it runs on every request.
 * The path is cut as the journal cuts it, secrets masked (only where a secret's name appears), and
 * control characters escaped only where there are some.
 */
function requestLog(runtime: MockRuntime, config: Config, log: ((line: string) => void) | undefined) {
  const json = config.logFormat === 'json';
  return (request: Request, env: unknown, requestPath: string, started: number, response: Response): Response => {
    // Secrets in the query are masked, and the text log escapes control characters: a decoded %0d%0a
    // or %1b in a path must not write fake lines or terminal escapes.
    let path = `${requestPath}${queryStringOf(request.url)}`;
    if (path.length > MAX_JOURNAL_PATH) path = `${path.slice(0, MAX_JOURNAL_PATH)}…`;
    path = redactSecrets(path);
    const ms = Math.round((performance.now() - started) * 10) / 10;
    const session = requestHeader(request, env, SESSION_HEADER);
    const entry: JournalEntry = { at: runtime.now(), method: request.method, path, status: response.status, ms };
    if (session !== undefined) entry.session = session.slice(0, MAX_SESSION_ID_LENGTH);
    const warnings = warningsOf.get(request);
    if (warnings) entry.warnings = warnings;
    if (!requestPath.startsWith(`${CONTROL_PREFIX}/`)) runtime.journal.add(entry);
    if (log === undefined) return response;
    if (json) log(JSON.stringify(toJson(entry)));
    else {
      const text = `${entry.method} ${path} ${entry.status} ${ms}ms${warnings ? ` (${warnings.join(' ')})` : ''}`;
      log(CONTROL.test(text) ? escapeControl(text) : text);
    }
    return response;
  };
}

/** Global latency and seeded faults: a fault answers 500 before the operation runs, so nothing changes. */
function chaotic(runtime: MockRuntime, route: Route, refuse: (refusal: HttpError) => Response): Route {
  const decide = (c: Context) => (runtime.chaos.nextIsFault() ? refuse(refusals.internal()) : route(c));
  return (c) => {
    const latency = runtime.chaos.nextLatency();
    return latency > 0 ? new Promise((resolve) => setTimeout(resolve, latency)).then(() => decide(c)) : decide(c);
  };
}

/** Wraps a route so that a response that departs from openapi.yaml cannot pass unnoticed. */
function conforming(route: Route, operationId: string, validators: SpecValidators, log: (line: string) => void) {
  return async (c: Context): Promise<Response> => {
    let response: Response;
    try {
      response = await route(c);
    } catch (error) {
      // Refusals are answers to check like any other; anything else is a bug for onError.
      const answer = answerOf(error);
      if (answer === undefined) throw error;
      response = errorResponse(answer.status, answer.message, answer.headers);
    }
    const text = await response.clone().text();
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = text;
    }
    const problems = validators.responseProblems(operationId, {
      status: response.status,
      headers: response.headers,
      body,
      text,
    });
    if (problems.length === 0) return response;
    log(`response of ${operationId} departs from openapi.yaml: ${problems.join(' ')}`);
    return errorResponse(500, messages.internal);
  };
}
