/** Tokens, the OAuth2 token endpoint, scopes and permissions. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { MockApp } from '../../src/http/app.ts';
import { basic, call, expectError, makeApp, TOKENS } from '../helpers.ts';

let app: MockApp;
let clock: number;
beforeEach(async () => {
  clock = Date.UTC(2026, 0, 1);
  app = await makeApp({ now: () => clock, config: { tokenTtlSeconds: 600 } });
});

const profile = (token: string | null, headers: Record<string, string> = {}) =>
  call(app, 'GET', '/api/v1/organization/profile', { token, headers });

const tokenRequest = (query: string, init: { authorization?: string; form?: string } = {}) =>
  call(app, 'POST', `/oauth2/token${query}`, {
    token: null,
    headers: {
      ...(init.authorization ? { Authorization: init.authorization } : {}),
      ...(init.form !== undefined ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
    },
    raw: init.form,
  });

describe('401 Unauthorized', () => {
  it('without a token: the Error body and a Bearer challenge without an error code', async () => {
    const reply = await profile(null);
    expectError(reply, 401, 'Authorization token is missing.');
    expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="Platform API"');
  });

  it.each([
    ['Basic abc', 'Authorization header should be "Bearer <token>".'],
    ['Bearer', 'Authorization header should be "Bearer <token>".'],
    ['Bearer two words', 'Authorization header should be "Bearer <token>".'],
    ['Bearer nobody-has-this-token', 'Invalid token.'],
    [`Bearer ${TOKENS.expired}`, 'Token has expired.'],
  ])('Authorization: %s → 401 with error="invalid_token"', async (authorization, message) => {
    const reply = await profile(null, { Authorization: authorization });
    expectError(reply, 401, message);
    // RFC 7235 quoted-string: the quotes of the message are escaped.
    const escaped = message.replace(/["\\]/g, '\\$&');
    expect(reply.headers.get('www-authenticate')).toBe(
      `Bearer realm="Platform API", error="invalid_token", error_description="${escaped}"`,
    );
  });

  it('applies to every API operation', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/organization/search?query='],
      ['GET', '/api/v1/organization?orgId=1'],
      ['POST', '/api/v1/organization/create'],
      ['PUT', '/api/v1/organization?orgId=3'],
      ['DELETE', '/api/v1/organization?orgId=3'],
    ] as const) {
      const reply = await call(app, method, path, {
        token: null,
        body: method === 'GET' ? undefined : { name: 'Sneaky Org' },
      });
      expectError(reply, 401, 'Authorization token is missing.');
    }
    expect(app.mock.state.tree.size).toBe(105);
    expect(app.mock.state.tree.get(3)?.name).toBe('Acme Berlin Lab');
  });
});

describe('403 Forbidden', () => {
  it('a token of a client without the Platform API scope is refused everywhere, with the documented message', async () => {
    expectError(await profile(TOKENS.noScope), 403, 'Platform API scope is not enabled for this oauth client.');
    const issued = await tokenRequest('?grant_type=client_credentials', {
      authorization: basic('noscope-client', 'noscope-secret'),
    });
    expect(issued.status).toBe(200);
    expectError(
      await profile(issued.body.access_token),
      403,
      'Platform API scope is not enabled for this oauth client.',
    );
    expectError(
      await call(app, 'DELETE', '/api/v1/organization?orgId=3', { token: issued.body.access_token }),
      403,
      'Platform API scope is not enabled for this oauth client.',
    );
    expect(app.mock.state.tree.get(3)).toBeDefined();
  });
});

describe('POST /oauth2/token', () => {
  it('client credentials by HTTP Basic: a token pair that works, expiring after TOKEN_TTL_SECONDS', async () => {
    const reply = await tokenRequest('?grant_type=client_credentials', {
      authorization: basic('root-client', 'root-secret'),
    });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    expect(reply.body).toEqual({
      access_token: expect.stringMatching(/^[0-9a-f]{48}$/),
      token_type: 'Bearer',
      expires_in: 600,
      refresh_token: expect.stringMatching(/^[0-9a-f]{48}$/),
    });
    expect((await profile(reply.body.access_token)).body.id).toBe(1);
    clock += 599_000;
    expect((await profile(reply.body.access_token)).status).toBe(200);
    clock += 1_000;
    expectError(await profile(reply.body.access_token), 401, 'Token has expired.');
  });

  it('client id and secret as query or form parameters, grant type in the form body', async () => {
    const byQuery = await tokenRequest(
      '?grant_type=client_credentials&client_id=root-client&client_secret=root-secret',
    );
    expect(byQuery.status).toBe(200);
    const byForm = await tokenRequest('', {
      form: 'grant_type=client_credentials&client_id=root-client&client_secret=root-secret',
    });
    expect(byForm.status).toBe(200);
    expect(byForm.body.access_token).not.toBe(byQuery.body.access_token);
  });

  it('an issued token holds all four permissions', async () => {
    const { body } = await tokenRequest('?grant_type=client_credentials', {
      authorization: basic('root-client', 'root-secret'),
    });
    const created = await call(app, 'POST', '/api/v1/organization/create', {
      token: body.access_token,
      body: { name: 'Token Made' },
    });
    expect(created.status).toBe(201);
    const renamed = await call(app, 'PUT', `/api/v1/organization?orgId=${created.body.id}`, {
      token: body.access_token,
      body: { name: 'Token Renamed' },
    });
    expect(renamed.status).toBe(200);
    expect(
      (await call(app, 'DELETE', `/api/v1/organization?orgId=${created.body.id}`, { token: body.access_token })).status,
    ).toBe(204);
  });

  it('refresh tokens give a new pair and work once', async () => {
    const auth = basic('root-client', 'root-secret');
    const first = await tokenRequest('?grant_type=client_credentials', { authorization: auth });
    const refreshed = await tokenRequest(`?grant_type=refresh_token&refresh_token=${first.body.refresh_token}`, {
      authorization: auth,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).not.toBe(first.body.refresh_token);
    expect((await profile(refreshed.body.access_token)).status).toBe(200);
    const again = await tokenRequest(`?grant_type=refresh_token&refresh_token=${first.body.refresh_token}`, {
      authorization: auth,
    });
    expect(again.body).toEqual({
      error: 'invalid_grant',
      error_description: 'Refresh token is invalid, used or expired.',
    });
  });

  it('a refresh token of another client, or an expired one, is invalid_grant', async () => {
    const first = await tokenRequest('?grant_type=client_credentials', {
      authorization: basic('root-client', 'root-secret'),
    });
    const other = await tokenRequest(`?grant_type=refresh_token&refresh_token=${first.body.refresh_token}`, {
      authorization: basic('noscope-client', 'noscope-secret'),
    });
    expect(other.status).toBe(400);
    expect(other.body.error).toBe('invalid_grant');
    const second = await tokenRequest('?grant_type=client_credentials', {
      authorization: basic('root-client', 'root-secret'),
    });
    // A refresh token lives as long as an access token (TOKEN_TTL_SECONDS, 600 s here), as on the real service.
    clock += 599_000;
    expect((await profile(second.body.access_token)).status).toBe(200);
    clock += 1_000;
    expect((await profile(second.body.access_token)).status).toBe(401);
    const late = await tokenRequest(`?grant_type=refresh_token&refresh_token=${second.body.refresh_token}`, {
      authorization: basic('root-client', 'root-secret'),
    });
    expect(late.body.error).toBe('invalid_grant');
  });

  it.each([
    [
      '?grant_type=client_credentials',
      basic('root-client', 'wrong'),
      'invalid_client',
      'Client ID is not found or password is wrong.',
    ],
    [
      '?grant_type=client_credentials',
      basic('nobody', 'x'),
      'invalid_client',
      'Client ID is not found or password is wrong.',
    ],
    ['?grant_type=client_credentials', 'Basic !!!', 'invalid_client', 'Client ID is not found or password is wrong.'],
    ['?grant_type=client_credentials', undefined, 'invalid_request', 'Client credentials are missing.'],
    ['', basic('root-client', 'root-secret'), 'invalid_request', 'Parameter grant_type is missing.'],
    [
      '?grant_type=refresh_token',
      basic('root-client', 'root-secret'),
      'invalid_request',
      'Parameter refresh_token is missing.',
    ],
    [
      '?grant_type=refresh_token&refresh_token=nope',
      basic('root-client', 'root-secret'),
      'invalid_grant',
      'Refresh token is invalid, used or expired.',
    ],
    [
      '?grant_type=password',
      basic('root-client', 'root-secret'),
      'unsupported_grant_type',
      'Grant type should be client_credentials or refresh_token.',
    ],
  ])('%s with %s → 400 %s', async (query, authorization, error, description) => {
    const reply = await tokenRequest(query, { authorization });
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ error, error_description: description });
  });
});

describe('POST /oauth2/token: every refusal in RFC 6749’s body, with both cache headers', () => {
  const expectNoCache = (reply: { headers: Headers }) => {
    expect(reply.headers.get('cache-control')).toBe('no-store');
    expect(reply.headers.get('pragma')).toBe('no-cache');
  };

  it('a token, and a refusal, carry Cache-Control: no-store and Pragma: no-cache (§5.1)', async () => {
    const ok = await tokenRequest('?grant_type=client_credentials', {
      authorization: basic('root-client', 'root-secret'),
    });
    expect(ok.status).toBe(200);
    expectNoCache(ok);
    const refused = await tokenRequest('?grant_type=client_credentials', { authorization: basic('root-client', 'x') });
    expect(refused.status).toBe(400);
    expectNoCache(refused);
  });

  it('a wrong method is 405 with Allow and the OAuth body', async () => {
    const response = await app.request('/oauth2/token', { method: 'GET' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expectNoCache(response);
    expect(await response.json()).toEqual({
      error: 'invalid_request',
      error_description: 'Method GET is not allowed here; use POST.',
    });
  });

  it('the rate limit is 429 with Retry-After and the OAuth body', async () => {
    const limited = await makeApp({ now: () => clock, config: { rateLimitPerMinute: 1 } });
    const auth = { Authorization: basic('root-client', 'root-secret') };
    const send = () =>
      call(limited, 'POST', '/oauth2/token?grant_type=client_credentials', { token: null, headers: auth });
    expect((await send()).status).toBe(200);
    const reply = await send();
    expect(reply.status).toBe(429);
    expect(reply.headers.get('retry-after')).toBe('60');
    expectNoCache(reply);
    expect(reply.body).toEqual({
      error: 'temporarily_unavailable',
      error_description: 'Too many requests: the limit is 1 requests per minute per organization.',
    });
  });

  it('a seeded fault is 500 with the OAuth body', async () => {
    const faulty = await makeApp({ config: { faultRate: 1 } });
    const reply = await call(faulty, 'POST', '/oauth2/token?grant_type=client_credentials', {
      token: null,
      headers: { Authorization: basic('root-client', 'root-secret') },
    });
    expect(reply.status).toBe(500);
    expectNoCache(reply);
    expect(reply.body).toEqual({ error: 'server_error', error_description: 'Internal server error.' });
  });

  it('Prefer: code=429 and code=500 answer in the OAuth body too', async () => {
    for (const [code, error] of [
      ['429', 'temporarily_unavailable'],
      ['500', 'server_error'],
    ]) {
      const reply = await call(app, 'POST', '/oauth2/token?grant_type=client_credentials', {
        token: null,
        headers: { Authorization: basic('root-client', 'root-secret'), Prefer: `code=${code}` },
      });
      expect(reply.status).toBe(Number(code));
      expectNoCache(reply);
      expect(reply.body.error).toBe(error);
    }
  });
});

describe('POST /oauth2/token: RFC 6749 §2.3 and §3.2', () => {
  const refused = {
    several: {
      error: 'invalid_request',
      error_description:
        'Client credentials should come one way only: in the Authorization header or as parameters, not both.',
    },
    repeated: (name: string) => ({
      error: 'invalid_request',
      error_description: `Parameter ${name} should be given once.`,
    }),
  };
  const auth = basic('root-client', 'root-secret');

  it('refuses HTTP Basic together with a client_secret, or with another client_id, as parameters (§2.3)', async () => {
    const inQuery = await tokenRequest(
      '?grant_type=client_credentials&client_id=root-client&client_secret=root-secret',
      {
        authorization: auth,
      },
    );
    expect([inQuery.status, inQuery.body]).toEqual([400, refused.several]);
    const inForm = await tokenRequest('', {
      authorization: auth,
      form: 'grant_type=client_credentials&client_id=noscope-client',
    });
    expect([inForm.status, inForm.body]).toEqual([400, refused.several]);
    // The same client id beside Basic is no second method: some client libraries send it.
    const same = await tokenRequest('', {
      authorization: auth,
      form: 'grant_type=client_credentials&client_id=root-client',
    });
    expect(same.status).toBe(200);
  });

  it('refuses a parameter given twice: in the query, in the form body, or in both (§3.2)', async () => {
    const twiceInQuery = await tokenRequest('?grant_type=client_credentials&grant_type=refresh_token', {
      authorization: auth,
    });
    expect([twiceInQuery.status, twiceInQuery.body]).toEqual([400, refused.repeated('grant_type')]);
    const twiceInForm = await tokenRequest('', {
      form: 'grant_type=client_credentials&client_id=root-client&client_secret=wrong&client_secret=root-secret',
    });
    expect([twiceInForm.status, twiceInForm.body]).toEqual([400, refused.repeated('client_secret')]);
    const inBoth = await tokenRequest('?grant_type=client_credentials', {
      authorization: auth,
      form: 'grant_type=client_credentials',
    });
    expect([inBoth.status, inBoth.body]).toEqual([400, refused.repeated('grant_type')]);
    // Nothing was issued.
    expect(app.mock.state.tokens.issuedCount).toBe(0);
  });
});

describe('POST /oauth2/token: a foreign page cannot lock the real client out', () => {
  const FOREIGN = { Origin: 'https://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' };
  const formPost = (headers: Record<string, string>, secret: string) =>
    call(app, 'POST', '/oauth2/token', {
      token: null,
      headers,
      raw: `grant_type=client_credentials&client_id=root-client&client_secret=${secret}`,
    });

  it('21 cross-site form posts with wrong secrets lock out only that origin; the app still gets its token', async () => {
    for (let i = 0; i < 20; i++) expect((await formPost(FOREIGN, `guess-${i}`)).body.error).toBe('invalid_client');
    const locked = await formPost(FOREIGN, 'guess-21');
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('60');
    expect(locked.body).toEqual({
      error: 'invalid_client',
      error_description: 'Too many failed client authentications: the limit is 20 per minute per client id and origin.',
    });
    // The foreign origin waits for the window, even with the right secret.
    expect((await formPost(FOREIGN, 'root-secret')).status).toBe(429);
    // The app itself: from its server with Basic or parameters, and from its own page.
    const server = await tokenRequest('?grant_type=client_credentials', {
      authorization: basic('root-client', 'root-secret'),
    });
    expect(server.status).toBe(200);
    const serverParams = await formPost({ 'Content-Type': 'application/x-www-form-urlencoded' }, 'root-secret');
    expect(serverParams.status).toBe(200);
    const ownPage = await formPost({ ...FOREIGN, Origin: 'http://localhost:3000' }, 'root-secret');
    expect(ownPage.status).toBe(200);
    clock += 60_000;
    expect((await formPost(FOREIGN, 'root-secret')).status).toBe(200);
  });
});
