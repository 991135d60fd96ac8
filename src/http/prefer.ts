/**
 * The `Prefer` request header, as Prism users know it: `Prefer: code=429` answers with that documented
 * status, and exactly the body and headers the mock itself sends for it on that operation (built by the
 * same functions as the real refusals, `refusals` of http-error.ts); `Prefer: delay=800` delays the
 * answer. A success code runs the operation as usual. A `code` or `delay` that cannot be honoured is
 * refused with 400, naming the header and what is possible; preferences of other names are ignored, as
 * RFC 7240 asks.
 */
import type { Context } from 'hono';
import { invalidInput, messages, notFound, type Refusal } from '../domain/errors.ts';
import { secondsUntilNextWindow } from '../domain/rate-limiter.ts';
import type { Operation } from '../openapi/document.ts';
import { headerOf } from './header-of.ts';
import { type HttpError, refusals } from './http-error.ts';
import { type RouteContext, unauthorized } from './operation-route.ts';
import { queryStringOf } from './query-string.ts';
import { apiErrorResponse, oauthRefusalResponse } from './respond.ts';

export const MAX_PREFERRED_DELAY_MS = 60_000;

export interface Preference {
  code?: number;
  delayMs?: number;
}

/** The preferences `code` and `delay`; undefined when one of them is malformed or out of range. */
export function parsePrefer(header: string): Preference | undefined {
  const preference: Preference = {};
  for (const part of header.split(/[,;]/)) {
    const equals = part.indexOf('=');
    if (equals < 0) continue;
    const name = part.slice(0, equals).trim().toLowerCase();
    if (name !== 'code' && name !== 'delay') continue;
    const value = part
      .slice(equals + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    if (!/^\d{1,6}$/.test(value)) return undefined;
    if (name === 'code') preference.code = Number(value);
    else if (Number(value) > MAX_PREFERRED_DELAY_MS) return undefined;
    else preference.delayMs = Number(value);
  }
  return preference;
}

/** The not-found refusal of each operation that has one, as the operation itself words it. */
const NOT_FOUND: Record<string, (query: URLSearchParams) => string> = {
  getOrganization: () => messages.orgNotFound,
  updateOrganization: () => messages.orgNotFound,
  deleteOrganization: (query) => messages.orgNotFoundForDelete(Number(query.get('orgId')) || 1),
  createOrganization: () => messages.parentNotFound,
};

/**
 * The refusal the mock sends with this status on this operation: one the pipeline really gives, built by
 * the same function (`refusals` of http-error.ts, `unauthorized`): 400 for a missing required parameter or
 * body (on the token endpoint, a missing grant type), 401 without a token, 403 for a client without the
 * scope, 429 for the rate limit, and so on.
 */
function refusal(op: Operation, code: number, c: Context, ctx: RouteContext): HttpError | Refusal {
  switch (code) {
    case 400: {
      if (!op.bearer) return invalidInput(messages.oauthGrantTypeMissing);
      const required = op.parameters.find((p) => p.required && p.in === 'query');
      return invalidInput(required ? messages.parameterRequired(required.name) : messages.bodyMissing);
    }
    case 401:
      return unauthorized('missing', ctx.realm);
    case 403:
      return refusals.noPlatformScope();
    case 404: {
      const message =
        NOT_FOUND[op.operationId]?.(new URLSearchParams(queryStringOf(c.req.url))) ?? messages.resourceNotFound;
      return notFound(message);
    }
    case 413:
      return refusals.bodyTooLarge();
    case 429:
      return refusals.rateLimited(ctx.state(c).rateLimiter.limitPerMinute, secondsUntilNextWindow(ctx.now()));
    default:
      return refusals.internal();
  }
}

export type Route = (c: Context) => Response | Promise<Response>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Wraps a route so that it honours `Prefer`. */
export function preferring(op: Operation, route: Route, ctx: RouteContext): Route {
  // Statuses of the real service; `x-mock-only` ones (the 400 for a bad Prefer itself) are not offered.
  const documented = Object.entries(op.responses)
    .filter(([status, response]) => /^\d{3}$/.test(status) && response['x-mock-only'] !== true)
    .map(([status]) => status);
  const cannotHonour = messages.preferInvalid(documented.join(', '));
  // The token endpoint answers its refusals in RFC 6749's body, as it does without Prefer.
  const refuse = op.bearer ? apiErrorResponse : oauthRefusalResponse;
  return (c) => {
    const header = headerOf(c, 'prefer');
    if (header === undefined) return route(c);
    const preference = parsePrefer(header);
    if (preference === undefined || (preference.code !== undefined && !documented.includes(String(preference.code)))) {
      return refuse(invalidInput(cannotHonour));
    }
    const code = preference.code;
    // A success code runs the operation.
    const answer = () => (code === undefined || code < 400 ? route(c) : refuse(refusal(op, code, c, ctx)));
    return preference.delayMs ? sleep(preference.delayMs).then(answer) : answer();
  };
}
