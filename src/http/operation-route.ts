/**
 * The request pipeline of every Bearer-protected operation, in the order the real service answers:
 * 401 (no valid token), 403 (client without scope), 429 (rate limit), 403 (permission),
 * 400/413 (request against the spec), then the operation itself.
 */

import type { Context } from 'hono';
import { isObject } from '../domain/checked.ts';
import { messages } from '../domain/errors.ts';
import type { FailureLimiter } from '../domain/rate-limiter.ts';
import type { MockState } from '../domain/runtime.ts';
import type { Principal, TokenFailure } from '../domain/tokens.ts';
import type { Operation, SpecDocument } from '../openapi/document.ts';
import type { QueryValues, RequestValidator } from '../openapi/validators.ts';
import { readJson } from './body.ts';
import type { OperationHandler } from './handlers.ts';
import { headerOf } from './header-of.ts';
import { HttpError, refusals } from './http-error.ts';
import { queryStringOf } from './query-string.ts';

const JSON_TYPE = { 'Content-Type': 'application/json' };

/** The realm of every challenge: `x-realm` of the spec's `bearerAuth` scheme, so spec and server agree. */
export function bearerRealm(spec: SpecDocument): string {
  const { components } = spec.raw;
  const schemes = isObject(components) ? components.securitySchemes : undefined;
  const bearer = isObject(schemes) ? schemes.bearerAuth : undefined;
  const realm = isObject(bearer) ? bearer['x-realm'] : undefined;
  if (typeof realm !== 'string')
    throw new Error('openapi.yaml: components.securitySchemes.bearerAuth needs an x-realm.');
  return realm;
}

export interface RouteContext {
  state: (c: Context) => MockState;
  now: () => number;
  /** See bearerRealm. */
  realm: string;
  /** Called with the body fields an operation ignores, so that the log and the journal can name them. */
  onIgnoredFields?: (c: Context, op: Operation, fields: string[]) => void;
  /** Failed client authentications on the token endpoint. */
  clientFailures?: FailureLimiter;
}

/** Why a request is unauthenticated: no header, a header that is not a Bearer token, or a bad token. */
export type AuthFailure = 'missing' | 'malformed' | TokenFailure;

// RFC 6750: `Bearer` and a b64token.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** The token of an `Authorization` header, or why there is none. */
export function bearerToken(
  authorization: string | undefined,
): { token: string } | { failure: 'missing' | 'malformed' } {
  if (authorization === undefined || authorization.trim() === '') return { failure: 'missing' };
  const match = BEARER.exec(authorization);
  return match?.[1] ? { token: match[1] } : { failure: 'malformed' };
}

const authMessages: Record<AuthFailure, string> = {
  missing: messages.tokenMissing,
  malformed: messages.tokenMalformed,
  unknown: messages.tokenUnknown,
  expired: messages.tokenExpired,
};

/** An RFC 7230 quoted-string: backslash and double quote escaped. */
const quoted = (value: string) => `"${value.replace(/[\\"]/g, '\\$&')}"`;

/** RFC 6750: no error code when no credentials were sent; `invalid_token` when they were bad. */
export function unauthorized(failure: AuthFailure, realm: string): HttpError {
  const challenge =
    failure === 'missing'
      ? `Bearer realm=${quoted(realm)}`
      : `Bearer realm=${quoted(realm)}, error="invalid_token", error_description=${quoted(authMessages[failure])}`;
  return new HttpError(401, authMessages[failure], { 'WWW-Authenticate': challenge });
}

export function authorize(state: MockState, authorization: string | undefined, now: number, realm: string): Principal {
  const bearer = bearerToken(authorization);
  if ('failure' in bearer) throw unauthorized(bearer.failure, realm);
  const auth = state.tokens.authenticate(bearer.token);
  if ('failure' in auth) throw unauthorized(auth.failure, realm);
  // A token whose organization has been deleted no longer names anything.
  if (!state.tree.get(auth.principal.organizationId)) throw unauthorized('unknown', realm);
  if (!auth.principal.platformApiScope) throw refusals.noPlatformScope();
  enforceRateLimit(state, auth.principal.organizationId, now);
  return auth.principal;
}

export function enforceRateLimit(state: MockState, organizationId: number, now: number): void {
  const decision = state.rateLimiter.hit(organizationId, now);
  if (!decision.allowed) {
    throw refusals.rateLimited(state.rateLimiter.limitPerMinute, decision.retryAfterSeconds);
  }
}

export function operationRoute(
  op: Operation,
  validator: RequestValidator,
  handler: OperationHandler,
  ctx: RouteContext,
) {
  const hasQuery = op.parameters.some((p) => p.in === 'query');
  const noQuery = new URLSearchParams();
  const respond = (
    c: Context,
    principal: Principal,
    query: QueryValues,
    body: unknown,
    state: MockState,
    now: number,
  ) => {
    const result = handler({ principal, query, body, state, now });
    return result.status === 204 ? c.body(null, 204) : c.body(result.json, result.status, JSON_TYPE);
  };
  // Synchronous unless there is a body to read: an await per request is a cost on the fastest paths.
  return (c: Context): Response | Promise<Response> => {
    const state = ctx.state(c);
    const now = ctx.now();
    const principal = authorize(state, headerOf(c, 'authorization'), now, ctx.realm);
    const granted: ReadonlySet<string> = principal.permissions;
    if (op.permission && !granted.has(op.permission)) {
      throw refusals.permissionMissing(op.permission);
    }
    const query = validator.query(hasQuery ? new URLSearchParams(queryStringOf(c.req.url)) : noQuery);
    if (!validator.hasJsonBody) return respond(c, principal, query, undefined, state, now);
    return readJson(c).then((json) => {
      const body = validator.body(json);
      const ignored = validator.unknownFields(json);
      if (ignored.length > 0) ctx.onIgnoredFields?.(c, op, ignored);
      return respond(c, principal, query, body, state, now);
    });
  };
}
