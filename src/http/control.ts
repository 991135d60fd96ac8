/**
 * The control plane under /_mock/: health, reset, export and import, the journal, runtime settings and
 * the fixture's tokens. Documented in openapi.yaml under the tag "Mock control"; request bodies and
 * parameters are checked by the validators compiled from it, like the API's.
 *
 * Not for web pages of other origins (docs/control-plane.md): no CORS here, requests that a browser marks
 * as coming from another origin are refused, and so are requests under a Host name that is not the
 * mock's own (DNS rebinding), unless CONTROL_TOKEN is set, which then guards every route but health.
 */
import { type Context, Hono, type Next } from 'hono';
import type { Config } from '../config.ts';
import type { ChaosSettings } from '../domain/chaos.ts';
import { invalidInput, messages, Refusal } from '../domain/errors.ts';
import { type MockRuntime, sessionIdOf } from '../domain/runtime.ts';
import { exportPieces, type ImportRules, importTree, SNAPSHOT_FORMAT, SnapshotReader } from '../domain/snapshot.ts';
import type { OperationId } from '../openapi/operation-types.ts';
import type { SpecValidators } from '../openapi/validators.ts';
import { isJsonType, readJson, streamText } from './body.ts';
import { headerOf } from './header-of.ts';
import { HttpError } from './http-error.ts';

export const CONTROL_PREFIX = '/_mock';
export const SESSION_HEADER = 'x-mock-session';
const CONTROL_REALM = 'orgs-mock control plane';

/** Health stays even when the control plane is off: the Docker HEALTHCHECK and CI wait on it. */
export function healthRoute(runtime: MockRuntime): Hono {
  return new Hono().get('/health', (c) =>
    c.json({
      status: 'ok',
      organizations: runtime.treeFor().size,
      sessions: runtime.sessions.size,
      uptimeSeconds: (runtime.now() - runtime.startedAt) / 1000,
    }),
  );
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** The host name of a Host header or an origin's authority, lower case, without the port. */
function hostName(authority: string): string {
  const lower = authority.trim().toLowerCase();
  if (lower.startsWith('[')) return lower.slice(0, lower.indexOf(']') + 1);
  const colon = lower.lastIndexOf(':');
  return colon === -1 ? lower : lower.slice(0, colon);
}

/** Compares in time that depends on the expected secret's length only, not on where the two differ. */
function sameSecret(given: string, expected: string): boolean {
  let difference = given.length ^ expected.length;
  for (let i = 0; i < expected.length; i++) difference |= (given.charCodeAt(i) | 0) ^ expected.charCodeAt(i);
  return difference === 0;
}

/**
 * Refuses what a web page of another origin could send: a cross-site request (by Sec-Fetch-Site or an
 * Origin other than the mock's own), a Host name that is not the mock's (a DNS-rebinding page sends its
 * own name), and, with CONTROL_TOKEN, any request without it.
 */
export function controlGuard(config: Config) {
  // HOST and CONTROL_HOSTS are names without a port; an IPv6 address appears in Host in brackets.
  const asHostHeader = (name: string) =>
    name.split(':').length > 2 && !name.startsWith('[') ? `[${name.toLowerCase()}]` : hostName(name);
  const ownNames = new Set([
    ...LOOPBACK_NAMES,
    ...[config.host, ...config.controlHosts.split(',')].filter((h) => h !== '').map(asHostHeader),
  ]);
  const token = config.controlToken;
  const refuse = (status: 401 | 403, message: string, headers?: Record<string, string>): never => {
    throw new HttpError(status, message, headers);
  };
  return async (c: Context, next: Next) => {
    const host = headerOf(c, 'host') ?? new URL(c.req.url).host;
    // With a token, a rebinding page cannot act anyway: it does not know the token.
    if (token === undefined && !ownNames.has(hostName(host))) refuse(403, messages.controlOtherHost);
    const site = headerOf(c, 'sec-fetch-site');
    if (site !== undefined && site !== 'same-origin' && site !== 'none') refuse(403, messages.controlOtherOrigin);
    const origin = headerOf(c, 'origin');
    if (origin !== undefined && !sameOrigin(origin, host)) refuse(403, messages.controlOtherOrigin);
    if (token !== undefined) {
      const given = /^Bearer +(\S+) *$/i.exec(headerOf(c, 'authorization') ?? '')?.[1];
      if (given === undefined)
        refuse(401, messages.controlTokenMissing, { 'WWW-Authenticate': `Bearer realm="${CONTROL_REALM}"` });
      else if (!sameSecret(given, token)) {
        refuse(401, messages.controlTokenWrong, {
          'WWW-Authenticate': `Bearer realm="${CONTROL_REALM}", error="invalid_token"`,
        });
      }
    }
    await next();
  };
}

function sameOrigin(origin: string, host: string): boolean {
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === host.trim().toLowerCase();
  } catch {
    return false; // "null" and anything unreadable
  }
}

const pause = () => new Promise<void>((resolve) => setImmediate(resolve));
/** Text read between two pauses of an import, so that other requests are answered meanwhile. */
const IMPORT_PAUSE_CHARS = 1024 * 1024;
/** An import body that sends nothing for this long is refused: a stalled client holds no reader for ever. */
export const IMPORT_IDLE_MS = 10_000;
/** Exports written at once; more wait for a turn. Each holds the list of its tree's records. */
export const MAX_EXPORTS = 4;
/** An export whose client reads nothing for this long is cut, and gives its turn to the next. */
export const EXPORT_IDLE_MS = 10_000;

/** Turns for at most `size` holders at once; the others wait in order. */
function turns(size: number) {
  let busy = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else busy--;
  };
  return (): Promise<() => void> => {
    if (busy < size) {
      busy++;
      return Promise.resolve(release);
    }
    return new Promise((resolve) => waiting.push(() => resolve(release)));
  };
}

export function controlRoutes(runtime: MockRuntime, validators: SpecValidators, config: Config): Hono {
  const control = new Hono();
  control.use('*', controlGuard(config));
  const query = <Op extends OperationId>(operationId: Op, url: string) =>
    validators.checkedQuery(operationId, new URL(url).searchParams);
  // The control plane documents 413 for the import only, which streams; a JSON body past 2 MB here is a 400.
  const body = async <Op extends OperationId>(operationId: Op, c: Context) =>
    validators.checkedBody(operationId, await readJson(c, 400));
  const sessionOf = (c: Context) => sessionIdOf(headerOf(c, SESSION_HEADER));

  control.post('/reset', (c) => {
    const session = sessionOf(c);
    const { all } = query('mockReset', c.req.url);
    const tree = all === 'true' ? runtime.resetAll() : runtime.reset(session);
    return c.json(session && all !== 'true' ? { session, organizations: tree.size } : { organizations: tree.size });
  });

  const exportTurn = turns(MAX_EXPORTS);
  control.get('/state', async (c) => {
    const release = await exportTurn();
    let pieces: Generator<string>;
    try {
      pieces = exportPieces(runtime.treeFor(sessionOf(c)));
    } catch (error) {
      release();
      throw error;
    }
    const encoder = new TextEncoder();
    let idle: ReturnType<typeof setTimeout> | undefined;
    let finished = false;
    const finish = () => {
      clearTimeout(idle);
      if (finished) return;
      finished = true;
      release();
    };
    // Pulled as the client reads: a million organizations never sit in memory as one string. A pause after
    // each piece lets other requests be answered while a fast reader takes a large export.
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        clearTimeout(idle);
        const next = pieces.next();
        if (next.done) {
          controller.close();
          finish();
          return;
        }
        controller.enqueue(encoder.encode(next.value));
        idle = setTimeout(() => {
          // The adapter takes this code as the client's going away (no error line), which it is.
          controller.error(
            Object.assign(new Error('The client stopped reading an export.'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }),
          );
          finish();
        }, EXPORT_IDLE_MS);
        await pause();
      },
      cancel: finish,
    });
    return c.body(stream, 200, { 'Content-Type': 'application/json' });
  });

  const snapshotShape = validators.request('mockImportState');
  const rules: ImportRules = {
    limits: runtime.limits,
    checkShape(org) {
      try {
        snapshotShape.body({ format: SNAPSHOT_FORMAT, organizations: [org] });
      } catch (error) {
        // The field of this organization, not of the one-element snapshot it was checked in.
        if (error instanceof Refusal)
          throw new Refusal(error.code, error.message.replace('Field organizations.0.', 'Field '));
        throw error;
      }
      // The fields a create takes, checked by the create schema itself: one rule, one place.
      const fields: Record<string, unknown> = {};
      for (const name of ['name', 'description', 'tz', 'phoneNumber', 'unitSystem', 'address']) {
        if (org[name] !== undefined) fields[name] = org[name];
      }
      return validators.checkedBody('createOrganization', fields);
    },
  };
  // One tree built at a time: two large ones at once would hold two extra trees.
  let importing: Promise<unknown> = Promise.resolve();
  control.put('/state', async (c) => {
    const session = sessionOf(c);
    if (!isJsonType(headerOf(c, 'content-type') ?? null)) throw invalidInput(messages.contentTypeUnsupported);
    // Read and checked first, outside the turn: a slow body holds only its own reader, never the other
    // imports (and a stalled one is cut after IMPORT_IDLE_MS); then the tree is built in turn.
    const reader = new SnapshotReader(rules);
    let sincePause = 0;
    await streamText(
      c.req.raw,
      async (text) => {
        reader.push(text);
        sincePause += text.length;
        if (sincePause >= IMPORT_PAUSE_CHARS) {
          sincePause = 0;
          await pause();
        }
      },
      config.importMaxBytes,
      IMPORT_IDLE_MS,
    );
    const read = reader.end();
    const turn = importing.then(() => {
      // Refused before the tree is built when it would push out other sessions' changes.
      runtime.checkImportRoom(read.records.size, session);
      return importTree(read, runtime.limits, pause);
    });
    importing = turn.catch(() => {});
    const tree = await turn;
    runtime.install(tree, session);
    return c.json(session ? { session, organizations: tree.size } : { organizations: tree.size });
  });

  control.get('/journal', (c) => {
    const { limit } = query('mockJournal', c.req.url);
    return c.json({ capacity: runtime.journal.capacity, entries: runtime.journal.recent(limit) });
  });

  control.delete('/journal', (c) => {
    runtime.journal.clear();
    return c.body(null, 204);
  });

  const settings = () => ({ ...runtime.chaos.settings, rateLimitPerMinute: runtime.rateLimit.perMinute });
  control.get('/config', (c) => c.json(settings()));
  control.patch('/config', async (c) => {
    const { rateLimitPerMinute, ...chaos } = await body('mockUpdateConfig', c);
    if (chaos.latencyMs && chaos.latencyMs.max < chaos.latencyMs.min) {
      chaos.latencyMs = { min: chaos.latencyMs.max, max: chaos.latencyMs.min };
    }
    runtime.chaos.update(pickChaos(chaos));
    if (rateLimitPerMinute !== undefined) runtime.rateLimit.perMinute = rateLimitPerMinute;
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
