/**
 * One request for every status that openapi.yaml documents for every operation, each producing that
 * status from real behaviour (only 500 is injected, with Prefer: code=500). Shared by the status-coverage
 * test and the recorded-answers test. Run each on an app with a rate limit of 2 per minute.
 */
import type { MockApp } from '../src/http/app.ts';
import { basic, call, makeApp, type Reply, TOKENS } from './helpers.ts';

export type Scenario = (app: MockApp) => Promise<Reply>;
const json = (body: unknown) => ({ body });
const big = { name: 'Big Body', description: 'x'.repeat(2 * 1024 * 1024 + 1) };
const fault = { headers: { Prefer: 'code=500' } };

/** Sends requests until the organization's budget of 2 per minute is spent. */
const overLimit =
  (send: Scenario): Scenario =>
  async (app) => {
    await send(app);
    await send(app);
    return send(app);
  };

/** Sends in a session that was evicted with its changes (MAX_SESSIONS=1, another session opened since). */
const inEvictedSession =
  (method: string, path: string, options: { body?: unknown } = {}): Scenario =>
  async (app) => {
    const small = await makeApp({ now: app.mock.runtime.now, config: { maxSessions: 1 } });
    await call(small, 'POST', '/api/v1/organization/create', {
      body: { name: 'Lost' },
      headers: { 'X-Mock-Session': 'gone' },
    });
    await call(small, 'GET', '/api/v1/organization/profile', { headers: { 'X-Mock-Session': 'other' } });
    return call(small, method, path, { ...options, headers: { 'X-Mock-Session': 'gone' } });
  };

export const scenarios: Record<string, Scenario> = {
  'getCurrentOrganization 410': inEvictedSession('GET', '/api/v1/organization/profile'),
  'searchOrganizations 410': inEvictedSession('GET', '/api/v1/organization/search?query='),
  'getOrganization 410': inEvictedSession('GET', '/api/v1/organization?orgId=2'),
  'createOrganization 410': inEvictedSession('POST', '/api/v1/organization/create', json({ name: 'Again' })),
  'updateOrganization 410': inEvictedSession('PUT', '/api/v1/organization?orgId=3', json({ name: 'Renamed' })),
  'deleteOrganization 410': inEvictedSession('DELETE', '/api/v1/organization?orgId=3'),
  'mockExportState 410': inEvictedSession('GET', '/_mock/state'),
  // 1,105 organizations need about 1.1 MB in a session, more than SESSION_MEMORY_MB=1 leaves free.
  'mockImportState 409': async (app) => {
    const bigger = await makeApp({ now: app.mock.runtime.now, config: { orgCount: 1_100, sessionMemoryMb: 1 } });
    const state = (await call(bigger, 'GET', '/_mock/state')).body;
    return call(bigger, 'PUT', '/_mock/state', { body: state, headers: { 'X-Mock-Session': 'big' } });
  },
  'getCurrentOrganization 200': (app) => call(app, 'GET', '/api/v1/organization/profile'),
  'getCurrentOrganization 400': (app) =>
    call(app, 'GET', '/api/v1/organization/profile', { headers: { Prefer: 'code=404' } }),
  'getCurrentOrganization 401': (app) => call(app, 'GET', '/api/v1/organization/profile', { token: null }),
  'getCurrentOrganization 403': (app) => call(app, 'GET', '/api/v1/organization/profile', { token: TOKENS.noScope }),
  'getCurrentOrganization 429': overLimit((app) => call(app, 'GET', '/api/v1/organization/profile')),
  'getCurrentOrganization 500': (app) => call(app, 'GET', '/api/v1/organization/profile', fault),

  'searchOrganizations 200': (app) => call(app, 'GET', '/api/v1/organization/search?query=a'),
  'searchOrganizations 400': (app) => call(app, 'GET', '/api/v1/organization/search'),
  'searchOrganizations 401': (app) => call(app, 'GET', '/api/v1/organization/search?query=', { token: 'bad-token' }),
  'searchOrganizations 403': (app) => call(app, 'GET', '/api/v1/organization/search?query=', { token: TOKENS.noScope }),
  'searchOrganizations 429': overLimit((app) => call(app, 'GET', '/api/v1/organization/search?query=')),
  'searchOrganizations 500': (app) => call(app, 'GET', '/api/v1/organization/search?query=', fault),

  'getOrganization 200': (app) => call(app, 'GET', '/api/v1/organization?orgId=2'),
  'getOrganization 400': (app) => call(app, 'GET', '/api/v1/organization?orgId=abc'),
  'getOrganization 401': (app) => call(app, 'GET', '/api/v1/organization?orgId=2', { token: TOKENS.expired }),
  'getOrganization 403': (app) => call(app, 'GET', '/api/v1/organization?orgId=2', { token: TOKENS.noScope }),
  'getOrganization 404': (app) => call(app, 'GET', '/api/v1/organization?orgId=5', { token: TOKENS.branch }),
  'getOrganization 429': overLimit((app) => call(app, 'GET', '/api/v1/organization?orgId=2')),
  'getOrganization 500': (app) => call(app, 'GET', '/api/v1/organization?orgId=2', fault),

  'createOrganization 201': (app) => call(app, 'POST', '/api/v1/organization/create', json({ name: 'Made Here' })),
  'createOrganization 400': (app) => call(app, 'POST', '/api/v1/organization/create', json({ name: 'x' })),
  'createOrganization 401': (app) =>
    call(app, 'POST', '/api/v1/organization/create', { token: null, body: { name: 'Made Here' } }),
  'createOrganization 403': (app) =>
    call(app, 'POST', '/api/v1/organization/create', { token: TOKENS.viewer, body: { name: 'Made Here' } }),
  'createOrganization 404': (app) =>
    call(app, 'POST', '/api/v1/organization/create', json({ name: 'Made Here', parentId: 999 })),
  'createOrganization 413': (app) => call(app, 'POST', '/api/v1/organization/create', json(big)),
  'createOrganization 429': overLimit((app) =>
    call(app, 'POST', '/api/v1/organization/create', json({ name: 'Made Here' })),
  ),
  'createOrganization 500': (app) =>
    call(app, 'POST', '/api/v1/organization/create', { ...fault, body: { name: 'Made Here' } }),

  'updateOrganization 200': (app) => call(app, 'PUT', '/api/v1/organization?orgId=3', json({ name: 'Renamed' })),
  'updateOrganization 400': (app) => call(app, 'PUT', '/api/v1/organization?orgId=3', json({ name: '<b>' })),
  'updateOrganization 401': (app) =>
    call(app, 'PUT', '/api/v1/organization?orgId=3', { token: null, body: { name: 'Renamed' } }),
  'updateOrganization 403': (app) =>
    call(app, 'PUT', '/api/v1/organization?orgId=3', { token: TOKENS.viewer, body: { name: 'Renamed' } }),
  'updateOrganization 404': (app) =>
    call(app, 'PUT', '/api/v1/organization?orgId=5', { token: TOKENS.branch, body: { name: 'Renamed' } }),
  'updateOrganization 413': (app) => call(app, 'PUT', '/api/v1/organization?orgId=3', json(big)),
  'updateOrganization 429': overLimit((app) =>
    call(app, 'PUT', '/api/v1/organization?orgId=3', json({ name: 'Renamed' })),
  ),
  'updateOrganization 500': (app) =>
    call(app, 'PUT', '/api/v1/organization?orgId=3', { ...fault, body: { name: 'Renamed' } }),

  'deleteOrganization 204': (app) => call(app, 'DELETE', '/api/v1/organization?orgId=3'),
  'deleteOrganization 400': (app) => call(app, 'DELETE', '/api/v1/organization?orgId=4'),
  'deleteOrganization 401': (app) => call(app, 'DELETE', '/api/v1/organization?orgId=3', { token: null }),
  'deleteOrganization 403': (app) => call(app, 'DELETE', '/api/v1/organization?orgId=3', { token: TOKENS.viewer }),
  'deleteOrganization 404': (app) => call(app, 'DELETE', '/api/v1/organization?orgId=424242'),
  'deleteOrganization 429': overLimit((app) =>
    call(app, 'GET', '/api/v1/organization?orgId=3').then(() => call(app, 'DELETE', '/api/v1/organization?orgId=3')),
  ),
  'deleteOrganization 500': (app) => call(app, 'DELETE', '/api/v1/organization?orgId=3', fault),

  'issueToken 200': (app) =>
    call(app, 'POST', '/oauth2/token?grant_type=client_credentials', {
      token: null,
      headers: { Authorization: basic('root-client', 'root-secret') },
    }),
  'issueToken 400': (app) =>
    call(app, 'POST', '/oauth2/token?grant_type=client_credentials', {
      token: null,
      headers: { Authorization: basic('root-client', 'nope') },
    }),
  'issueToken 429': overLimit((app) =>
    call(app, 'POST', '/oauth2/token?grant_type=client_credentials', {
      token: null,
      headers: { Authorization: basic('root-client', 'root-secret') },
    }),
  ),
  'issueToken 500': (app) =>
    call(app, 'POST', '/oauth2/token?grant_type=client_credentials', {
      token: null,
      headers: { Authorization: basic('root-client', 'root-secret'), ...fault.headers },
    }),

  'mockHealth 200': (app) => call(app, 'GET', '/_mock/health'),
  'mockReset 200': (app) => call(app, 'POST', '/_mock/reset'),
  'mockReset 400': (app) => call(app, 'POST', '/_mock/reset?all=maybe'),
  'mockExportState 200': (app) => call(app, 'GET', '/_mock/state'),
  'mockImportState 200': async (app) =>
    call(app, 'PUT', '/_mock/state', json((await call(app, 'GET', '/_mock/state')).body)),
  'mockImportState 400': (app) =>
    call(app, 'PUT', '/_mock/state', json({ format: 'orgs-mock/state@1', organizations: [] })),
  'mockImportState 413': (app) =>
    call(app, 'PUT', '/_mock/state', {
      raw: '{}',
      headers: { 'Content-Type': 'application/json', 'Content-Length': String(600 * 1024 * 1024) },
    }),
  'mockJournal 200': (app) => call(app, 'GET', '/_mock/journal?limit=5'),
  'mockJournal 400': (app) => call(app, 'GET', '/_mock/journal?limit=0'),
  'mockClearJournal 204': (app) => call(app, 'DELETE', '/_mock/journal'),
  'mockGetConfig 200': (app) => call(app, 'GET', '/_mock/config'),
  'mockUpdateConfig 200': (app) => call(app, 'PATCH', '/_mock/config', json({ faultRate: 0 })),
  'mockUpdateConfig 400': (app) => call(app, 'PATCH', '/_mock/config', json({ faultRate: 2 })),
  'mockTokens 200': (app) => call(app, 'GET', '/_mock/tokens'),

  // The control plane's guard: 401 needs a server started with CONTROL_TOKEN; 403 is a page of another origin.
  ...controlGuardScenarios(),
};

function controlGuardScenarios(): Record<string, Scenario> {
  const requests: Record<string, [string, string, { body?: unknown }]> = {
    mockReset: ['POST', '/_mock/reset', {}],
    mockExportState: ['GET', '/_mock/state', {}],
    mockImportState: ['PUT', '/_mock/state', { body: { format: 'orgs-mock/state@1', organizations: [] } }],
    mockJournal: ['GET', '/_mock/journal', {}],
    mockClearJournal: ['DELETE', '/_mock/journal', {}],
    mockGetConfig: ['GET', '/_mock/config', {}],
    mockUpdateConfig: ['PATCH', '/_mock/config', { body: { faultRate: 0 } }],
    mockTokens: ['GET', '/_mock/tokens', {}],
  };
  const out: Record<string, Scenario> = {
    'mockExportState 400': (app) =>
      call(app, 'GET', '/_mock/state', { headers: { 'X-Mock-Session': 's'.repeat(201) } }),
  };
  for (const [operationId, [method, path, options]] of Object.entries(requests)) {
    out[`${operationId} 401`] = async (app) => {
      const guarded = await makeApp({ now: app.mock.runtime.now, config: { controlToken: 'control-secret' } });
      return call(guarded, method, path, { ...options, token: null });
    };
    out[`${operationId} 403`] = (app) =>
      call(app, method, path, { ...options, token: null, headers: { Origin: 'http://evil.example' } });
  }
  return out;
}
