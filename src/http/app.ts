/**
 * createApp(options): the whole mock as a Hono app, without a port. Routes are registered from the
 * operations of openapi.yaml, so a path or method that the spec lacks cannot be served by accident.
 */
import { type Context, Hono } from 'hono';
import { type Config, DEFAULT_CONFIG } from '../config.ts';
import { messages } from '../domain/errors.ts';
import type { Fixtures } from '../domain/fixtures.ts';
import { createState, type MockState } from '../domain/state.ts';
import { loadSpec, type SpecDocument } from '../spec/document.ts';
import { SpecValidators } from '../spec/validators.ts';
import { operationHandlers } from './handlers.ts';
import { operationRoute, type RouteContext } from './operation-route.ts';
import { preferring } from './prefer.ts';
import { errorResponse, toErrorResponse } from './respond.ts';
import { tokenRoute } from './token-route.ts';

export interface AppOptions {
  /** Any setting of the configuration; the rest take their defaults. */
  config?: Partial<Config>;
  /** The clock, for tests of expiry, rate-limit windows and lastModifiedTs. */
  now?: () => number;
  /** A spec already loaded (saves start-up time when many apps are built). */
  spec?: SpecDocument;
  /** Fixtures already loaded, instead of reading `config.fixtures`. */
  fixtures?: Fixtures;
  /** Check every response against openapi.yaml; a non-conforming one is logged and answered as 500. */
  validateResponses?: boolean;
  /** Where request and error lines go; default stdout, nothing when `config.quiet`. */
  log?: (line: string) => void;
}

export interface MockContext {
  config: Config;
  spec: SpecDocument;
  validators: SpecValidators;
  state: MockState;
}

export type MockApp = Hono & { readonly mock: MockContext };

const specCache = new Map<string | undefined, Promise<SpecDocument>>();

/** Loads openapi.yaml once per path and process. */
export function cachedSpec(path?: string): Promise<SpecDocument> {
  let spec = specCache.get(path);
  if (!spec) specCache.set(path, (spec = loadSpec(path)));
  return spec;
}

export async function createApp(options: AppOptions = {}): Promise<MockApp> {
  const config: Config = { ...DEFAULT_CONFIG, ...options.config };
  const now = options.now ?? Date.now;
  const log = options.log ?? (config.quiet ? () => {} : (line: string) => console.log(line));
  const spec = options.spec ?? (await cachedSpec());
  const validators = new SpecValidators(spec);
  const mock: MockContext = { config, spec, validators, state: createState(config, now, options.fixtures) };
  const ctx: RouteContext = { state: () => mock.state, now };

  const app = new Hono();
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    const url = new URL(c.req.url);
    log(`${c.req.method} ${url.pathname}${url.search} ${c.res.status} ${(performance.now() - started).toFixed(1)}ms`);
  });

  const methodsByPath = new Map<string, string[]>();
  for (const op of spec.operations) {
    const method = op.method.toUpperCase();
    methodsByPath.set(op.path, [...(methodsByPath.get(op.path) ?? []), method]);
    let route: (c: Context) => Promise<Response>;
    if (op.bearer) {
      const handler = operationHandlers[op.operationId];
      if (!handler) throw new Error(`openapi.yaml declares ${op.operationId}, but the mock has no handler for it.`);
      route = operationRoute(op, validators.request(op.operationId), handler, ctx);
    } else {
      route = tokenRoute(ctx);
    }
    route = preferring(op, route);
    if (options.validateResponses) route = conforming(route, op.operationId, validators, log);
    app.on(method, op.path, route);
  }
  for (const [path, methods] of methodsByPath) {
    const allowed = methods.includes('GET') ? [...methods, 'HEAD'] : methods;
    const allow = allowed.join(', ');
    app.all(path, (c) => errorResponse(405, messages.methodNotAllowed(c.req.method, allow), { Allow: allow }));
  }

  app.notFound(() => errorResponse(404, messages.resourceNotFound));
  app.onError((error) =>
    toErrorResponse(error, (internal) => log(`error: ${(internal as Error)?.stack ?? String(internal)}`)),
  );
  return Object.assign(app, { mock });
}

/** Wraps a route so that a response that departs from openapi.yaml cannot pass unnoticed. */
function conforming(
  route: (c: Context) => Promise<Response>,
  operationId: string,
  validators: SpecValidators,
  log: (line: string) => void,
) {
  return async (c: Context): Promise<Response> => {
    let response: Response;
    try {
      response = await route(c);
    } catch (error) {
      response = toErrorResponse(error, () => {
        throw error;
      });
    }
    const text = await response.clone().text();
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = text;
    }
    const problems = validators.responseProblems(operationId, { status: response.status, headers: response.headers, body, text });
    if (problems.length === 0) return response;
    log(`response of ${operationId} departs from openapi.yaml: ${problems.join(' ')}`);
    return errorResponse(500, messages.internal);
  };
}
