/**
 * The blind variants that a runner may never trigger are live: for each, a short request sequence as a
 * frontend would send it gets another final answer from the variant than from the unbroken mock. (The sweep
 * in blind-variants.test.ts shows the others met during a run.)
 */
import { describe, expect, it } from 'vitest';
import { BLIND } from '../blind-variants/index.ts';
import { type Answer, type Fetch, read } from '../blind-variants/kit.ts';
import { fetchOf, makeMock } from '../blind-variants/run.ts';

interface Step {
  method: string;
  path: string;
  token?: string | null;
  json?: unknown;
  /** A raw body with its own headers (form bodies, no Content-Type). */
  raw?: { body: string | Uint8Array; headers: Record<string, string> };
  basic?: boolean;
}
type Probe = Array<Step | ((previous: Answer) => Step)>;

const basic = `Basic ${Buffer.from('root-client:root-secret').toString('base64')}`;
const create = (json: unknown, token = 'root-admin-token'): Step => ({
  method: 'POST',
  path: '/api/v1/organization/create',
  token,
  json,
});
const getCreated = (a: Answer): Step => ({ method: 'GET', path: `/api/v1/organization?orgId=${a.body.id}` });
const grant: Step = { method: 'POST', path: '/oauth2/token?grant_type=client_credentials', basic: true, token: null };

const PROBES: Record<string, Probe> = {
  'search-apostrophe-query-finds-nothing': [
    create({ name: "O'Brien Labs" }),
    { method: 'GET', path: `/api/v1/organization/search?query=${encodeURIComponent("O'Brien")}` },
  ],
  'search-branch-sees-parent': [
    { method: 'GET', path: '/api/v1/organization/search?query=', token: 'branch-admin-token' },
  ],
  'search-user-count-desc-later-pages-asc': [
    { method: 'GET', path: '/api/v1/organization/search?query=&sortBy=User%20Count&sortOrder=DESC&page=1&size=10' },
  ],
  'reads-phone-without-separators': [create({ name: 'Phone probe', phoneNumber: '+1 (234) 567-890' }), getCreated],
  'create-truncates-description-to-255': [create({ name: 'Long text', description: 'd'.repeat(300) }), getCreated],
  'create-description-of-1000-refused': [create({ name: 'Exact text', description: 'd'.repeat(1000) })],
  'unset-description-left-out': [create({ name: 'Bare probe' }), getCreated],
  'update-truncates-name-to-50': [
    create({ name: 'Rename probe' }),
    (a) => ({ method: 'PUT', path: `/api/v1/organization?orgId=${a.body.id}`, json: { name: 'N'.repeat(80) } }),
  ],
  'update-replaces-whole-entity': [
    create({ name: 'Full probe', description: 'Kept', phoneNumber: '+380441234567' }),
    (a) => ({ method: 'PUT', path: `/api/v1/organization?orgId=${a.body.id}`, json: { name: 'Full probe renamed' } }),
    getCreated,
  ],
  'create-empty-phone-refused': [create({ name: 'Empty phone', phoneNumber: '' })],
  'create-outside-subtree-allowed': [create({ name: 'Outside probe', parentId: 5 }, 'branch-admin-token')],
  'oauth-query-credentials-refused': [
    {
      method: 'POST',
      path: '/oauth2/token?grant_type=client_credentials&client_id=root-client&client_secret=root-secret',
      token: null,
    },
  ],
  'oauth-form-credentials-refused': [
    {
      method: 'POST',
      path: '/oauth2/token',
      token: null,
      raw: {
        body: 'grant_type=client_credentials&client_id=root-client&client_secret=root-secret',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
    },
  ],
  'oauth-token-works-only-for-reads': [grant, (a) => create({ name: 'Token probe' }, a.body.access_token)],
  'oauth-token-scope-403-on-search': [
    grant,
    (a) => ({ method: 'GET', path: '/api/v1/organization/search?query=', token: a.body.access_token }),
  ],
  'holdout-delete-leaf-with-devices-allowed': [{ method: 'DELETE', path: '/api/v1/organization?orgId=4' }],
  'holdout-oauth-refresh-without-client-auth': [
    grant,
    (a) => ({
      method: 'POST',
      path: `/oauth2/token?grant_type=refresh_token&refresh_token=${encodeURIComponent(a.body.refresh_token)}`,
      token: null,
    }),
  ],
  'holdout-branch-search-misses-grandchildren': [
    create({ name: 'Grandchild probe', parentId: 3 }),
    { method: 'GET', path: '/api/v1/organization/search?query=Grandchild', token: 'branch-admin-token' },
  ],
  'holdout-branch-get-grandchild-404': [
    create({ name: 'Grandchild probe', parentId: 3 }),
    (a) => ({ method: 'GET', path: `/api/v1/organization?orgId=${a.body.id}`, token: 'branch-admin-token' }),
  ],
  'holdout-update-without-orgid-renames-root': [
    { method: 'PUT', path: '/api/v1/organization', token: 'branch-admin-token', json: { name: 'Branch renamed' } },
  ],
  'body-without-content-type-415': [
    // Bytes: a string body would get text/plain from fetch.
    {
      method: 'POST',
      path: '/api/v1/organization/create',
      raw: { body: new TextEncoder().encode('{"name":"No type"}'), headers: {} },
    },
  ],
};

/** The final answer of a probe, without what differs between any two runs (issued tokens). */
async function finalAnswer(fetchImpl: Fetch, probe: Probe): Promise<{ status: number; body: unknown }> {
  let previous: Answer = { status: 0, headers: new Headers(), text: '', body: undefined };
  for (const s of probe) {
    const step = typeof s === 'function' ? s(previous) : s;
    const headers: Record<string, string> = { ...step.raw?.headers };
    const token = step.token === undefined ? 'root-admin-token' : step.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (step.basic) headers.authorization = basic;
    if (step.json !== undefined) headers['content-type'] = 'application/json';
    const body = step.raw?.body ?? (step.json === undefined ? undefined : JSON.stringify(step.json));
    previous = await read(await fetchImpl(`http://mock.test${step.path}`, { method: step.method, headers, body }));
  }
  const text = previous.text.replace(/"(access|refresh)_token":"[^"]*"/g, '"$1_token":"…"');
  return { status: previous.status, body: text };
}

/** One clock for every app here: two runs of a probe differ only where a variant departs. */
const at = () => 1_780_000_000_000;
const mock = (config?: Parameters<typeof makeMock>[0]) => makeMock(config, at);

describe('blind variants a run may never meet', () => {
  it('the unbroken mock answers every probe the same twice (a difference is the variant’s)', async () => {
    for (const probe of Object.values(PROBES))
      expect(await finalAnswer(fetchOf(await mock()), probe)).toEqual(await finalAnswer(fetchOf(await mock()), probe));
  });

  it.each(Object.keys(PROBES))('%s departs from the mock on its probe', async (name) => {
    const variant = BLIND.find((v) => v.name === name);
    expect(variant, `no variant ${name}`).toBeDefined();
    const probe = PROBES[name] as Probe;
    const good = await finalAnswer(fetchOf(await mock(variant?.config)), probe);
    const broken = await finalAnswer(variant!.wrap(await mock(variant?.config)), probe);
    expect(broken).not.toEqual(good);
  });
});
