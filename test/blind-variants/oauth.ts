/** Broken servers: credentials and OAuth (how the client authenticates, refresh, expires_in, errors). */
import { type BlindVariant, blind, type Call, type Kit, read, respond } from './kit.ts';

const isToken = (call: Call) => call.op === 'token';
const INVALID_CLIENT = 'Client ID is not found or password is wrong.';

/** The token request's parameters, query first, then a form body. */
function params(call: Call): URLSearchParams {
  const out = new URLSearchParams(call.query);
  if ((call.header('content-type') ?? '').startsWith('application/x-www-form-urlencoded'))
    for (const [k, v] of new URLSearchParams(call.bodyText)) if (!out.has(k)) out.set(k, v);
  return out;
}
const grant = (call: Call) => params(call).get('grant_type');
const hasBasic = (call: Call) => /^Basic /i.test(call.header('authorization') ?? '');

/** A token answer changed when it is a 200 of the given grant. */
const tokenAnswer = (grantType: string | undefined, change: (token: any, call: Call) => any) =>
  blind(() => async (call, kit) => {
    const response = await kit.next();
    if (!isToken(call) || response.status !== 200 || (grantType && grant(call) !== grantType)) return response;
    const a = await read(response);
    return respond(200, change(a.body, call), a.headers);
  });

/** An OAuth error answer changed. */
const oauthError = (change: (a: { status: number; body: any }, call: Call) => { status: number; body: any }) =>
  blind(() => async (call, kit) => {
    const response = await kit.next();
    if (!isToken(call) || response.status < 400) return response;
    const a = await read(response);
    const out = change({ status: a.status, body: a.body }, call);
    return respond(out.status, out.body, a.headers);
  });

const oauthFailure = (code: string, description: string) =>
  respond(400, { error: code, error_description: description }, undefined, { 'cache-control': 'no-store' });

/** A client-credentials grant for the same client, as the call authenticates it. */
const freshPair = (kit: Kit) =>
  kit.next({ query: { grant_type: 'client_credentials', refresh_token: null }, rawBody: '' });

export const OAUTH: BlindVariant[] = [
  {
    name: 'oauth-query-credentials-refused',
    fact: '§5 Client id and secret as query parameters are accepted too; here they answer 400 invalid_client.',
    wrap: blind(
      () => (call, kit) =>
        isToken(call) && !hasBasic(call) && call.query.has('client_id')
          ? oauthFailure('invalid_client', INVALID_CLIENT)
          : kit.next(),
    ),
  },
  {
    name: 'oauth-form-credentials-refused',
    fact: '§5 Client id and secret as form parameters are accepted too; here they answer 400 invalid_request.',
    wrap: blind(
      () => (call, kit) =>
        isToken(call) && !hasBasic(call) && !call.query.has('client_id') && params(call).has('client_id')
          ? oauthFailure('invalid_request', 'Client authentication is missing.')
          : kit.next(),
    ),
  },
  {
    name: 'oauth-refresh-token-reusable',
    fact: '§5 Each refresh token works once; here a refresh token used before works again.',
    wrap: blind(() => {
      const used = new Set<string>();
      return async (call, kit) => {
        if (!isToken(call) || grant(call) !== 'refresh_token') return kit.next();
        const refresh = params(call).get('refresh_token') ?? '';
        const response = await kit.next();
        if (response.status === 200) {
          used.add(refresh);
          return response;
        }
        return used.has(refresh) ? freshPair(kit) : response;
      };
    }),
  },
  {
    name: 'oauth-refresh-echoes-used-refresh-token',
    fact: '§5 A refresh returns a new pair; here it answers the refresh token it was given (already used).',
    wrap: tokenAnswer('refresh_token', (t, call) => ({ ...t, refresh_token: params(call).get('refresh_token') })),
  },
  {
    name: 'oauth-refreshed-access-token-dead',
    fact: '§5 A refresh returns a new working access token; here the refreshed access token is unknown to the API.',
    wrap: tokenAnswer('refresh_token', (t) => ({ ...t, access_token: `${t.access_token}x` })),
  },
  {
    name: 'oauth-expires-in-minutes',
    fact: '§2/§5 expires_in is seconds (default 86400); here it is minutes (1440).',
    wrap: tokenAnswer(undefined, (t) => ({ ...t, expires_in: Math.round(t.expires_in / 60) })),
  },
  {
    name: 'oauth-refresh-expires-in-zero',
    fact: '§5 A refreshed token lives as long as any (expires_in 86400 by default); here a refresh answers expires_in 0.',
    wrap: tokenAnswer('refresh_token', (t) => ({ ...t, expires_in: 0 })),
  },
  {
    name: 'oauth-invalid-client-other-text',
    fact: '§5 invalid_client says "Client ID is not found or password is wrong." to the letter; here another text.',
    wrap: oauthError((a) =>
      a.body?.error === 'invalid_client'
        ? { status: a.status, body: { ...a.body, error_description: 'Bad client credentials.' } }
        : a,
    ),
  },
  {
    name: 'oauth-client-credentials-without-refresh-token',
    fact: '§5 The client-credentials grant returns an access token and a refresh token; here refresh_token is null.',
    wrap: tokenAnswer('client_credentials', (t) => ({ ...t, refresh_token: null })),
  },
  {
    name: 'oauth-used-refresh-invalid-request',
    fact: '§5 An unknown, used or expired refresh token is invalid_grant; here it answers invalid_request.',
    wrap: oauthError((a) =>
      a.body?.error === 'invalid_grant' ? { status: 400, body: { ...a.body, error: 'invalid_request' } } : a,
    ),
  },
  {
    name: 'oauth-token-works-only-for-reads',
    fact: '§5 Organization-level tokens (client credentials) hold all four permissions; here they get 403 on writes.',
    wrap: blind(() => {
      const issued = new Set<string>();
      return async (call, kit) => {
        if (isToken(call)) {
          const response = await kit.next();
          if (response.status !== 200) return response;
          const a = await read(response);
          issued.add(a.body.access_token);
          return respond(200, a.body, a.headers);
        }
        if (
          (call.op === 'create' || call.op === 'update' || call.op === 'delete') &&
          call.token &&
          issued.has(call.token)
        )
          return respond(403, { error: { message: 'Permission ORG_CREATE is required.' } });
        return kit.next();
      };
    }),
  },
  {
    name: 'oauth-token-scope-403-on-search',
    fact: '§5 A client lacking the Platform API scope gets 403 on every API call, one with it on none; here OAuth tokens get the scope 403 on search only.',
    wrap: blind(() => {
      const issued = new Set<string>();
      return async (call, kit) => {
        if (isToken(call)) {
          const response = await kit.next();
          if (response.status !== 200) return response;
          const a = await read(response);
          issued.add(a.body.access_token);
          return respond(200, a.body, a.headers);
        }
        if (call.op === 'search' && call.token && issued.has(call.token))
          return respond(403, { error: { message: 'Platform API scope is not enabled for this oauth client.' } });
        return kit.next();
      };
    }),
  },
];
