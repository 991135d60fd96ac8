/**
 * orgs-mock/msw in Node: a component or unit test mocks the API with MSW's setupServer, and every request
 * made with fetch is answered by a full stateful mock in this process — no server, no port. Each answer is
 * checked against openapi.yaml.
 */
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandlers } from '../../src/node/msw.ts';
import { bundledSpec } from '../../src/openapi/bundled.ts';
import { SpecValidators } from '../../src/openapi/validators.ts';

const API = 'https://orgs.example';
const auth = { Authorization: 'Bearer root-admin-token' };
const validators = new SpecValidators(bundledSpec());
const server = setupServer();

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

/** fetch, then the body, checked against the spec's documented response of this operation. */
async function send(
  operationId: string,
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(url, init);
  const text = await response.text();
  const body = text === '' ? undefined : JSON.parse(text);
  expect(
    validators.responseProblems(operationId, { status: response.status, headers: response.headers, body, text }),
    `${url} → ${text}`,
  ).toEqual([]);
  return { status: response.status, body, headers: response.headers };
}

describe('MSW handlers for an origin (baseUrl)', () => {
  beforeAll(async () => server.use(...(await createHandlers({ baseUrl: API, config: { quiet: true } }))));

  it('lists, creates, reads back and refuses like the server, with its state kept between requests', async () => {
    const found = await send('searchOrganizations', `${API}/api/v1/organization/search?query=acme&sortBy=Name`, {
      headers: auth,
    });
    expect(found.status).toBe(200);
    expect(found.body.content.map((org: { name: string }) => org.name)).toContain('Acme Corp');

    const created = await send('createOrganization', `${API}/api/v1/organization/create`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Made Through MSW', tz: 'UTC' }),
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Made Through MSW', tz: 'UTC', parentOrganizationId: 1 });

    const read = await send('getOrganization', `${API}/api/v1/organization?orgId=${created.body.id}`, {
      headers: auth,
    });
    expect(read.body).toEqual(created.body);

    const missing = await send('getOrganization', `${API}/api/v1/organization?orgId=999999`, { headers: auth });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: { message: "Organization is not found or you don't have access to it." } });

    const anonymous = await send('getOrganization', `${API}/api/v1/organization?orgId=1`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('issues OAuth2 tokens, keeps sessions apart and answers the control plane', async () => {
    const token = await send('issueToken', `${API}/oauth2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'root-client',
        client_secret: 'root-secret',
      }),
    });
    expect(token.status).toBe(200);
    const bearer = { Authorization: `Bearer ${token.body.access_token}` };
    const session = { ...bearer, 'X-Mock-Session': 'msw-test', 'Content-Type': 'application/json' };
    const inSession = await send('createOrganization', `${API}/api/v1/organization/create`, {
      method: 'POST',
      headers: session,
      body: JSON.stringify({ name: 'Session Only' }),
    });
    expect(inSession.status).toBe(201);
    const search = `${API}/api/v1/organization/search?query=Session%20Only`;
    expect((await send('searchOrganizations', search, { headers: session })).body.totalElements).toBe(1);
    expect((await send('searchOrganizations', search, { headers: bearer })).body.totalElements).toBe(0);
    const health = await fetch(`${API}/_mock/health`);
    expect(health.status).toBe(200);
  });

  it('answers unknown paths on its origin as the server does, and leaves other origins to other handlers', async () => {
    const unknown = await fetch(`${API}/api/v2/nothing`, { headers: auth });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { message: expect.stringMatching(/^Resource not found/) } });
    server.use(http.get('https://elsewhere.example/ping', () => HttpResponse.text('pong')));
    expect(await (await fetch('https://elsewhere.example/ping')).text()).toBe('pong');
  });
});

describe('MSW handlers without baseUrl', () => {
  it("answer the spec's paths on any origin, each with its own mock", async () => {
    const handlers = await createHandlers({ config: { quiet: true, orgCount: 5 } });
    server.resetHandlers(...handlers);
    const profile = await send('getCurrentOrganization', 'http://localhost:5173/api/v1/organization/profile', {
      headers: auth,
    });
    expect(profile.body.name).toBe('Acme Corp');
    expect(handlers.app.mock.state.tree.size).toBe(10);
    await expect(fetch('http://localhost:5173/not-the-api')).rejects.toThrow();
  });
});
