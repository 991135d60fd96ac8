/**
 * The README's example of a frontend unit test: the app's own client code runs against createApp()
 * in-process, with no port, through a fetch that calls app.request().
 */
import { beforeEach, expect, it } from 'vitest';
import { ApiError, orgClient } from '../../examples/org-client.ts';
import { createApp, type MockApp } from '../../src/index.ts';

let app: MockApp;
beforeEach(async () => {
  app = await createApp({ config: { quiet: true, orgCount: 20 } });
});

const inProcessFetch = (input: string | URL | Request, init?: RequestInit) => app.request(String(input), init);

it('creates, finds and deletes an organization through the client', async () => {
  const client = orgClient('http://mock', 'root-admin-token', inProcessFetch as typeof fetch);
  const created = await client.create({ name: 'Frontend Test Org', tz: 'Europe/Paris' });
  expect(created).toMatchObject({ name: 'Frontend Test Org', tz: 'Europe/Paris', parentOrganizationId: 1 });
  expect((await client.search('frontend test')).content?.map((o) => o.id)).toEqual([created.id]);
  await client.remove(created.id);
  expect((await client.search('frontend test')).totalElements).toBe(0);
});

it("surfaces the mock's exact error messages", async () => {
  const client = orgClient('http://mock', 'branch-admin-token', inProcessFetch as typeof fetch);
  await expect(client.remove(5)).rejects.toEqual(
    new ApiError(404, "Organization with identifier 5 is not found or you don't have access to it."),
  );
  await expect(client.create({ name: 'x' })).rejects.toThrow('Organization name should be from 3 to 100 symbols.');
});
