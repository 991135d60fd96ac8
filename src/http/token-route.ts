/**
 * POST /oauth2/token: client credentials by HTTP Basic or by query/form parameters, then the grant.
 * Parameters may travel in the query string or in a form body, each once (RFC 6749 §3.2). Every refusal,
 * the HTTP layer's own included (429, a body too large), is answered in RFC 6749's body (§5.2).
 */

import type { Context } from 'hono';
import { invalidInput, messages } from '../domain/errors.ts';
import type { MockState } from '../domain/runtime.ts';
import type { TokenRequest } from '../domain/tokens.ts';
import { limitBody, readText } from './body.ts';
import { headerOf } from './header-of.ts';
import { refusals } from './http-error.ts';
import { enforceRateLimit, type RouteContext } from './operation-route.ts';
import { oauthErrorResponse, oauthRefusalResponse, TOKEN_CACHE_HEADERS } from './respond.ts';

/** The parameters the endpoint reads; each may be given once only (RFC 6749 §3.2). */
const PARAMETERS = ['grant_type', 'refresh_token', 'client_id', 'client_secret'] as const;

function basicCredentials(authorization: string | undefined): { id: string; secret: string } | 'invalid' | undefined {
  if (!authorization || !/^Basic /i.test(authorization)) return undefined;
  const decoded = decodeBase64(authorization.slice(6).trim());
  if (decoded === undefined) return 'invalid';
  const colon = decoded.indexOf(':');
  if (colon < 1) return 'invalid';
  try {
    // RFC 6749 §2.3.1: both halves are form-encoded before they are joined.
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  } catch {
    return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
  }
}

/** Base64 to UTF-8 text with web APIs only (the mock also runs in browsers); undefined when it is not base64. */
function decodeBase64(encoded: string): string | undefined {
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(encoded), (char) => char.charCodeAt(0)));
  } catch {
    return undefined;
  }
}

/** The query's and the form body's parameters together; a parameter given twice anywhere is refused. */
async function tokenParameters(c: Context): Promise<Map<string, string>> {
  const sources = [new URL(c.req.url).searchParams];
  const contentType = headerOf(c, 'content-type') ?? '';
  if (contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    await limitBody(c, 400);
    sources.push(new URLSearchParams(await readText(c.req.raw)));
  }
  const params = new Map<string, string>();
  for (const source of sources) {
    for (const name of PARAMETERS) {
      for (const value of source.getAll(name)) {
        if (params.has(name)) throw invalidInput(messages.oauthParameterRepeated(name));
        params.set(name, value);
      }
    }
  }
  return params;
}

/**
 * Whose failures a failed authentication counts against: the client id, how the credentials came (Basic or
 * parameters) and the page's origin. A cross-site form post always carries its page's Origin and can send
 * no Basic header, so a foreign page only ever locks itself out, never the app that uses the same client
 * id from a server or its own origin (docs/decisions.md).
 */
function failureKey(clientId: string, basic: boolean, origin: string | undefined): string {
  return `${clientId.slice(0, 100)}\u0000${basic ? 'basic' : 'params'}\u0000${(origin ?? '').slice(0, 90)}`;
}

export function tokenRoute(ctx: RouteContext) {
  return async (c: Context): Promise<Response> => {
    try {
      return await issue(c, ctx);
    } catch (error) {
      // A refusal in RFC 6749's body; anything else is a bug, for the app's error handler.
      return oauthRefusalResponse(error);
    }
  };
}

async function issue(c: Context, ctx: RouteContext): Promise<Response> {
  const state: MockState = ctx.state(c);
  const params = await tokenParameters(c);
  const basic = basicCredentials(headerOf(c, 'authorization'));
  const origin = headerOf(c, 'origin');
  const failures = ctx.clientFailures;
  if (basic === 'invalid') {
    failures?.fail(failureKey('', true, origin), ctx.now());
    return oauthErrorResponse('invalid_client', messages.oauthInvalidClient);
  }
  // RFC 6749 §2.3: one authentication method per request. A client_id parameter that repeats the Basic one is
  // no second method (some libraries send it); a secret beside Basic, or another id, is.
  const clientIdParam = params.get('client_id');
  if (basic && (params.has('client_secret') || (clientIdParam !== undefined && clientIdParam !== basic.id))) {
    throw invalidInput(messages.oauthSeveralMethods);
  }
  const request: TokenRequest = {
    grantType: params.get('grant_type'),
    refreshToken: params.get('refresh_token'),
    clientId: basic?.id ?? clientIdParam,
    clientSecret: basic?.secret ?? params.get('client_secret'),
  };
  // Guessing secrets: past the limit of failures, the client id is refused from that origin until the window ends.
  const key = failureKey(request.clientId ?? '', basic !== undefined, origin);
  const allowed = failures?.check(key, ctx.now());
  if (failures && allowed && !allowed.allowed) {
    throw refusals.clientFailuresLimited(failures.limitPerMinute, allowed.retryAfterSeconds);
  }
  const auth = state.tokens.authenticateClient(request);
  if ('error' in auth) {
    if (auth.error === 'invalid_client') failures?.fail(key, ctx.now());
    return oauthErrorResponse(auth.error, auth.description);
  }
  enforceRateLimit(state, auth.client.organizationId, ctx.now());
  const result = state.tokens.issue(auth.client, request);
  if ('error' in result) return oauthErrorResponse(result.error, result.description);
  return c.json(result.token, 200, TOKEN_CACHE_HEADERS);
}
