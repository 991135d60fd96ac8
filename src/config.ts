import { parseLatency } from './domain/chaos.ts';

/**
 * Configuration: every setting has an environment variable and a matching command-line flag
 * (`PORT` / `--port`). Flags win over the environment, the environment over defaults.
 */
export interface Config {
  port: number;
  host: string;
  seed: number;
  orgCount: number;
  fixtures: string | undefined;
  rateLimitPerMinute: number;
  tokenTtlSeconds: number;
  maxDepth: number;
  maxOrganizations: number;
  latencyMs: { min: number; max: number };
  faultRate: number;
  faultSeed: number;
  controlPlane: boolean;
  maxSessions: number;
  sessionIdleSeconds: number;
  journalSize: number;
  corsOrigin: string;
  logFormat: 'text' | 'json';
  quiet: boolean;
  controlToken: string | undefined;
  controlHosts: string;
  importMaxBytes: number;
  sessionMemoryMb: number;
  clientFailuresPerMinute: number;
}

interface Setting<K extends keyof Config> {
  key: K;
  env: string;
  flag: string;
  help: string;
  defaultValue: Config[K];
  parse: (raw: string, name: string) => Config[K];
}

function integer(min: number, max: number) {
  return (raw: string, name: string): number => {
    if (!/^\d+$/.test(raw.trim()) || Number(raw) < min || Number(raw) > max) {
      throw new ConfigError(`${name} should be an integer from ${min} to ${max}, not "${raw}".`);
    }
    return Number(raw);
  };
}

const text = (raw: string, name: string): string => {
  if (raw.trim() === '') throw new ConfigError(`${name} should not be empty.`);
  return raw;
};

const flag = (raw: string, name: string): boolean => {
  if (['', 'true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw new ConfigError(`${name} should be true or false, not "${raw}".`);
};

const latency = (raw: string, name: string) => {
  const parsed = parseLatency(raw);
  if (!parsed || parsed.max > 60_000)
    throw new ConfigError(`${name} should be milliseconds like 100 or 50-200 (at most 60000), not "${raw}".`);
  return parsed;
};

const rate = (raw: string, name: string): number => {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1)
    throw new ConfigError(`${name} should be a number from 0 to 1, not "${raw}".`);
  return value;
};

const logFormat = (raw: string, name: string): 'text' | 'json' => {
  if (raw !== 'text' && raw !== 'json') throw new ConfigError(`${name} should be text or json, not "${raw}".`);
  return raw;
};

const hostList = (raw: string, name: string): string => {
  const names = raw
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== '');
  if (names.some((h) => !/^[a-z0-9.\-_:[\]]+$/.test(h)))
    throw new ConfigError(`${name} should be host names separated by commas, not "${raw}".`);
  return names.join(',');
};

/** `*`, or origins as a browser sends them: scheme, host and optional port, no path (comma-separated). */
const origins = (raw: string, name: string): string => {
  const list = raw.split(',').map((o) => o.trim());
  const bad = list.find((o) => o !== '*' && !/^https?:\/\/[^/\s?#]+$/i.test(o));
  if (raw.trim() === '' || bad !== undefined || (list.includes('*') && list.length > 1))
    throw new ConfigError(
      `${name} should be * or origins with their scheme, such as http://localhost:5173 (comma-separated, no path), not "${raw}".`,
    );
  return list.join(',');
};

/** An address or host name to listen on: no scheme, port or path (those have settings of their own). */
const listenHost = (raw: string, name: string): string => {
  const host = raw.trim();
  if (!/^(\[[0-9a-f:.]+\]|[0-9a-f:]*:[0-9a-f:.]*|[a-z0-9]([a-z0-9.-]*[a-z0-9])?)$/i.test(host))
    throw new ConfigError(
      `${name} should be an address or host name such as 127.0.0.1, 0.0.0.0 or ::, without scheme or port (the port is PORT / --port), not "${raw}".`,
    );
  return host;
};

export class ConfigError extends Error {}

type AnySetting = { [K in keyof Config]: Setting<K> }[keyof Config];

export const SETTINGS: AnySetting[] = [
  {
    key: 'port',
    env: 'PORT',
    flag: '--port',
    help: 'TCP port to listen on',
    defaultValue: 8080,
    parse: integer(0, 65535),
  },
  {
    key: 'host',
    env: 'HOST',
    flag: '--host',
    help: 'address to listen on (the Docker image sets 0.0.0.0)',
    defaultValue: '127.0.0.1',
    parse: listenHost,
  },
  {
    key: 'seed',
    env: 'SEED',
    flag: '--seed',
    help: 'seed of the generated organizations',
    defaultValue: 42,
    parse: integer(0, 2 ** 32 - 1),
  },
  {
    key: 'orgCount',
    env: 'ORG_COUNT',
    flag: '--org-count',
    help: 'generated organizations beyond the skeleton',
    defaultValue: 100,
    parse: integer(0, 5_000_000),
  },
  {
    key: 'fixtures',
    env: 'FIXTURES',
    flag: '--fixtures',
    help: 'path of the fixture file (default: fixtures/default.json)',
    defaultValue: undefined,
    parse: text,
  },
  {
    key: 'rateLimitPerMinute',
    env: 'RATE_LIMIT_PER_MINUTE',
    flag: '--rate-limit-per-minute',
    help: 'requests per minute per organization before 429',
    defaultValue: 10_000,
    parse: integer(1, 1_000_000_000),
  },
  {
    key: 'tokenTtlSeconds',
    env: 'TOKEN_TTL_SECONDS',
    flag: '--token-ttl-seconds',
    help: 'lifetime of issued access tokens',
    defaultValue: 86_400,
    parse: integer(1, 2 ** 31 - 1),
  },
  {
    key: 'maxDepth',
    env: 'MAX_DEPTH',
    flag: '--max-depth',
    help: 'levels allowed, counting the root as level 1',
    defaultValue: 4,
    parse: integer(1, 100),
  },
  {
    key: 'maxOrganizations',
    env: 'MAX_ORGANIZATIONS',
    flag: '--max-organizations',
    help: 'organizations a tree may hold; creating or importing more is 400 (lowered to fit the heap unless set)',
    defaultValue: 1_000_000,
    parse: integer(1, 10_000_000),
  },
  {
    key: 'latencyMs',
    env: 'LATENCY_MS',
    flag: '--latency-ms',
    help: 'added to every API response: 100, or a range 50-200',
    defaultValue: { min: 0, max: 0 },
    parse: latency,
  },
  {
    key: 'faultRate',
    env: 'FAULT_RATE',
    flag: '--fault-rate',
    help: 'share of API responses turned into 500s, 0 to 1',
    defaultValue: 0,
    parse: rate,
  },
  {
    key: 'faultSeed',
    env: 'FAULT_SEED',
    flag: '--fault-seed',
    help: 'seed of the fault and latency sequence',
    defaultValue: 1,
    parse: integer(0, 2 ** 32 - 1),
  },
  {
    key: 'controlPlane',
    env: 'CONTROL_PLANE',
    flag: '--control-plane',
    help: 'serve the /_mock/ control plane (--no-control-plane to turn it off)',
    defaultValue: true,
    parse: flag,
  },
  {
    key: 'maxSessions',
    env: 'MAX_SESSIONS',
    flag: '--max-sessions',
    help: 'isolated X-Mock-Session states kept at once',
    defaultValue: 100,
    parse: integer(0, 100_000),
  },
  {
    key: 'sessionMemoryMb',
    env: 'SESSION_MEMORY_MB',
    flag: '--session-memory-mb',
    help: "estimated memory of all sessions' changes together; past it sessions are evicted (a writer's answers 410)",
    defaultValue: 256,
    parse: integer(1, 65_536),
  },
  {
    key: 'sessionIdleSeconds',
    env: 'SESSION_IDLE_SECONDS',
    flag: '--session-idle-seconds',
    help: 'a session unused this long is dropped (one that wrote answers 410 until reset)',
    defaultValue: 900,
    parse: integer(1, 7 * 24 * 3600),
  },
  {
    key: 'journalSize',
    env: 'JOURNAL_SIZE',
    flag: '--journal-size',
    help: 'requests kept in the journal',
    defaultValue: 1000,
    parse: integer(0, 1_000_000),
  },
  {
    key: 'corsOrigin',
    env: 'CORS_ORIGIN',
    flag: '--cors-origin',
    help: 'Access-Control-Allow-Origin for browser apps: * or origins like http://localhost:5173, comma-separated',
    defaultValue: '*',
    parse: origins,
  },
  {
    key: 'logFormat',
    env: 'LOG_FORMAT',
    flag: '--log-format',
    help: 'text (one line per request) or json',
    defaultValue: 'text',
    parse: logFormat,
  },
  { key: 'quiet', env: 'QUIET', flag: '--quiet', help: 'no request log', defaultValue: false, parse: flag },
  {
    key: 'controlToken',
    env: 'CONTROL_TOKEN',
    flag: '--control-token',
    help: 'bearer secret that /_mock/ requires (all but /_mock/health)',
    defaultValue: undefined,
    parse: text,
  },
  {
    key: 'controlHosts',
    env: 'CONTROL_HOSTS',
    flag: '--control-hosts',
    help: 'more Host names /_mock/ answers, comma-separated, beyond localhost and HOST',
    defaultValue: '',
    parse: hostList,
  },
  {
    key: 'importMaxBytes',
    env: 'IMPORT_MAX_BYTES',
    flag: '--import-max-bytes',
    help: 'largest body of PUT /_mock/state',
    defaultValue: 512 * 1024 * 1024,
    parse: integer(1024, 2 ** 31),
  },
  {
    key: 'clientFailuresPerMinute',
    env: 'CLIENT_FAILURES_PER_MINUTE',
    flag: '--client-failures-per-minute',
    help: 'failed client authentications per client id and minute before 429',
    defaultValue: 20,
    parse: integer(1, 1_000_000),
  },
];

const isBoolean = (s: AnySetting) => typeof s.defaultValue === 'boolean';

/** True when every setting has a place in `value`: the settings table covers the whole Config. */
function isComplete(value: object): value is Config {
  return SETTINGS.every((s) => Object.hasOwn(value, s.key));
}

function defaults(): Config {
  const values = Object.fromEntries(SETTINGS.map((s) => [s.key, s.defaultValue]));
  if (!isComplete(values)) throw new Error('A setting has no entry in SETTINGS.');
  return values;
}

export const DEFAULT_CONFIG: Config = defaults();

/** Reads `--name value`, `--name=value` and bare boolean flags; returns the config and the leftover arguments. */
export function resolveConfig(
  argv: string[],
  env: Readonly<Record<string, string | undefined>>,
): { config: Config; rest: string[]; explicit: Set<keyof Config> } {
  // Object.assign sets a key of the settings table with the value its own parser made.
  const config: Config = { ...DEFAULT_CONFIG };
  const explicit = new Set<keyof Config>();
  for (const s of SETTINGS) {
    const raw = env[s.env];
    if (raw !== undefined && raw !== '') {
      Object.assign(config, { [s.key]: s.parse(raw, s.env) });
      explicit.add(s.key);
    }
  }
  const rest: string[] = [];
  const args = [...argv];
  for (let arg = args.shift(); arg !== undefined; arg = args.shift()) {
    const [name, inline] = arg.startsWith('--') ? splitFlag(arg) : [arg, undefined];
    const negated = SETTINGS.find((s) => isBoolean(s) && name === `--no-${s.flag.slice(2)}`);
    if (negated && inline === undefined) {
      Object.assign(config, { [negated.key]: false });
      explicit.add(negated.key);
      continue;
    }
    const setting = SETTINGS.find((s) => s.flag === name);
    if (!setting) {
      rest.push(arg);
      continue;
    }
    let raw = inline;
    if (raw === undefined) {
      if (isBoolean(setting)) raw = 'true';
      else {
        raw = args.shift();
        if (raw === undefined) throw new ConfigError(`${setting.flag} needs a value.`);
      }
    }
    Object.assign(config, { [setting.key]: setting.parse(raw, setting.flag) });
    explicit.add(setting.key);
  }
  return { config, rest, explicit };
}

/**
 * Estimated heap bytes of what the settings allow, measured on this code (docs/control-plane.md):
 * each organization is held by the seeded tree and the default tree, and once more while an import
 * builds its replacement; a journal entry keeps a path of at most MAX_JOURNAL_PATH characters.
 */
export const MEMORY = {
  base: 150 * 1024 * 1024,
  perOrganization: 1_000,
  perImportedOrganization: 1_000,
  perJournalEntry: 5_000,
  issuedTokens: 80 * 1024 * 1024,
} as const;

const MB = 1024 * 1024;

function impliedBytes(config: Config): { total: number; parts: string[] } {
  const parts: [string, number][] = [
    [
      `MAX_ORGANIZATIONS=${config.maxOrganizations}`,
      config.maxOrganizations * (MEMORY.perOrganization + MEMORY.perImportedOrganization),
    ],
    [`SESSION_MEMORY_MB=${config.sessionMemoryMb}`, config.sessionMemoryMb * MB],
    [`JOURNAL_SIZE=${config.journalSize}`, config.journalSize * MEMORY.perJournalEntry],
    ['issued tokens', MEMORY.issuedTokens],
    ['the server itself', MEMORY.base],
  ];
  return {
    total: parts.reduce((sum, [, bytes]) => sum + bytes, 0),
    parts: parts.map(([what, bytes]) => `${what} about ${Math.ceil(bytes / MB)} MB`),
  };
}

/** Creates an unset MAX_ORGANIZATIONS always leaves room for above ORG_COUNT. */
export const ROOM_FOR_CREATES = 1_000;

/**
 * Checks that every maximum fits the heap, so the server never starts with limits it cannot hold. The
 * one rule for an unset MAX_ORGANIZATIONS: its default, lowered to what fits the heap, but never below
 * ORG_COUNT + ROOM_FOR_CREATES (so `ORG_COUNT=1000000` alone starts, with room for 1,000 creates). A set
 * MAX_ORGANIZATIONS is taken as it is; whatever does not fit the heap is refused with the numbers.
 */
export function fitToHeap(config: Config, explicit: ReadonlySet<keyof Config>, heapLimitBytes: number): Config {
  const fitted = { ...config };
  if (!explicit.has('maxOrganizations')) {
    const others = impliedBytes({ ...fitted, maxOrganizations: 0 }).total;
    const room = Math.floor((heapLimitBytes - others) / (MEMORY.perOrganization + MEMORY.perImportedOrganization));
    fitted.maxOrganizations = Math.max(Math.min(config.maxOrganizations, room), fitted.orgCount + ROOM_FOR_CREATES);
  }
  if (fitted.orgCount >= fitted.maxOrganizations) {
    throw new ConfigError(`ORG_COUNT=${fitted.orgCount} should be below MAX_ORGANIZATIONS=${fitted.maxOrganizations}.`);
  }
  const { total, parts } = impliedBytes(fitted);
  if (total > heapLimitBytes) {
    throw new ConfigError(
      `these limits need about ${Math.ceil(total / MB)} MB of heap, more than Node's ${Math.floor(heapLimitBytes / MB)} MB (${parts.join(', ')}). ` +
        `Lower them, or give Node more heap with NODE_OPTIONS=--max-old-space-size=${Math.ceil((total * 1.2) / MB)}.`,
    );
  }
  return fitted;
}

function splitFlag(arg: string): [string, string | undefined] {
  const eq = arg.indexOf('=');
  return eq === -1 ? [arg, undefined] : [arg.slice(0, eq), arg.slice(eq + 1)];
}
