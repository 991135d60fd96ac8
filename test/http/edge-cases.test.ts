/** Paths less travelled: HEAD, a reset of everything, and a token whose organization is gone. */
import { describe, expect, it } from 'vitest';
import { loadFixtures } from '../../src/node/fixtures.ts';
import { call, expectError, makeApp, TOKENS } from '../helpers.ts';

describe('HEAD', () => {
  it('answers wherever GET does, with the same status and headers and no body', async () => {
    const app = await makeApp();
    for (const [target, token, status] of [
      ['/api/v1/organization/profile', TOKENS.root, 200],
      ['/api/v1/organization?orgId=3', TOKENS.root, 200],
      ['/api/v1/organization?orgId=5', TOKENS.branch, 404],
      ['/api/v1/organization/search?query=acme', TOKENS.root, 200],
      ['/api/v1/organization/profile', null, 401],
    ] as const) {
      const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
      const get = await app.request(target, { headers });
      const head = await app.request(target, { method: 'HEAD', headers });
      expect(head.status, target).toBe(status);
      expect(get.status, target).toBe(status);
      expect(await head.text()).toBe('');
      expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'));
      expect(head.headers.get('www-authenticate')).toBe(get.headers.get('www-authenticate'));
    }
  });
});

describe('POST /_mock/reset?all=true', () => {
  it('brings back the seeded state of the default tree and of every session', async () => {
    const app = await makeApp();
    const inSession = { 'X-Mock-Session': 'reset-all-test' };
    await call(app, 'POST', '/api/v1/organization/create', { body: { name: 'Default Extra' } });
    await call(app, 'POST', '/api/v1/organization/create', { body: { name: 'Session Extra' }, headers: inSession });
    await call(app, 'DELETE', '/api/v1/organization?orgId=3', { headers: inSession });
    expect(app.mock.state.tree.size).toBe(106);
    const reset = await call(app, 'POST', '/_mock/reset?all=true', { headers: inSession });
    expect(reset.body).toEqual({ organizations: 105 });
    expect(app.mock.state.tree.size).toBe(105);
    const sessionSearch = await call(app, 'GET', '/api/v1/organization/search?query=extra', { headers: inSession });
    expect(sessionSearch.body.totalElements).toBe(0);
    expect((await call(app, 'GET', '/api/v1/organization?orgId=3', { headers: inSession })).status).toBe(200);
  });
});

describe('a token whose organization was deleted', () => {
  it('is refused with 401 Invalid token., on every operation', async () => {
    const fixtures = loadFixtures();
    const app = await makeApp({
      fixtures: {
        ...fixtures,
        tokens: [...fixtures.tokens, { token: 'lab-token', organizationId: 3, kind: 'organization' }],
      },
    });
    expect((await call(app, 'GET', '/api/v1/organization/profile', { token: 'lab-token' })).status).toBe(200);
    expect((await call(app, 'DELETE', '/api/v1/organization?orgId=3')).status).toBe(204);
    for (const [method, target] of [
      ['GET', '/api/v1/organization/profile'],
      ['GET', '/api/v1/organization/search?query='],
      ['GET', '/api/v1/organization?orgId=3'],
    ] as const) {
      const reply = await call(app, method, target, { token: 'lab-token' });
      expectError(reply, 401, 'Invalid token.');
      expect(reply.headers.get('www-authenticate')).toBe(
        'Bearer realm="Platform API", error="invalid_token", error_description="Invalid token."',
      );
    }
  });
});
