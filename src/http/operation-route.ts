/**
 * The request pipeline of every Bearer-protected operation, in the order the real service answers:
 * 401 (no valid token), 403 (client without scope), 429 (rate limit), 403 (permission),
 * 400/413 (request against the spec), then the operation itself.
 */
import { headerOf } from './header-of.ts';
import type { Context } from 'hono';
import { ApiError, messages } from '../domain/errors.ts';
import type { FailureLimiter } from '../domain/rate-limiter.ts';
import type { MockState } from '../domain/state.ts';
import type { AuthFailure, Permission, Principal } from '../domain/tokens.ts';
import type { Operation } from '../spec/document.ts';
import type { QueryValues, RequestValidator } from '../spec/validators.ts';
import { readJson } from './body.ts';
import type { OperationHandler } from './handlers.ts';
import { searchOf } from './search-of.ts';

export const REALM = 'Platform API';
const JSON_TYPE = { 'Content-Type': 'application/json' };

export interface RouteContext {
  state: (c: Context) => MockState;
  now: () => number;
  /** Failed client authentications on the token endpoint. */
  clientFailures?: FailureLimiter;
}

const authMessages: Record<AuthFailure, string> = {
  missing: messages.tokenMissing,
  malformed: messages.tokenMalformed,
  unknown: messages.tokenUnknown,
  expired: messages.tokenExpired,
};

/** RFC 6750: no error code when no credentials were sent; `invalid_token` when they were bad. */
function unauthorized(failure: AuthFailure): ApiError {
  const challenge =
    failure === 'missing'
      ? `Bearer realm="${REALM}"`
      : `Bearer realm="${REALM}", error="invalid_token", error_description="${authMessages[failure]}"`;
  return new ApiError(401, authMessages[failure], { 'WWW-Authenticate': challenge });
}

export function authorize(state: MockState, authorization: string | undefined, now: number): Principal {
  const auth = state.tokens.authenticate(authorization);
  if ('failure' in auth) throw unauthorized(auth.failure);
  // A token whose organization has been deleted no longer names anything.
  if (!state.tree.get(auth.principal.organizationId)) throw unauthorized('unknown');
  if (!auth.principal.platformApiScope) throw new ApiError(403, messages.noPlatformScope);
  enforceRateLimit(state, auth.principal.organizationId, now);
  return auth.principal;
}

export function enforceRateLimit(state: MockState, organizationId: number, now: number): void {
  const decision = state.rateLimiter.hit(organizationId, now);
  if (!decision.allowed) {
    throw new ApiError(429, messages.rateLimited(state.rateLimiter.limitPerMinute), {
      'Retry-After': String(decision.retryAfterSeconds),
    });
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
  const respond = (c: Context, principal: Principal, query: QueryValues, body: unknown, state: MockState, now: number) => {
    const result = handler({ principal, query, body, state, now });
    return result.json === undefined ? c.body(null, result.status as 204) : c.body(result.json, result.status as 200, JSON_TYPE);
  };
  // Synchronous unless there is a body to read: an await per request is a cost on the fastest paths.
  return (c: Context): Response | Promise<Response> => {
    const state = ctx.state(c);
    const now = ctx.now();
    const principal = authorize(state, headerOf(c, 'authorization'), now);
    if (op.permission && !principal.permissions.has(op.permission as Permission)) {
      throw new ApiError(403, messages.permissionMissing(op.permission));
    }
    const query = validator.query(hasQuery ? new URLSearchParams(searchOf(c.req.url)) : noQuery);
    if (!validator.hasJsonBody) return respond(c, principal, query, undefined, state, now);
    return readJson(c.req.raw).then((json) => respond(c, principal, query, validator.body(json), state, now));
  };
}
