/**
 * The control plane under /_mock/: health, reset, export and import, the journal, runtime settings and
 * the fixture's tokens. Documented in openapi.yaml under the tag "Mock control"; request bodies and
 * parameters are checked by the validators compiled from it, like the API's.
 */
import { Hono } from 'hono';
import type { Snapshot } from '../domain/snapshot.ts';
import type { ChaosSettings } from '../domain/chaos.ts';
import type { MockRuntime } from '../domain/state.ts';
import type { SpecValidators } from '../spec/validators.ts';
import { readJson } from './body.ts';

export const CONTROL_PREFIX = '/_mock';
export const SESSION_HEADER = 'x-mock-session';
/** An exported 1,000,000-organization state is about 300 MB of JSON. */
export const MAX_IMPORT_BYTES = 512 * 1024 * 1024;

/** Health stays even when the control plane is off: the Docker HEALTHCHECK and CI wait on it. */
export function healthRoute(runtime: MockRuntime): Hono {
  return new Hono().get('/health', (c) =>
    c.json({ status: 'ok', organizations: runtime.treeFor().size, sessions: runtime.sessions.size, uptimeSeconds: (runtime.now() - runtime.startedAt) / 1000 }),
  );
}

export function controlRoutes(runtime: MockRuntime, validators: SpecValidators): Hono {
  const control = new Hono();
  const query = (operationId: string, url: string) => validators.request(operationId).query(new URL(url).searchParams);
  const body = async (operationId: string, request: Request, maxBytes?: number) =>
    validators.request(operationId).body(await readJson(request, maxBytes));

  control.post('/reset', (c) => {
    const session = c.req.header(SESSION_HEADER);
    const { all } = query('mockReset', c.req.url);
    const tree = all === 'true' ? runtime.resetAll() : runtime.reset(session);
    return c.json(session && all !== 'true' ? { session, organizations: tree.size } : { organizations: tree.size });
  });

  control.get('/state', (c) => c.json(runtime.exportState(c.req.header(SESSION_HEADER))));

  control.put('/state', async (c) => {
    const session = c.req.header(SESSION_HEADER);
    const snapshot = (await body('mockImportState', c.req.raw, MAX_IMPORT_BYTES)) as Snapshot;
    const tree = runtime.importState(snapshot, session);
    return c.json(session ? { session, organizations: tree.size } : { organizations: tree.size });
  });

  control.get('/journal', (c) => {
    const { limit } = query('mockJournal', c.req.url);
    return c.json({ capacity: runtime.journal.capacity, entries: runtime.journal.recent(limit as number) });
  });

  control.delete('/journal', (c) => {
    runtime.journal.clear();
    return c.body(null, 204);
  });

  const settings = () => ({ ...runtime.chaos.settings, rateLimitPerMinute: runtime.rateLimiter.limitPerMinute });
  control.get('/config', (c) => c.json(settings()));
  control.patch('/config', async (c) => {
    const update = (await body('mockUpdateConfig', c.req.raw)) as Partial<ChaosSettings> & { rateLimitPerMinute?: number };
    const { rateLimitPerMinute, ...chaos } = update;
    if (chaos.latencyMs && chaos.latencyMs.max < chaos.latencyMs.min) {
      chaos.latencyMs = { min: chaos.latencyMs.max, max: chaos.latencyMs.min };
    }
    runtime.chaos.update(pickChaos(chaos));
    if (rateLimitPerMinute !== undefined) runtime.rateLimiter.limitPerMinute = rateLimitPerMinute;
    return c.json(settings());
  });

  control.get('/tokens', (c) => c.json({ tokens: runtime.fixtures.tokens, clients: runtime.fixtures.clients }));
  return control;
}

/** Only the known settings: unknown fields in the body are ignored, as on the API. */
function pickChaos(update: Partial<ChaosSettings>): Partial<ChaosSettings> {
  const out: Partial<ChaosSettings> = {};
  if (update.latencyMs) out.latencyMs = { min: update.latencyMs.min, max: update.latencyMs.max };
  if (update.faultRate !== undefined) out.faultRate = update.faultRate;
  if (update.faultSeed !== undefined) out.faultSeed = update.faultSeed;
  return out;
}
