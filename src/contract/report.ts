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
  verdict: 'passed' | 'failed' | 'incomplete' | 'interrupted';
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
    if (secret && secret.length >= 4 && !this.secrets.has(secret)) this.secrets.set(secret, placeholder);
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

  mask(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is replaced whole.
    for (const [secret, placeholder] of [...this.secrets].sort((a, b) => b[0].length - a[0].length))
      out = out.split(secret).join(placeholder);
    for (const [secret, placeholder] of this.secrets) {
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret) out = out.split(encoded).join(placeholder);
    }
    return out;
  }

  maskDeep<T>(value: T): T {
    // cast: masking replaces secrets inside the JSON text's strings by placeholders, so the value parsed
    // back has the shape it was written with.
    return JSON.parse(this.mask(JSON.stringify(value))) as T;
  }
}

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
      : masker.mask(body.length > 2000 ? `${body.slice(0, 2000)}…(${body.length} characters)` : body);
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
      bodyStart: masker.mask(response.text.slice(0, 500)),
    },
  };
}

/** Numbers and quoted values vary between instances of one cause; the rest names it. */
const causeOf = (f: Finding) =>
  [
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
