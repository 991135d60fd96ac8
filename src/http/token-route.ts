/**
 * POST /oauth2/token: client credentials by HTTP Basic or by query/form parameters, then the grant.
 * Parameters may travel in the query string or in a form body; the query wins where both give one.
 */

import type { Context } from 'hono';
import { messages } from '../domain/errors.ts';
import type { MockState } from '../domain/runtime.ts';
import type { TokenRequest } from '../domain/tokens.ts';
import { limitBody, readText } from './body.ts';
import { headerOf } from './header-of.ts';
import { answerOf, HttpError } from './http-error.ts';
import { enforceRateLimit, type RouteContext } from './operation-route.ts';
import { oauthErrorResponse } from './respond.ts';

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

async function tokenParameters(c: Context): Promise<URLSearchParams> {
  const params = new URL(c.req.url).searchParams;
  const contentType = headerOf(c, 'content-type') ?? '';
  if (contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    await limitBody(c, 400);
    for (const [name, value] of new URLSearchParams(await readText(c.req.raw))) {
      if (!params.has(name)) params.set(name, value);
    }
  }
  return params;
}

export function tokenRoute(ctx: RouteContext) {
  return async (c: Context): Promise<Response> => {
    const state: MockState = ctx.state(c);
    let params: URLSearchParams;
    try {
      params = await tokenParameters(c);
    } catch (error) {
      // The token endpoint refuses in OAuth's form: a body too large, cut short or not UTF-8 is a malformed request.
      const answer = answerOf(error);
      if (!answer) throw error;
      return oauthErrorResponse('invalid_request', answer.message);
    }
    const basic = basicCredentials(headerOf(c, 'authorization'));
    if (basic === 'invalid') {
      ctx.clientFailures?.fail('', ctx.now());
      return oauthErrorResponse('invalid_client', messages.oauthInvalidClient);
    }
    const request: TokenRequest = {
      grantType: params.get('grant_type') ?? undefined,
      refreshToken: params.get('refresh_token') ?? undefined,
      clientId: basic?.id ?? params.get('client_id') ?? undefined,
      clientSecret: basic?.secret ?? params.get('client_secret') ?? undefined,
    };
    // Guessing secrets: past the limit of failures, the client id is refused until the window ends.
    const failures = ctx.clientFailures;
    const clientKey = request.clientId ?? '';
    const allowed = failures?.check(clientKey, ctx.now());
    if (failures && allowed && !allowed.allowed) {
      throw new HttpError(429, messages.clientFailuresLimited(failures.limitPerMinute), {
        'Retry-After': String(allowed.retryAfterSeconds),
      });
    }
    const auth = state.tokens.authenticateClient(request);
    if ('error' in auth) {
      if (auth.error === 'invalid_client') failures?.fail(clientKey, ctx.now());
      return oauthErrorResponse(auth.error, auth.description);
    }
    enforceRateLimit(state, auth.client.organizationId, ctx.now());
    const result = state.tokens.issue(auth.client, request);
    if ('error' in result) return oauthErrorResponse(result.error, result.description);
    return c.json(result.token, 200, { 'Cache-Control': 'no-store' });
  };
}
