/**
 * A small kit for broken servers written blind (test/blind-variants): a fetch-level wrapper around the
 * in-process mock that sees each call (which operation, its token, query and body), may change the request
 * before the mock answers it, change the answer after, or make calls of its own to the mock (side effects,
 * look-ups). Built from the reference and openapi.yaml only; it knows nothing of the contract runner.
 */
import type { Config } from '../../src/config.ts';
import type { MockApp } from '../../src/http/app.ts';

export type Fetch = typeof fetch;

/** One broken server: the mock behind `wrap`, departing from one [doc] fact of the reference. */
export interface BlindVariant {
  name: string;
  /** The reference section and the [doc] fact the variant breaks, in one line. */
  fact: string;
  wrap: (app: MockApp) => Fetch;
  config?: Partial<Config>;
}

/** Exceptions thrown by a wrapper itself (a bug of the variant, not of the server it plays). */
export const wrapperErrors: string[] = [];
/** When on, counts the answers that departed from the mock's own (a variant the run never triggers has 0). */
export const trace = { on: false, departures: 0 };

export type Op = 'profile' | 'search' | 'get' | 'create' | 'update' | 'delete' | 'token';

/** The root organization's static token: the kit's own look-ups and side effects use it. */
export const ROOT_TOKEN = 'root-admin-token';
const ORIGIN = 'http://mock.test';

function opOf(method: string, path: string): Op | undefined {
  const key = `${method} ${path.replace(/\/+$/, '')}`;
  return (
    {
      'GET /api/v1/organization/profile': 'profile',
      'GET /api/v1/organization/search': 'search',
      'GET /api/v1/organization': 'get',
      'POST /api/v1/organization/create': 'create',
      'PUT /api/v1/organization': 'update',
      'DELETE /api/v1/organization': 'delete',
      'POST /oauth2/token': 'token',
    } as Record<string, Op>
  )[key];
}

/** A request as the wrapper sees it. */
export class Call {
  readonly url: URL;
  readonly op: Op | undefined;
  constructor(
    readonly request: Request,
    readonly bodyText: string,
  ) {
    this.url = new URL(request.url);
    this.op = opOf(request.method.toUpperCase(), this.url.pathname);
  }
  get query(): URLSearchParams {
    return this.url.searchParams;
  }
  header(name: string): string | undefined {
    return this.request.headers.get(name) ?? undefined;
  }
  /** The Bearer token sent, if any. */
  get token(): string | undefined {
    const m = /^Bearer\s+(.+)$/i.exec(this.header('authorization') ?? '');
    return m?.[1]?.trim();
  }
  /** The request body parsed as JSON; undefined when it is not JSON. */
  get json(): any {
    try {
      return this.bodyText ? JSON.parse(this.bodyText) : undefined;
    } catch {
      return undefined;
    }
  }
  /** orgId of the query as a number, when it is a plain positive integer. */
  get orgId(): number | undefined {
    const raw = this.query.get('orgId');
    return raw !== null && /^\d+$/.test(raw) ? Number(raw) : undefined;
  }
  /** The search parameters with the documented defaults filled in. */
  get search() {
    const q = this.query;
    return {
      query: q.get('query') ?? '',
      sortBy: q.get('sortBy') ?? 'Organization Id',
      sortOrder: q.get('sortOrder') ?? 'ASC',
      page: Number(q.get('page') ?? 0),
      size: Number(q.get('size') ?? 50),
    };
  }
}

/** An answer read once: status, headers, text and the parsed JSON body (undefined when not JSON). */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

export async function read(response: Response): Promise<Answer> {
  const text = await response.text();
  let body: any;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, text, body };
}

/** A new answer; headers are taken from `like` (Content-Length dropped) unless replaced. */
export function respond(
  status: number,
  body: unknown,
  like?: Headers,
  headers: Record<string, string | null> = {},
): Response {
  const h = new Headers(like);
  h.delete('content-length');
  if (!h.has('content-type') && body !== undefined) h.set('content-type', 'application/json');
  for (const [k, v] of Object.entries(headers)) v === null ? h.delete(k) : h.set(k, v);
  const text = body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body);
  if (status === 204 || status === 304) return new Response(null, { status, headers: h });
  return new Response(text, { status, headers: h });
}

/** The documented Error body. */
export const errorBody = (message: string) => ({ error: { message } });
export const error = (status: number, message: string, like?: Headers) =>
  respond(status, errorBody(message), like, { 'content-type': 'application/json' });

/** Changes to a request before the mock sees it. */
export interface RequestChange {
  method?: string;
  /** Query parameters to set (a string) or remove (null). */
  query?: Record<string, string | null>;
  /** A new JSON body (serialized), or a raw text body. */
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string | null>;
}

export interface Kit {
  app: MockApp;
  /** The call, sent to the mock as it came or changed. */
  next: (change?: RequestChange) => Promise<Response>;
  /** A call of the kit's own to the mock (by default with the root token), read. */
  direct: (
    method: string,
    pathAndQuery: string,
    options?: { token?: string | null; body?: unknown },
  ) => Promise<Answer>;
}

export type Handler = (call: Call, kit: Kit) => Promise<Response> | Response;

function changed(call: Call, change: RequestChange): Request {
  const url = new URL(call.url);
  for (const [k, v] of Object.entries(change.query ?? {}))
    v === null ? url.searchParams.delete(k) : url.searchParams.set(k, v);
  const headers = new Headers(call.request.headers);
  for (const [k, v] of Object.entries(change.headers ?? {})) v === null ? headers.delete(k) : headers.set(k, v);
  const method = change.method ?? call.request.method;
  let body: string | undefined =
    change.rawBody ?? (change.body !== undefined ? JSON.stringify(change.body) : call.bodyText || undefined);
  if (method === 'GET' || method === 'HEAD') body = undefined;
  headers.delete('content-length');
  return new Request(url, { method, headers, body });
}

/**
 * A broken server from a handler. The handler's state lives in `setup`'s closure: wrap(app) makes a fresh
 * one per run.
 */
export function blind(setup: () => Handler): (app: MockApp) => Fetch {
  return (app) => {
    const handler = setup();
    let wrote = false;
    const direct: Kit['direct'] = async (method, pathAndQuery, options = {}) => {
      const headers: Record<string, string> = {};
      const token = options.token === undefined ? ROOT_TOKEN : options.token;
      if (token !== null) headers.authorization = `Bearer ${token}`;
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      const body = options.body === undefined ? undefined : JSON.stringify(options.body);
      if (method !== 'GET') wrote = true;
      return read(await app.fetch(new Request(`${ORIGIN}${pathAndQuery}`, { method, headers, body })));
    };
    return (async (input: string | URL | Request, init?: RequestInit) => {
      const request = new Request(input, init);
      const bodyText = request.body ? await request.clone().text() : '';
      const call = new Call(request, bodyText);
      let plain: Response | undefined;
      let changedOnce = false;
      const next = async (change?: RequestChange) => {
        if (change) changedOnce = true;
        const response = await app.fetch(change ? changed(call, change) : request);
        if (!change && trace.on && !plain) plain = response.clone();
        return response;
      };
      try {
        wrote = false;
        const out = await handler(call, { app, next, direct });
        if (trace.on && (changedOnce || wrote || (await differs(out, plain)))) trace.departures++;
        return out;
      } catch (e) {
        // A bug of the wrapper is not a departure the runner should be credited with: the test reports it.
        wrapperErrors.push(`${request.method} ${call.url.pathname}${call.url.search}: ${String(e)}`);
        throw e;
      }
    }) as Fetch;
  };
}

/** Whether an answer differs from the mock's own (status, Content-Type or body); costs a clone, so only when tracing. */
async function differs(out: Response, plain: Response | undefined): Promise<boolean> {
  if (!plain) return true;
  if (out.status !== plain.status || out.headers.get('content-type') !== plain.headers.get('content-type')) return true;
  return (await out.clone().text()) !== (await plain.text());
}

/** A variant that only changes answers of some operations: `change` gets the read answer. */
export function answers(
  match: (call: Call) => boolean,
  change: (answer: Answer, call: Call, kit: Kit) => Response | undefined | Promise<Response | undefined>,
): (app: MockApp) => Fetch {
  return blind(() => async (call, kit) => {
    const response = await kit.next();
    if (!match(call)) return response;
    const answer = await read(response.clone());
    return (await change(answer, call, kit)) ?? response;
  });
}

/** Applies `fn` to every Organization in a body: the body itself, or each item of a SearchResult. */
export function eachOrg(body: any, fn: (org: any) => any): any {
  if (body && Array.isArray(body.content)) return { ...body, content: body.content.map(fn) };
  if (body && typeof body === 'object' && typeof body.id === 'number') return fn(body);
  return body;
}

export const isOrgOp = (op: Op | undefined) =>
  op === 'profile' || op === 'search' || op === 'get' || op === 'create' || op === 'update';

const q = (params: Record<string, string | number>) =>
  new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();

/** Every organization a search gives, all pages, in its order, with its total. */
export async function searchAll(
  kit: Kit,
  token: string | undefined,
  s: { query: string; sortBy: string; sortOrder: string },
): Promise<{ items: any[]; total: number }> {
  const items: any[] = [];
  let total = 0;
  for (let page = 0; page < 100; page++) {
    const a = await kit.direct('GET', `/api/v1/organization/search?${q({ ...s, page, size: 1000 })}`, {
      token: token ?? null,
    });
    if (a.status !== 200) break;
    total = a.body.totalElements;
    items.push(...a.body.content);
    if (a.body.content.length < 1000) break;
  }
  return { items, total };
}

/** One organization as the root token sees it (undefined when there is none). */
export async function orgById(kit: Kit, id: number): Promise<any> {
  const a = await kit.direct('GET', `/api/v1/organization?orgId=${id}`);
  return a.status === 200 ? a.body : undefined;
}

export const searchPath = (params: Record<string, string | number>) => `/api/v1/organization/search?${q(params)}`;
