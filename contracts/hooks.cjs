// Dredd hooks (CommonJS, as Dredd requires): correct tokens and ids for every transaction, a few
// refusals that Dredd would otherwise skip, and removal of everything the run created.
const hooks = require('hooks');

const token = process.env.DREDD_TOKEN || 'root-admin-token';
const clientId = process.env.DREDD_CLIENT_ID || 'root-client';
const clientSecret = process.env.DREDD_CLIENT_SECRET || 'root-secret';
const UNKNOWN_ID = 2147483647;
const prefix = `dredd-run ${Date.now().toString(36)}`;
const created = [];
let target;
let ownOrgId;

const api = (method, path, body) =>
  fetch(`${target}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

async function scratch(label) {
  // Every field of the spec's example is set: Dredd requires the example's keys in the response.
  const response = await api('POST', '/api/v1/organization/create', {
    name: `${prefix} ${label}`,
    description: 'Created by a Dredd run',
    tz: 'Europe/Kyiv',
    phoneNumber: '+11234567890',
    unitSystem: 'METRIC',
    parentId: ownOrgId,
  });
  const org = await response.json();
  created.push(org.id);
  return org.id;
}

const setQuery = (transaction, name, value) => {
  const url = new URL(transaction.fullPath, 'http://dredd');
  url.searchParams.set(name, String(value));
  transaction.fullPath = `${url.pathname}${url.search}`;
  transaction.request.uri = transaction.fullPath;
};

hooks.beforeAll(async (transactions, done) => {
  const first = transactions[0];
  target = `${first.protocol}//${first.host}:${first.port}`;
  const profile = await api('GET', '/api/v1/organization/profile');
  ownOrgId = (await profile.json()).id;
  done();
});

/** Statuses a real server produces on request; the rest (403, 413, 429, 500) need a special token or a fault. */
const PRODUCIBLE = new Set(['200', '201', '204', '400', '401', '404']);

hooks.beforeEach((transaction, done) => {
  const status = transaction.expected.statusCode;
  const { method } = transaction.request;
  const isToken = transaction.fullPath.startsWith('/oauth2/token');
  // The control plane is orgs-mock's own, not part of the API a real server has.
  transaction.skip = !PRODUCIBLE.has(status) || transaction.fullPath.startsWith('/_mock/');
  // openapi.yaml marks the profile's 400 `x-mock-only`: only the mock answers it, for a Prefer it cannot honour.
  if (status === '400' && transaction.fullPath.startsWith('/api/v1/organization/profile')) transaction.skip = true;
  if (!isToken) transaction.request.headers.Authorization = `Bearer ${token}`;
  if (transaction.fullPath.includes('orgId=') && method === 'GET') setQuery(transaction, 'orgId', ownOrgId);
  if (status === '400') {
    if (isToken)
      transaction.request.headers.Authorization = `Basic ${Buffer.from(`${clientId}:wrong-secret`).toString('base64')}`;
    else if (transaction.fullPath.includes('orgId=')) setQuery(transaction, 'orgId', 'abc');
    else if (method === 'GET') setQuery(transaction, 'size', 0);
    else transaction.request.body = JSON.stringify({ name: 'x' });
  }
  if (status === '401') delete transaction.request.headers.Authorization;
  if (status === '404' && transaction.fullPath.includes('orgId=')) setQuery(transaction, 'orgId', UNKNOWN_ID);
  if (status === '404' && method === 'POST')
    transaction.request.body = JSON.stringify({ name: `${prefix} orphan`, parentId: UNKNOWN_ID });
  // PUT and DELETE without a valid orgId must never touch the token's own data.
  if (
    ['401', '400'].includes(status) &&
    ['PUT', 'DELETE'].includes(method) &&
    !transaction.fullPath.includes('orgId=abc')
  ) {
    setQuery(transaction, 'orgId', UNKNOWN_ID);
  }
  done();
});

hooks.before('/api/v1/organization > Rename an organization > 200 > application/json', async (transaction, done) => {
  setQuery(transaction, 'orgId', await scratch('to rename'));
  transaction.request.body = JSON.stringify({ name: `${prefix} renamed` });
  done();
});

hooks.before('/api/v1/organization > Delete an organization > 204', async (transaction, done) => {
  setQuery(transaction, 'orgId', await scratch('to delete'));
  done();
});

hooks.before('/api/v1/organization/create > Create an organization > 201 > application/json', (transaction, done) => {
  const body = JSON.parse(transaction.request.body);
  transaction.request.body = JSON.stringify({ ...body, name: `${prefix} created`, parentId: ownOrgId });
  done();
});

hooks.after('/api/v1/organization/create > Create an organization > 201 > application/json', (transaction, done) => {
  try {
    created.push(JSON.parse(transaction.real.body).id);
  } catch {
    // Nothing was created.
  }
  done();
});

hooks.before(
  '/oauth2/token > Issue an access token (client credentials or refresh token grant) > 200 > application/json',
  (transaction, done) => {
    transaction.request.headers.Authorization = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
    setQuery(transaction, 'grant_type', 'client_credentials');
    done();
  },
);

hooks.afterAll(async (_transactions, done) => {
  for (const id of created.reverse()) await api('DELETE', `/api/v1/organization?orgId=${id}`).catch(() => {});
  done();
});
