/**
 * The report: findings turned into failures a QA engineer can act on (a curl line, the response, expected
 * against actual, the spec location), grouped by cause, with every secret masked. Its JSON form is
 * documented by docs/contract-report.schema.json.
 */
import type { Exchange } from './client.ts';
import { fieldsOf } from './json.ts';
import type { Finding } from './model.ts';

export const REPORT_FORMAT = 'orgs-mock/contract-report@2';

export interface RequestView {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  curl: string;
}

export interface ResponseView {
  status: number;
  headers: Record<string, string>;
  bodyStart: string;
}

export interface FailureExample {
  actual: string;
  request?: RequestView;
  response?: ResponseView;
}

/** Findings of one cause: the same check, severity, operation, rule and kind of departure. */
export interface FailureGroup
  extends Pick<Finding, 'check' | 'severity' | 'operation' | 'expected' | 'actual' | 'specLocation'> {
  count: number;
  examples: FailureExample[];
}

export type CheckOutcome = 'passed' | 'failed' | 'skipped' | 'not run';

export interface CheckRecap {
  name: string;
  kind: 'exchange' | 'scenario';
  outcome: CheckOutcome;
  reason?: string;
  contractFailures: number;
  fidelityFindings: number;
  durationMs: number;
}

export interface RunReport {
  format: typeof REPORT_FORMAT;
  target: string;
  runId: string;
  startedAt: string;
  durationMs: number;
  mode: { allowWrites: boolean; strict: boolean; seed: number; examples: number };
  /** `error`: the runner could not work (see `error`). */
  verdict: 'passed' | 'failed' | 'incomplete' | 'interrupted' | 'error';
  /** Why the runner could not work, when it could not (exit code 2). */
  error?: string;
  /** Organizations the run created but could not delete: they fail the run (set by the clean-up phase). */
  leftovers?: Array<{ id: number; name: string }>;
  failures: FailureGroup[];
  checks: CheckRecap[];
  notRun: string[];
  coverage: Array<{ operationId: string; statuses: Array<{ status: string; exercised: boolean }> }>;
  cleanup: { removed: Array<{ id: number; name: string }>; leftover: Array<{ id: number; name: string; why: string }> };
  interrupted: boolean;
  budgetExceeded: boolean;
  retriesAfter429: number;
  requests: number;
  totals: {
    contractFailures: number;
    fidelityFindings: number;
    passed: number;
    failed: number;
    skipped: number;
    notRun: number;
  };
}

/** Replaces every secret the run used or was given by a name a shell can fill in again. */
export class Masker {
  private readonly secrets = new Map<string, string>();
  /** Client ids given to the run, by the shell variable a curl line uses for them (not secrets). */
  private readonly clientIds = new Map<string, string>();

  add(secret: string | undefined, placeholder = '$TOKEN'): void {
    if (secret && secret.length >= MIN_SECRET_LENGTH && !this.secrets.has(secret))
      this.secrets.set(secret, placeholder);
  }

  /** A client given to the run: its secret and Basic credentials are masked, its id named in curl lines. */
  addClient(id: string | undefined, secret: string | undefined, prefix: '' | 'OTHER_'): void {
    if (!id || secret === undefined) return;
    this.clientIds.set(id, `$${prefix}CLIENT_ID`);
    this.add(secret, `$${prefix}CLIENT_SECRET`);
    this.add(
      Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64'),
      `$${prefix}CLIENT_BASIC`,
    );
  }

  /** `-u "$CLIENT_ID:$CLIENT_SECRET"` for Basic credentials: a curl line runs with the variables a user has. */
  curlUser(authorization: string): string | undefined {
    const encoded = /^Basic\s+(\S+)$/i.exec(authorization)?.[1];
    if (!encoded) return undefined;
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const part = (raw: string) => {
      try {
        return decodeURIComponent(raw);
      } catch {
        return raw;
      }
    };
    const [id, secret] = [part(decoded.slice(0, colon)), part(decoded.slice(colon + 1))];
    const literal = (text: string) => text.replace(/[\\"`$]/g, (c) => `\\${c}`);
    // Known values become shell variables; anything else (a made-up client of a check) stays literal.
    const shell = (text: string, known?: string) =>
      known ??
      this.mask(text)
        .split(/(\$[A-Z_]+)/)
        .map((piece, i) => (i % 2 ? piece : literal(piece)))
        .join('');
    return `-u "${shell(id, this.clientIds.get(id))}:${shell(secret)}"`;
  }

  /** Tokens in the token endpoint's answers become secrets as soon as they are seen. */
  learn(exchange: Exchange): void {
    const body = fieldsOf(exchange.response.body);
    if (typeof body?.access_token === 'string') this.add(body.access_token, '$ACCESS_TOKEN');
    if (typeof body?.refresh_token === 'string') this.add(body.refresh_token, '$REFRESH_TOKEN');
    const auth = exchange.request.headers?.Authorization ?? exchange.request.headers?.authorization;
    const basic = /^Basic\s+(\S+)/i.exec(auth ?? '')?.[1];
    if (basic) this.add(basic, '$CLIENT_BASIC');
  }

  /**
   * Every secret, as sent and as a server may echo it (URL- or form-encoded, escaped in JSON), becomes its
   * placeholder; so does the start of a secret that ends the text (an echo cut short by a slice).
   */
  mask(text: string): string {
    let out = text;
    const variants = this.variants();
    for (const [secret, placeholder] of variants) out = out.split(secret).join(placeholder);
    for (const [secret, placeholder] of variants) {
      // The longest tail of the text that begins the secret: from the earliest candidate start on.
      for (let i = Math.max(0, out.length - secret.length + 1); i <= out.length - MIN_CUT_LENGTH; i++)
        if (out[i] === secret[0] && secret.startsWith(out.slice(i))) {
          out = `${out.slice(0, i)}${placeholder}…`;
          break;
        }
    }
    return out;
  }

  /** Each secret in the forms it may come back in, longest first (a secret that contains another is replaced whole). */
  private variants(): Array<[string, string]> {
    const out = new Map<string, string>();
    for (const [secret, placeholder] of this.secrets) {
      const forms = [
        secret,
        encodeURIComponent(secret),
        new URLSearchParams({ s: secret }).toString().slice(2),
        JSON.stringify(secret).slice(1, -1),
        JSON.stringify(secret).slice(1, -1).replace(/\//g, '\\/'),
      ];
      for (const form of forms) if (form.length >= MIN_SECRET_LENGTH && !out.has(form)) out.set(form, placeholder);
    }
    return [...out].sort((a, b) => b[0].length - a[0].length);
  }

  /** Masks every string of a JSON value (each on its own, so that a string cut short is masked too). */
  maskDeep<T>(value: T): T {
    const walk = (v: unknown): unknown => {
      if (typeof v === 'string') return this.mask(v);
      if (Array.isArray(v)) return v.map(walk);
      if (v !== null && typeof v === 'object')
        return Object.fromEntries(Object.entries(v).map(([k, child]) => [k, walk(child)]));
      return v;
    };
    // cast: masking replaces text inside strings only, so the value keeps the shape it had.
    return walk(value) as T;
  }
}

/** Shorter values are not treated as secrets (they would mask ordinary words). */
const MIN_SECRET_LENGTH = 4;
/** A secret's start that ends a text is masked from this length on: shorter, it reveals little and ends texts by chance. */
const MIN_CUT_LENGTH = 6;

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function view(exchange: Exchange, masker: Masker): { request: RequestView; response: ResponseView } {
  const { request, response } = exchange;
  const body =
    request.body === undefined
      ? undefined
      : typeof request.body === 'string'
        ? request.body
        : JSON.stringify(request.body);
  const headers = Object.fromEntries(Object.entries(request.headers ?? {}).map(([k, v]) => [k, masker.mask(v)]));
  const url = masker.mask(request.url);
  const shownBody =
    body === undefined
      ? undefined
      : body.length > 2000
        ? `${masker.mask(body.slice(0, 2500)).slice(0, 2000)}…(${body.length} characters)`
        : masker.mask(body);
  // In the curl line, secrets stay shell variables ("$TOKEN") so that the line runs once they are set.
  const curlParts = ['curl', '-i', '-X', request.method, `"${url.replace(/"/g, '\\"')}"`];
  for (const [k, v] of Object.entries(request.headers ?? {})) {
    const user = k.toLowerCase() === 'authorization' ? masker.curlUser(v) : undefined;
    if (user) curlParts.push(user);
    else curlParts.push('-H', `"${k}: ${masker.mask(v).replace(/"/g, '\\"')}"`);
  }
  if (body !== undefined)
    curlParts.push(
      '--data-binary',
      body.length > 2000 ? `@body-of-${body.length}-characters.json` : shellQuote(masker.mask(body)),
    );
  return {
    request: { method: request.method, url, headers, body: shownBody, curl: curlParts.join(' ') },
    response: {
      status: response.status,
      headers: Object.fromEntries([...response.headers].map(([k, v]) => [k, masker.mask(v)])),
      // Masked before it is cut, so that a secret at the cut is still recognised.
      bodyStart: masker.mask(response.text.slice(0, 1000)).slice(0, 500),
    },
  };
}

/** A write that was redirected is a safety event of its own: each is listed with its request, never folded. */
const ownGroup = (f: Finding) => {
  const e = f.exchange;
  return e?.transport?.kind === 'redirect' && e.request.method !== 'GET' ? `${e.request.method} ${e.request.url}` : '';
};

/** Numbers and quoted values vary between instances of one cause; the rest names it. */
const causeOf = (f: Finding) =>
  [
    ownGroup(f),
    f.check,
    f.severity,
    f.operation,
    f.specLocation,
    f.expected.replace(/\d+/g, 'N').replace(/"[^"]*"/g, '"…"'),
    f.actual
      .replace(/\d+/g, 'N')
      .replace(/"[^"]*"/g, '"…"')
      .slice(0, 80),
  ].join('\u0000');

export function groupFindings(findings: Finding[], masker: Masker, examplesPerGroup = 3): FailureGroup[] {
  const groups = new Map<string, FailureGroup>();
  for (const f of findings) {
    const key = causeOf(f);
    let group = groups.get(key);
    if (!group) {
      group = {
        check: f.check,
        severity: f.severity,
        operation: f.operation,
        expected: masker.mask(f.expected),
        actual: masker.mask(f.actual),
        specLocation: f.specLocation,
        count: 0,
        examples: [],
      };
      groups.set(key, group);
    }
    group.count++;
    if (group.examples.length < examplesPerGroup)
      group.examples.push({ actual: masker.mask(f.actual), ...(f.exchange ? view(f.exchange, masker) : {}) });
  }
  return [...groups.values()].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'contract' ? -1 : 1));
}

/**
 * The report of a run that could not work (exit code 2): the reason, and what it left behind, in the
 * same format as any report, so that CI reads it the same way.
 */
export function errorReport(options: {
  target: string;
  reason: string;
  startedAt: number;
  mode: RunReport['mode'];
  leftovers: Array<{ id: number; name: string }>;
  masker: Masker;
}): RunReport {
  const { masker } = options;
  return masker.maskDeep({
    format: REPORT_FORMAT,
    target: options.target,
    runId: '',
    startedAt: new Date(options.startedAt).toISOString(),
    durationMs: Math.max(0, Date.now() - options.startedAt),
    mode: options.mode,
    verdict: 'error',
    error: options.reason,
    leftovers: options.leftovers.map(({ id, name }) => ({ id, name })),
    failures: [],
    checks: [],
    notRun: [],
    coverage: [],
    cleanup: {
      removed: [],
      leftover: options.leftovers.map(({ id, name }) => ({ id, name, why: 'the run stopped before removing it' })),
    },
    interrupted: false,
    budgetExceeded: false,
    retriesAfter429: 0,
    requests: 0,
    totals: { contractFailures: 0, fidelityFindings: 0, passed: 0, failed: 0, skipped: 0, notRun: 0 },
  });
}
