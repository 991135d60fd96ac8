import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listen, type RunningServer } from '../../src/server.ts';
import { makeApp } from '../helpers.ts';
import { launchChromium } from '../setup/chromium.ts';

let mock: RunningServer;
let page: Server;
let pageUrl: string;
let browser: Browser;

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
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await mock?.close();
  await new Promise((resolve) => page?.close(resolve));
});

it('a page on another origin lists the organizations it received from the mock', async () => {
  const tab = await browser.newPage();
  await tab.goto(pageUrl);
  await tab.waitForFunction(
    'document.body.dataset.total !== undefined || document.body.dataset.error !== undefined',
    undefined,
    { timeout: 15_000 },
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
}, 30_000);
