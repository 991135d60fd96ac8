/** `orgs-mock serve`: the mock on HOST:PORT with the default data, configured by env and flags. */
import { getHeapStatistics } from 'node:v8';
import { type Config, ConfigError, DEFAULT_CONFIG, fitToHeap, resolveConfig, SETTINGS } from '../config.ts';
import { createApp } from '../node/app.ts';
import { drainStdout } from '../node/stdout.ts';
import { listen } from '../server.ts';

export function serveHelp(): string {
  const rows = SETTINGS.map((s) => {
    const value = s.defaultValue;
    const shownValue = typeof value === 'object' && value !== null ? `${value.min}-${value.max}` : value;
    const shown = value === undefined ? '' : ` (default ${shownValue})`;
    return `  ${`${s.flag}${typeof value === 'boolean' ? '' : ' <value>'}`.padEnd(32)} ${s.env.padEnd(24)} ${s.help}${shown}`;
  });
  return [
    'Usage: orgs-mock serve [options]',
    '',
    'Serves the Organizations API and its OAuth2 token endpoint from an in-memory organization tree.',
    'Each option has an environment variable; a flag wins over its variable.',
    '',
    `  ${'flag'.padEnd(32)} ${'environment'.padEnd(24)} meaning`,
    ...rows,
    `  ${'--help'.padEnd(32)} ${''.padEnd(24)} this text`,
  ].join('\n');
}

export async function serveCommand(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(serveHelp());
    return 0;
  }
  let config: Config;
  try {
    const resolved = resolveConfig(argv, process.env);
    if (resolved.rest.length > 0)
      throw new ConfigError(`Unknown option ${resolved.rest[0]}; see orgs-mock serve --help.`);
    // Every maximum must fit the heap, or the server does not start.
    config = fitToHeap(resolved.config, resolved.explicit, getHeapStatistics().heap_size_limit);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`orgs-mock: ${error.message}`);
      return 2;
    }
    throw error;
  }
  const started = performance.now();
  const app = await createApp({ config });
  const fixtures = app.mock.runtime.fixtures;
  let server: Awaited<ReturnType<typeof listen>>;
  try {
    server = await listen(app, config.host, config.port);
  } catch (error) {
    const message = listenFailure(error, config);
    if (message === undefined) throw error;
    console.error(`orgs-mock: ${message}`);
    return 2;
  }
  const tokens = fixtures.tokens.map((t) => `${t.token} (org ${t.organizationId})`).join(', ');
  console.log(
    [
      `orgs-mock serving ${app.mock.state.tree.size} organizations on ${server.url} (seed ${config.seed}, ready in ${Math.round(performance.now() - started)} ms)`,
      `  API reference: ${server.url}/docs  (spec: ${server.url}/openapi.yaml${config.controlPlane ? `, control plane: ${server.url}/_mock/health` : ''})`,
      `  static tokens: ${tokens}`,
      `  OAuth clients: ${fixtures.clients.map((c) => `${c.clientId}/${c.clientSecret}`).join(', ')}`,
      `  try: curl -H 'Authorization: Bearer root-admin-token' ${server.url}/api/v1/organization/profile`,
      ...changedSettingsLine(config),
      ...openControlPlaneWarning(config),
    ].join('\n'),
  );
  stopWhenOrphanedUnderNpm();
  // SIGHUP (the terminal closed) stops like SIGTERM, draining requests in flight, as a dev server does.
  const signals = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
  await new Promise<void>((resolve) => {
    const stop = () => {
      // A second signal while draining stops at once.
      for (const [signal, code] of Object.entries(signals)) process.once(signal, () => process.exit(code));
      resolve();
    };
    for (const signal of Object.keys(signals)) process.once(signal, stop);
  });
  await server.close();
  // The request log's last batch is written a turn after its requests, and without blocking: let it out.
  await new Promise((resolve) => setTimeout(resolve, 1));
  await drainStdout();
  return 0;
}

/**
 * Under an npm script (`npm start`), npm's `sh -c` dies on SIGTERM without passing it on, and the server
 * would go on as an orphan: when that parent goes away, stop as on SIGTERM. Only under npm: a server
 * started in the background by a script that then exits must keep running.
 */
function stopWhenOrphanedUnderNpm(): void {
  const parent = process.ppid;
  if (process.env.npm_lifecycle_event === undefined || parent <= 1) return;
  setInterval(() => {
    if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
  }, 500).unref();
}

/** Where the address cannot be had, the setting that chooses another (a port in use is the common case). */
export function listenFailure(error: unknown, config: { host: string; port: number }): string | undefined {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  const where = `${config.host}:${config.port}`;
  if (code === 'EADDRINUSE')
    return `port ${config.port} on ${config.host} is in use; choose another with --port <number> (or PORT=<number>), or --port 0 for any free port.`;
  if (code === 'EACCES')
    return `may not listen on ${where} (ports below 1024 need privileges); choose another with --port <number> (or PORT=<number>).`;
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
    return `cannot listen on ${where}: ${config.host} is not an address of this machine; choose another with --host (or HOST), such as 127.0.0.1 or 0.0.0.0.`;
  return undefined;
}

/** Already in the banner's first lines (port and host in the URL, the seed and the count). */
const SHOWN_ELSEWHERE = new Set<keyof Config>(['port', 'host', 'seed', 'orgCount']);
const SECRET = new Set<keyof Config>(['controlToken']);

/**
 * Every setting that differs from its default, as its environment variable: what the server does that a
 * fresh start would not (faults, latency, depth, limits) is never silent. Secrets show as set, not their value.
 */
export function changedSettingsLine(config: Config): string[] {
  const changed = SETTINGS.filter(
    (s) => !SHOWN_ELSEWHERE.has(s.key) && shown(config[s.key]) !== shown(DEFAULT_CONFIG[s.key]),
  ).map((s) => `${s.env}=${SECRET.has(s.key) ? '(set)' : shown(config[s.key])}`);
  return changed.length === 0 ? [] : [`  settings: ${changed.join(', ')}`];
}

function shown(value: Config[keyof Config]): string {
  if (typeof value === 'object' && value !== null)
    return value.min === value.max ? `${value.min}` : `${value.min}-${value.max}`;
  return String(value);
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|\[::1\]|localhost)$/i;

/** On an address other machines can reach, an open control plane lets them reset, replace or slow the mock. */
export function openControlPlaneWarning(config: {
  host: string;
  controlPlane: boolean;
  controlToken: string | undefined;
}): string[] {
  if (!config.controlPlane || config.controlToken !== undefined || LOOPBACK.test(config.host)) return [];
  return [
    `  WARNING: the control plane /_mock/ is open: anyone who can reach ${config.host} may reset, replace or slow this mock.`,
    '           Set CONTROL_TOKEN=<secret> (then send "Authorization: Bearer <secret>" to /_mock/), or CONTROL_PLANE=false.',
  ];
}
