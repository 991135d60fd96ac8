/**
 * The limit of this stack: a bare Hono app on the same Node adapter that answers a fixed Organization
 * on every route. Started by bench.ts; prints its URL.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const ORGANIZATION = {
  id: 1,
  name: 'Acme Corp',
  description: 'A test organization',
  tz: 'Europe/Kyiv',
  unitSystem: 'METRIC',
  phoneNumber: '+11234567890',
  lastModifiedTs: 1707244800000,
};

const app = new Hono();
app.post('*', (c) => c.json(ORGANIZATION, 201));
app.all('*', (c) => c.json(ORGANIZATION));
const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) =>
  console.log(`bare on http://127.0.0.1:${info.port}`),
);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
