/**
 * Headless Chromium, launched once for the three pages it opens (a launch is most of the CPU a page costs):
 * - a page on another origin that calls the mock (CORS, Retry-After);
 * - the docs page served by the mock: authorize, "Try it out", the answer on the page;
 * - orgs-mock/msw in the browser: a page bundled (esbuild) from the browser entry and MSW's setupWorker,
 *   served by a static file server with MSW's service worker. The page lists organizations, creates one,
 *   reads it back and reads a 404, answered in the browser by the mock, with no mock server process
 *   anywhere. The static server answers anything but its three files with 418, and records it: no API
 *   request may reach it.
 * Each page gets its own browser context (no shared cookies, storage or service workers).
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledSpec } from '../../src/openapi/bundled.ts';
import { SpecValidators } from '../../src/openapi/validators.ts';
import { listen, type RunningServer } from '../../src/server.ts';
import { makeApp } from '../helpers.ts';
import { launchChromium } from '../setup/chromium.ts';

const repo = new URL('../..', import.meta.url).pathname;
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

describe('a page on another origin', () => {
  let mock: RunningServer;
  let page: Server;
  let pageUrl: string;

  const html = (api: string) => `<!doctype html>
  <html><body>
  <h1>Organizations</h1>
  <ul id="orgs"></ul>
  <p id="limit"></p>
  <script>
    const headers = { Authorization: 'Bearer root-admin-token' };
    fetch('${api}/api/v1/organization/search?query=acme&sortBy=Name', { headers })
      .then((r) => r.json())
      .then((result) => {
        for (const org of result.content) {
          const li = document.createElement('li');
          li.textContent = org.id + ' ' + org.name;
          document.getElementById('orgs').appendChild(li);
        }
        document.body.dataset.total = result.totalElements;
      })
      .catch((e) => { document.body.dataset.error = String(e); });
    fetch('${api}/api/v1/organization/profile', { headers: { ...headers, Prefer: 'code=429' } })
      .then((r) => { document.getElementById('limit').textContent = r.status + ' retry after ' + r.headers.get('Retry-After'); });
  </script>
  </body></html>`;

  beforeAll(async () => {
    mock = await listen(await makeApp(), '127.0.0.1', 0);
    page = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(html(mock.url)));
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    pageUrl = `http://127.0.0.1:${(page.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    await mock?.close();
    await new Promise((resolve) => page?.close(resolve));
  });

  it('a page on another origin lists the organizations it received from the mock', async () => {
    const tab = await (await browser.newContext()).newPage();
    await tab.goto(pageUrl);
    await tab.waitForFunction(
      'document.body.dataset.total !== undefined || document.body.dataset.error !== undefined',
      undefined,
      { timeout: 60_000 },
    );
    expect(await tab.evaluate('document.body.dataset.error')).toBeUndefined();
    const items = await tab.locator('#orgs li').allTextContents();
    expect(items.length).toBe(Number(await tab.evaluate('document.body.dataset.total')));
    // Sorted by name, as the page asked.
    const skeleton = items.filter((i) => /^[1-5] /.test(i));
    expect(skeleton).toEqual([
      '5 Acme Americas',
      '3 Acme Berlin Lab',
      '1 Acme Corp',
      '2 Acme Europe',
      '4 Acme Munich Plant',
    ]);
    // Retry-After is the true time until the window resets: 1 to 60 seconds.
    await expect.poll(() => tab.locator('#limit').textContent()).toMatch(/^429 retry after ([1-9]|[1-5][0-9]|60)$/);
  }, 120_000);
});

describe('the docs page', () => {
  let mock: RunningServer;

  beforeAll(async () => {
    mock = await listen(await makeApp(), '127.0.0.1', 0);
  });

  afterAll(async () => {
    await mock?.close();
  });

  it('authorizes with a static token, tries search, and shows the mock’s answer', async () => {
    const tab = await (await browser.newContext()).newPage();
    const requested: string[] = [];
    tab.on('request', (request) => requested.push(request.url()));
    await tab.goto(`${mock.url}/docs`);

    // Authorize: the first scheme is bearerAuth.
    await tab.locator('button.authorize').first().click();
    const bearer = tab.locator('.auth-container').first();
    await bearer.locator('input').first().fill('root-admin-token');
    await bearer.locator('button.authorize').click();
    await tab.locator('button.btn-done').first().click();

    const search = tab.locator('#operations-Organizations-searchOrganizations');
    await search.locator('.opblock-summary').click();
    await search.locator('button.try-out__btn').click();
    await search.locator('tr[data-param-name="query"] input[type=text]').fill('berlin');
    await search.locator('button.execute').click();

    const status = search.locator('.live-responses-table tr.response .response-col_status').first();
    await expect.poll(() => status.textContent(), { timeout: 60_000 }).toContain('200');
    const body = await search
      .locator('.live-responses-table tr.response .response-col_description pre.microlight')
      .first()
      .textContent();
    expect(JSON.parse(body ?? '')).toMatchObject({ content: [{ id: 3, name: 'Acme Berlin Lab' }], totalElements: 1 });
    // The request went to the mock that served the page, whatever its port, with the token.
    const curl = await search.locator('.curl-command').first().textContent();
    expect(curl).toContain(`${mock.url}/api/v1/organization/search?query=berlin`);
    expect(curl).toContain('Authorization: Bearer root-admin-token');
    expect(requested.length).toBeGreaterThan(0);
    for (const url of requested) expect(url.startsWith(`${mock.url}/`) || url.startsWith('data:'), url).toBe(true);
  }, 120_000);
});

describe('orgs-mock/msw in the browser', () => {
  let server: Server;
  let origin: string;
  const reachedServer: string[] = [];

  const PAGE_SOURCE = `
  import { setupWorker } from 'msw/browser';
  import { createHandlers } from './src/msw.ts';

  async function call(url, init) {
    const response = await fetch(url, init);
    const text = await response.text();
    return { status: response.status, contentType: response.headers.get('content-type'), text };
  }

  try {
    const handlers = await createHandlers({ config: { quiet: true } });
    await setupWorker(...handlers).start({ serviceWorker: { url: '/mockServiceWorker.js' }, onUnhandledRequest: 'bypass', quiet: true });
    const auth = { Authorization: 'Bearer root-admin-token' };
    const list = await call('/api/v1/organization/search?query=acme&sortBy=Name', { headers: auth });
    for (const org of JSON.parse(list.text).content) {
      const item = document.createElement('li');
      item.textContent = org.id + ' ' + org.name;
      document.getElementById('orgs').appendChild(item);
    }
    const created = await call('/api/v1/organization/create', {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Made In The Browser', tz: 'UTC' }),
    });
    const readBack = await call('/api/v1/organization?orgId=' + JSON.parse(created.text).id, { headers: auth });
    const missing = await call('/api/v1/organization?orgId=999999', { headers: auth });
    document.body.dataset.result = JSON.stringify({ list, created, readBack, missing });
  } catch (error) {
    document.body.dataset.error = String((error && error.stack) || error);
  }
  `;

  const HTML = `<!doctype html>
  <html><head><meta charset="utf-8"><title>orgs-mock in the browser</title><link rel="icon" href="data:,"></head>
  <body><h1>Organizations</h1><ul id="orgs"></ul><script type="module" src="/page.js"></script></body></html>`;

  beforeAll(async () => {
    const bundle = await build({
      stdin: { contents: PAGE_SOURCE, resolveDir: repo, loader: 'ts', sourcefile: 'page.ts' },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    });
    const files: Record<string, [string, string]> = {
      '/': ['text/html; charset=utf-8', HTML],
      '/page.js': ['text/javascript; charset=utf-8', bundle.outputFiles[0]!.text],
      '/mockServiceWorker.js': [
        'text/javascript; charset=utf-8',
        readFileSync(join(repo, 'node_modules/msw/lib/mockServiceWorker.js'), 'utf8'),
      ],
    };
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const file = files[path];
      if (!file) {
        reachedServer.push(`${req.method} ${req.url}`);
        res.writeHead(418, { 'Content-Type': 'text/plain' }).end('not a static file');
        return;
      }
      res.writeHead(200, { 'Content-Type': file[0], 'Cache-Control': 'no-store' }).end(file[1]);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 120_000);

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });

  it('lists, creates, reads back and reads a 404, all answered in the browser', async () => {
    const tab = await (await browser.newContext()).newPage();
    const consoleErrors: string[] = [];
    tab.on('pageerror', (error) => consoleErrors.push(error.message));
    await tab.goto(`${origin}/`);
    await tab.waitForFunction(
      'document.body.dataset.result !== undefined || document.body.dataset.error !== undefined',
      undefined,
      { timeout: 60_000 },
    );
    expect(await tab.evaluate('document.body.dataset.error'), consoleErrors.join('\n')).toBeUndefined();
    type Answer = { status: number; contentType: string; text: string };
    const result = JSON.parse((await tab.evaluate('document.body.dataset.result')) as string) as Record<
      'list' | 'created' | 'readBack' | 'missing',
      Answer
    >;

    const validators = new SpecValidators(bundledSpec());
    const operations = {
      list: 'searchOrganizations',
      created: 'createOrganization',
      readBack: 'getOrganization',
      missing: 'getOrganization',
    } as const;
    for (const [key, answer] of Object.entries(result) as [keyof typeof operations, Answer][]) {
      const headers = new Headers({ 'content-type': answer.contentType });
      const problems = validators.bodyProblems(operations[key], answer.status, headers, JSON.parse(answer.text));
      expect(problems, `${key}: ${answer.text}`).toEqual([]);
      expect(answer.contentType).toMatch(/^application\/json/);
    }
    expect(result.list.status).toBe(200);
    const items = await tab.locator('#orgs li').allTextContents();
    expect(items.filter((item) => /^[1-5] /.test(item))).toEqual([
      '5 Acme Americas',
      '3 Acme Berlin Lab',
      '1 Acme Corp',
      '2 Acme Europe',
      '4 Acme Munich Plant',
    ]);
    expect(result.created.status).toBe(201);
    const created = JSON.parse(result.created.text);
    expect(created).toMatchObject({ name: 'Made In The Browser', tz: 'UTC', parentOrganizationId: 1 });
    expect(result.readBack.status).toBe(200);
    expect(JSON.parse(result.readBack.text)).toEqual(created);
    expect(result.missing.status).toBe(404);
    expect(JSON.parse(result.missing.text)).toEqual({
      error: { message: "Organization is not found or you don't have access to it." },
    });
    // Nothing but the three static files was asked of the only server there is.
    expect(reachedServer).toEqual([]);
  }, 120_000);
});
