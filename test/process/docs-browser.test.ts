import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listen, type RunningServer } from '../../src/server.ts';
import { makeApp } from '../helpers.ts';
import { launchChromium } from '../setup/chromium.ts';

let mock: RunningServer;
let browser: Browser;

beforeAll(async () => {
  mock = await listen(await makeApp(), '127.0.0.1', 0);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await mock?.close();
});

it('authorizes with a static token, tries search, and shows the mock’s answer', async () => {
  const tab = await browser.newPage();
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
  await expect.poll(() => status.textContent(), { timeout: 15_000 }).toContain('200');
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
}, 45_000);
