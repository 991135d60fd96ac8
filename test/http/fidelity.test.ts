/**
 * Closer to the real service: the shapes and rules of the vendor's service, answers that the mock really
 * gives (Prefer, challenges, hints), browsers' needs, and a spec that says what the mock does.
 */
import { describe, expect, it } from 'vitest';
import { messages } from '../../src/domain/errors.ts';
import { MAX_BODY_BYTES } from '../../src/generated/openapi.ts';
import { cachedSpec, type MockApp } from '../../src/http/app.ts';
import { exampleOf } from '../../src/openapi/document.ts';
import { basic, call, expectError, makeApp, type Reply, TOKENS } from '../helpers.ts';

const CREATE = '/api/v1/organization/create';

describe('the docs page talks to the mock', () => {
  it('lists the mock’s own origin first (relative), then the production host', async () => {
    const spec = await cachedSpec();
    const servers = spec.raw.servers as { url: string; variables?: Record<string, { default: string }> }[];
    expect(servers[0]?.url).toBe('/');
    expect(servers[1]?.url).toBe('https://{server_address}');
    expect(servers[1]?.variables?.server_address?.default).toBe('blynk.cloud');
  });

  it('configures Swagger UI without the online validator', async () => {
    const app = await makeApp();
    const page = await (await app.request('/docs')).text();
    expect(page).toContain("validatorUrl: 'none'");
    expect(page).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/); // no outside URL at all
  });
});

describe('the vendor’s shapes in the generated data', () => {
  it('contains address null, description "" and phoneNumber "" in a realistic share, the same for the same seed', async () => {
    const app = await makeApp({ config: { orgCount: 1000 } });
    const again = await makeApp({ config: { orgCount: 1000 } });
    const generated = app.mock.state.tree.all().filter((o) => o.id > 5);
    const share = (test: (o: (typeof generated)[number]) => boolean) =>
      generated.filter(test).length / generated.length;
    for (const [name, test] of [
      ['address null', (o: (typeof generated)[number]) => o.address === null],
      ['description ""', (o: (typeof generated)[number]) => o.description === ''],
      ['phoneNumber ""', (o: (typeof generated)[number]) => o.phoneNumber === ''],
    ] as const) {
      expect(share(test), name).toBeGreaterThan(0.05);
      expect(share(test), name).toBeLessThan(0.25);
    }
    const ids = (a: MockApp) =>
      a.mock.state.tree
        .all()
        .filter((o) => o.address === null)
        .map((o) => o.id);
    expect(ids(again)).toEqual(ids(app));
    // And the API answers them as the live service does, within the spec (call() validates each answer).
    const nullAddress = generated.find((o) => o.address === null)!;
    const reply = await call(app, 'GET', `/api/v1/organization?orgId=${nullAddress.id}`);
    expect(reply.text).toContain('"address":null');
  });
});

describe('create and update: null means "not given", "" is accepted where the service returns it', () => {
  it('creates with every optional field null as if none was given', async () => {
    const app = await makeApp();
    const reply = await call(app, 'POST', CREATE, {
      body: {
        name: 'Null Fields',
        description: null,
        tz: null,
        parentId: null,
        phoneNumber: null,
        unitSystem: null,
        address: null,
      },
    });
    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({
      id: 106,
      name: 'Null Fields',
      description: '',
      parentOrganizationId: 1,
      tz: 'Europe/Kyiv',
      unitSystem: 'METRIC',
      phoneNumber: '',
      address: null,
      lastModifiedTs: reply.body.lastModifiedTs,
    });
  });

  it('stores "" for description and phoneNumber and answers it', async () => {
    const app = await makeApp();
    const reply = await call(app, 'POST', CREATE, {
      body: { name: 'Empty Strings', description: '', phoneNumber: '' },
    });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ description: '', phoneNumber: '' });
    expect((await call(app, 'GET', `/api/v1/organization?orgId=${reply.body.id}`)).body).toMatchObject({
      description: '',
      phoneNumber: '',
    });
  });

  it('takes the vendor’s phone rule: a leading + and common separators', async () => {
    const app = await makeApp();
    for (const phoneNumber of ['+1 (234) 567-8900', '+44.20.7946.0958', '+0123456789']) {
      const reply = await call(app, 'POST', CREATE, { body: { name: 'Phone Check', phoneNumber } });
      expect(reply.status, phoneNumber).toBe(201);
      expect(reply.body.phoneNumber).toBe(phoneNumber);
    }
  });

  it('updates with null fields beside the name', async () => {
    const app = await makeApp();
    const reply = await call(app, 'PUT', '/api/v1/organization?orgId=3', {
      body: { name: 'Renamed Lab', description: null },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.name).toBe('Renamed Lab');
  });

  it('still requires the name: null is not a name', async () => {
    const app = await makeApp();
    expectError(
      await call(app, 'POST', CREATE, { body: { name: null } }),
      400,
      'Organization name should be from 3 to 100 symbols.',
    );
    expect(app.mock.state.tree.size).toBe(105);
  });
});

describe('never-set optional fields are answered as the live service answers them: "" and null, never left out', () => {
  const UNSET = { description: '', phoneNumber: '', address: null };

  it('on create with only a name, and on every later read (get, search, profile)', async () => {
    // The spec says so too, so that a contract run fails a server that leaves them out.
    // The published schema still requires only four fields; x-never-omitted carries the live answers' rule.
    const schemas = (
      (await cachedSpec()).raw.components as {
        schemas: Record<string, { required: string[]; 'x-never-omitted'?: string[] }>;
      }
    ).schemas;
    expect(schemas.Organization?.required).toEqual(['id', 'name', 'tz', 'lastModifiedTs']);
    expect(schemas.Organization?.['x-never-omitted']).toEqual(['description', 'phoneNumber', 'address']);
    const app = await makeApp();
    const created = await call(app, 'POST', CREATE, { body: { name: 'Only A Name' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject(UNSET);
    // The keys in the published order, all of them there.
    expect(Object.keys(created.body)).toEqual([
      'id',
      'name',
      'description',
      'parentOrganizationId',
      'tz',
      'unitSystem',
      'phoneNumber',
      'address',
      'lastModifiedTs',
    ]);
    const id = created.body.id;
    expect((await call(app, 'GET', `/api/v1/organization?orgId=${id}`)).body).toMatchObject(UNSET);
    const found = await call(app, 'GET', '/api/v1/organization/search?query=Only%20A%20Name');
    expect(found.body.content).toEqual([created.body]);
  });

  it('"address": null on create comes back as null, not as a missing key', async () => {
    const app = await makeApp();
    const created = await call(app, 'POST', CREATE, { body: { name: 'Null Address', address: null } });
    expect(created.body).toHaveProperty('address', null);
    expect((await call(app, 'GET', `/api/v1/organization?orgId=${created.body.id}`)).text).toContain('"address":null');
  });

  it('on update, and for the fixed skeleton (organization 3 has no phone and no address in the fixture)', async () => {
    const app = await makeApp();
    const renamed = await call(app, 'PUT', '/api/v1/organization?orgId=3', { body: { name: 'Renamed Lab' } });
    expect(renamed.body).toMatchObject({ phoneNumber: '', address: null });
    const branch = await call(app, 'GET', '/api/v1/organization?orgId=2');
    expect(branch.body).toHaveProperty('address', null);
    const all = await call(app, 'GET', '/api/v1/organization/search?query=&size=1000');
    for (const org of all.body.content) {
      for (const key of ['description', 'phoneNumber', 'address']) expect(org, `${org.id} ${key}`).toHaveProperty(key);
    }
  });

  it('for imported organizations without those fields', async () => {
    const app = await makeApp();
    const imported = await call(app, 'PUT', '/_mock/state', {
      body: {
        format: 'orgs-mock/state@1',
        organizations: [{ id: 1, name: 'Bare Root', tz: 'UTC', lastModifiedTs: 0 }],
      },
    });
    expect(imported.status).toBe(200);
    const root = await call(app, 'GET', '/api/v1/organization/profile');
    expect(root.body).toEqual({ id: 1, name: 'Bare Root', tz: 'UTC', lastModifiedTs: 0, ...UNSET });
  });
});

describe('time zones: every TZDB name, zones and links; "" means "not given"', () => {
  it.each([
    'CET',
    'EET',
    'WET',
    'MET',
    'EST',
    'MST',
    'HST',
    'EST5EDT',
    'PST8PDT',
    'Etc/GMT+5',
    'Etc/UTC',
    'UTC',
    'GMT0',
    'US/Pacific',
    'Europe/Kiev',
    'America/Argentina/ComodRivadavia',
    'W-SU',
  ])('accepts %s', async (tz) => {
    const app = await makeApp();
    const reply = await call(app, 'POST', CREATE, { body: { name: 'Zone Check', tz } });
    expect(reply.status).toBe(201);
    expect(reply.body.tz).toBe(tz);
  });

  it.each(['+01:00', 'GMT+1', 'PST', 'IST', 'europe/kyiv', 'Mars/Olympus_Mons', 'SystemV/AST4'])(
    'refuses %s',
    async (tz) => {
      const app = await makeApp();
      expectError(
        await call(app, 'POST', CREATE, { body: { name: 'Zone Check', tz } }),
        400,
        'Time zone should be a valid IANA time zone name.',
      );
    },
  );

  it('takes "" for tz, unitSystem and every optional field as not given: the parent’s zone and units', async () => {
    const app = await makeApp();
    const reply = await call(app, 'POST', CREATE, {
      body: {
        name: 'Empty Means Unset',
        tz: '',
        unitSystem: '',
        description: '',
        phoneNumber: '',
        parentId: '',
        address: '',
      },
    });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({
      parentOrganizationId: 1,
      tz: 'Europe/Kyiv',
      unitSystem: 'METRIC',
      description: '',
      phoneNumber: '',
      address: null,
    });
  });
});

describe('fields an operation does not take', () => {
  it('are ignored as the real service ignores them, and named in the log line and journal with the field probably meant', async () => {
    const lines: string[] = [];
    const app = await makeApp({ config: { quiet: false }, log: (line) => lines.push(line) });
    const created = await call(app, 'POST', CREATE, {
      body: { name: 'Misfiled', parentOrganizationId: 5, timezone: 'UTC', type: 1 },
    });
    expect(created.status).toBe(201);
    expect(created.body.parentOrganizationId).toBe(1); // the token's organization, as without parentId
    expect(created.body.tz).toBe('Europe/Kyiv');
    const renamed = await call(app, 'PUT', '/api/v1/organization', { body: { name: 'Acme Renamed', orgId: 3 } });
    expect(renamed.body.id).toBe(1); // orgId in the body is ignored: the token's own organization
    expect(app.mock.state.tree.get(3)?.name).toBe('Acme Berlin Lab');

    const journal = (await call(app, 'GET', '/_mock/journal?limit=2')).body.entries;
    expect(journal[0].warnings).toEqual([
      'Field parentOrganizationId is ignored by createOrganization; did you mean parentId?',
      'Field timezone is ignored by createOrganization; did you mean tz?',
      'Field type is ignored by createOrganization.',
    ]);
    expect(journal[1].warnings).toEqual([
      'Field orgId is ignored by updateOrganization; orgId travels in the query string.',
    ]);
    expect(lines.find((l) => l.startsWith('POST /api/v1/organization/create 201'))).toContain(
      'Field parentOrganizationId is ignored by createOrganization; did you mean parentId?',
    );
    // A request without slips has no warnings.
    await call(app, 'POST', CREATE, { body: { name: 'Clean Body' } });
    expect((await call(app, 'GET', '/_mock/journal?limit=1')).body.entries[0]).not.toHaveProperty('warnings');
  });
});

/** The real refusal for each status of each operation, provoked as a client would meet it. */
const real: Record<string, (app: MockApp) => Promise<Reply>> = {
  'getOrganization 400': (app) => call(app, 'GET', '/api/v1/organization'),
  'getOrganization 401': (app) => call(app, 'GET', '/api/v1/organization?orgId=5', { token: null }),
  'getOrganization 403': (app) => call(app, 'GET', '/api/v1/organization?orgId=5', { token: TOKENS.noScope }),
  'getOrganization 404': (app) => call(app, 'GET', '/api/v1/organization?orgId=5', { token: TOKENS.branch }),
  'deleteOrganization 400': (app) => call(app, 'DELETE', '/api/v1/organization'),
  'deleteOrganization 404': (app) => call(app, 'DELETE', '/api/v1/organization?orgId=5', { token: TOKENS.branch }),
  'updateOrganization 404': (app) =>
    call(app, 'PUT', '/api/v1/organization?orgId=5', { token: TOKENS.branch, body: { name: 'Nope' } }),
  'updateOrganization 413': (app) =>
    call(app, 'PUT', '/api/v1/organization?orgId=5', { raw: 'x'.repeat(2 * 1024 * 1024 + 1) }),
  'createOrganization 400': (app) => call(app, 'POST', CREATE, { raw: '' }),
  'createOrganization 404': (app) =>
    call(app, 'POST', CREATE, { token: TOKENS.branch, body: { name: 'Nope', parentId: 5 } }),
  'searchOrganizations 400': (app) => call(app, 'GET', '/api/v1/organization/search'),
  'getCurrentOrganization 429': async (app) => {
    await call(app, 'GET', '/api/v1/organization/profile');
    return call(app, 'GET', '/api/v1/organization/profile');
  },
  'issueToken 400': (app) =>
    call(app, 'POST', '/oauth2/token', {
      token: null,
      headers: { Authorization: basic('root-client', 'root-secret') },
    }),
};

/** The preferred answer for the same request, with `Prefer: code=N` and valid credentials. */
const preferred: Record<string, string> = {
  'getOrganization 400': '/api/v1/organization',
  'deleteOrganization 400': '/api/v1/organization',
  'deleteOrganization 404': '/api/v1/organization?orgId=5',
};

describe('Prefer: code=N answers exactly what the mock answers for that status', () => {
  it.each(Object.keys(real))('%s', async (key) => {
    const [operationId, status] = key.split(' ') as [string, string];
    const spec = await cachedSpec();
    const op = spec.byId.get(operationId)!;
    const clock = () => Date.UTC(2026, 0, 1, 12, 0, 20);
    const app = await makeApp({ now: clock, config: { rateLimitPerMinute: 1 } });
    const provoked = await real[key]!(app);
    expect(provoked.status).toBe(Number(status));
    const fresh = await makeApp({ now: clock, config: { rateLimitPerMinute: 1 } });
    const target = preferred[key] ?? (op.path.endsWith('organization') ? `${op.path}?orgId=5` : op.path);
    const answer = await call(fresh, op.method.toUpperCase(), target, {
      token: op.bearer ? TOKENS.branch : null,
      headers: {
        Prefer: `code=${status}`,
        ...(op.bearer ? {} : { Authorization: basic('root-client', 'root-secret') }),
      },
      body: op.method === 'get' || op.method === 'delete' ? undefined : { name: 'Preferred' },
    });
    expect(answer.status).toBe(provoked.status);
    expect(answer.text).toBe(provoked.text);
    for (const header of ['content-type', 'www-authenticate', 'retry-after', 'cache-control']) {
      expect(answer.headers.get(header), header).toBe(provoked.headers.get(header));
    }
    expect(fresh.mock.state.tree.size).toBe(105);
  });

  it('answers 401 with the challenge of a request without a token', async () => {
    const app = await makeApp();
    const reply = await call(app, 'DELETE', '/api/v1/organization?orgId=3', { headers: { Prefer: 'code=401' } });
    expectError(reply, 401, 'Authorization token is missing.');
    expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="Platform API"');
    expect(app.mock.state.tree.get(3)).toBeDefined();
  });

  it('runs the operation for a success code, and honours code and delay together', async () => {
    const app = await makeApp();
    const created = await call(app, 'POST', CREATE, {
      body: { name: 'Preferred Success' },
      headers: { Prefer: 'code=201, delay=1' },
    });
    expect(created.status).toBe(201);
    expect(created.body.name).toBe('Preferred Success');
    const limited = await call(app, 'GET', '/api/v1/organization/profile', {
      headers: { Prefer: 'code=429; delay=1' },
    });
    expect(limited.status).toBe(429);
  });

  it('refuses with the OAuth body on the token endpoint', async () => {
    const app = await makeApp();
    const reply = await call(app, 'POST', '/oauth2/token?grant_type=client_credentials', {
      token: null,
      headers: { Authorization: basic('root-client', 'root-secret'), Prefer: 'code=401' },
    });
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({
      error: 'invalid_request',
      error_description:
        'Header Prefer should be code=<status> and/or delay=<milliseconds from 0 to 60000>; this operation documents code=200, 400, 429, 500.',
    });
  });
});

/** RFC 7235 challenge: auth-scheme 1*SP auth-param *( OWS "," OWS auth-param ), values token or quoted-string. */
function parseChallenge(value: string): { scheme: string; params: Record<string, string> } | undefined {
  const match = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?: +(.*))?$/.exec(value);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  let rest = match[2] ?? '';
  const param = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)=(?:([!#$%&'*+.^_`|~0-9A-Za-z-]+)|"((?:[^"\\]|\\.)*)")\s*(?:,\s*|$)/;
  while (rest !== '') {
    const p = param.exec(rest);
    if (!p) return undefined;
    params[p[1]!.toLowerCase()] = p[2] ?? p[3]!.replace(/\\(.)/g, '$1');
    rest = rest.slice(p[0].length);
  }
  return { scheme: match[1]!, params };
}

describe('WWW-Authenticate', () => {
  it('is a valid RFC 7235 challenge for every kind of bad token, with the spec’s realm', async () => {
    const spec = await cachedSpec();
    const realm = (spec.raw.components as { securitySchemes: { bearerAuth: { 'x-realm': string } } }).securitySchemes
      .bearerAuth['x-realm'];
    const app = await makeApp();
    for (const authorization of [
      undefined,
      'Basic abc',
      'Bearer',
      'Bearer a b',
      'Bearer unknown-token',
      `Bearer ${TOKENS.expired}`,
    ]) {
      const reply = await call(app, 'GET', '/api/v1/organization/profile', {
        token: null,
        headers: authorization ? { Authorization: authorization } : {},
      });
      expect(reply.status).toBe(401);
      const challenge = parseChallenge(reply.headers.get('www-authenticate') ?? '');
      expect(challenge, String(authorization)).toBeDefined();
      expect(challenge?.scheme).toBe('Bearer');
      expect(challenge?.params.realm).toBe(realm);
      if (authorization) {
        expect(challenge?.params.error).toBe('invalid_token');
        expect(challenge?.params.error_description).toBe(reply.body.error.message);
      }
    }
  });
});

describe('paths and methods', () => {
  it('answers a wrong method on a control-plane path with 405 and Allow', async () => {
    const app = await makeApp();
    for (const [method, path, allow] of [
      ['POST', '/_mock/health', 'GET, HEAD'],
      ['GET', '/_mock/reset', 'POST'],
      ['DELETE', '/_mock/config', 'GET, PATCH, HEAD'],
      ['POST', '/_mock/state', 'GET, PUT, HEAD'],
    ] as const) {
      const reply = await app.request(path, { method });
      expect(reply.status, `${method} ${path}`).toBe(405);
      expect(reply.headers.get('allow')).toBe(allow);
      expect(await reply.json()).toEqual({ error: { message: `Method ${method} is not allowed here; use ${allow}.` } });
    }
  });
});

describe('browsers', () => {
  it('allows any request header a preflight asks for', async () => {
    const app = await makeApp();
    const asked = 'authorization, content-type, traceparent, sentry-trace, baggage, x-request-id';
    const preflight = await app.request('/api/v1/organization/search?query=', {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://localhost:5173',
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': asked,
      },
    });
    expect(preflight.status).toBe(204);
    const allowed = (preflight.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(',');
    for (const header of asked.split(', ')) expect(allowed).toContain(header);
  });

  it('allows credentials when the configured origin is a specific one, and not with *', async () => {
    const specific = await makeApp({ config: { corsOrigin: 'http://localhost:5173,http://app.test' } });
    const reply = await specific.request('/api/v1/organization/profile', {
      headers: { Origin: 'http://app.test', Authorization: `Bearer ${TOKENS.root}`, Cookie: 'session=1' },
    });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('access-control-allow-origin')).toBe('http://app.test');
    expect(reply.headers.get('access-control-allow-credentials')).toBe('true');
    const other = await specific.request('/api/v1/organization/profile', {
      headers: { Origin: 'http://evil.test', Authorization: `Bearer ${TOKENS.root}` },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const open = await makeApp();
    const wildcard = await open.request('/api/v1/organization/profile', {
      headers: { Origin: 'http://app.test', Authorization: `Bearer ${TOKENS.root}` },
    });
    expect(wildcard.headers.get('access-control-allow-origin')).toBe('*');
    expect(wildcard.headers.get('access-control-allow-credentials')).toBeNull();
  });
});

describe('the spec says what the mock does', () => {
  it('states the rules in machine-readable form', async () => {
    const spec = await cachedSpec();
    const schemas = (spec.raw.components as { schemas: Record<string, Record<string, unknown>> }).schemas;
    const namePattern = new RegExp(schemas.OrganizationName!.pattern as string, 'u');
    expect(namePattern.test('Київ Lab')).toBe(true);
    expect(namePattern.test('東京 O’Brien-Smith. 2')).toBe(true);
    expect(namePattern.test('Acme <b>')).toBe(false);
    expect(schemas.OrganizationName!['x-trim']).toBe(true);
    const create = schemas.OrganizationCreate!.properties as Record<string, Record<string, unknown>>;
    expect(create.tz!.format).toBe('iana-time-zone');
    expect(new RegExp(create.description!.pattern as string).test('a/b')).toBe(false);
    expect(new RegExp(create.phoneNumber!.pattern as string).test('+1 (234) 567')).toBe(true);
    expect(spec.byId.get('createOrganization')!).toBeDefined();
    const query = spec.byId.get('searchOrganizations')!.parameters.find((p) => p.name === 'query') as unknown as Record<
      string,
      unknown
    >;
    expect(query.allowEmptyValue).toBe(true);
    expect(schemas.SearchResult!.required).toEqual(['content', 'totalElements']);
    expect((schemas.Organization!.properties as Record<string, { minimum?: number }>).id!.minimum).toBe(1);
    expect(schemas.OAuthError!.required).toEqual(['error', 'error_description']);
    const rawCreate = (spec.raw.paths as Record<string, Record<string, Record<string, unknown>>>)[
      '/api/v1/organization/create'
    ]!.post!;
    const app = await makeApp();
    expect(rawCreate['x-max-depth']).toBe(app.mock.config.maxDepth);
  });

  it('marks every [ours] fact with the spec’s own convention, and gives each limit one home', async () => {
    const spec = await cachedSpec();
    const raw = spec.raw as Record<string, any>;
    // The 2 MB limit: the vendor's; the status past it: ours.
    expect(raw['x-max-body-bytes']).toBe(2 * 1024 * 1024);
    expect(MAX_BODY_BYTES).toBe(raw['x-max-body-bytes']);
    expect(messages.bodyTooLarge).toBe('Request body should be at most 2 MB.');
    expect(raw.components.responses.PayloadTooLarge['x-status-source']).toBe('ours');
    // The permission names are ours: the vendor names no permission constants.
    for (const op of spec.apiOperations.filter((o) => o.permission)) {
      expect(raw.paths[op.path][op.method]['x-permission-source'], op.operationId).toBe('ours');
    }
    // The failed-authentication limit is ours; the update's 404 text is ours (the vendor published it for get).
    const token = raw.paths['/oauth2/token'].post.responses;
    expect(token['429']['x-refusals'].failuresLimited['x-source']).toBe('ours');
    expect(raw.paths['/api/v1/organization'].put['x-refusals'].notVisible['x-message-source']).toBe('ours');
    expect(raw.paths['/api/v1/organization'].get['x-refusals'].notVisible['x-message-source']).toBe('doc');
    // The spec's examples say what the mock sends.
    expect(raw.components.responses.TooManyRequests.content['application/json'].example.error.message).toBe(
      messages.rateLimited(10000),
    );
    expect(token['429'].content['application/json'].example.error_description).toBe(messages.rateLimited(10000));
  });

  it('has examples that succeed when sent', async () => {
    const spec = await cachedSpec();
    for (const op of spec.apiOperations.filter((o) => o.bearer)) {
      const app = await makeApp();
      const query = op.parameters.filter((p) => p.in === 'query' && (p.required || p.example !== undefined));
      const search = query
        .map((p) => `${p.name}=${encodeURIComponent(String(p.example ?? p.schema.example))}`)
        .join('&');
      const body = exampleOf(op.requestBody?.content['application/json']);
      const reply = await call(app, op.method.toUpperCase(), `${op.path}${search ? `?${search}` : ''}`, { body });
      const success = Object.keys(op.responses).find((s) => s.startsWith('2'));
      expect(reply.status, `${op.operationId} ${reply.text}`).toBe(Number(success));
    }
  });

  it('gives a control-plane example that does not switch on faults', async () => {
    const spec = await cachedSpec();
    const example = exampleOf(spec.byId.get('mockUpdateConfig')!.requestBody!.content['application/json']);
    const app = await makeApp();
    const reply = await call(app, 'PATCH', '/_mock/config', { body: example });
    expect(reply.status).toBe(200);
    expect(reply.body.faultRate).toBe(0);
  });
});
