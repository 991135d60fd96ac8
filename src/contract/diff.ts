/**
 * Drift between two servers: the same generated scenario against both, compared exchange by exchange
 * in status, error message and body shape (values are free to differ; their types and keys are not).
 * Two bodies of different shape that both match the documented schema (`address` null on one side, an
 * object on the other) are data that differs, both valid: reported apart, not a contract difference.
 * Each difference is reported once, however many exchanges (or checks) show it.
 * Exchanges are paired by request (check, method, path, query and body, with what differs between runs
 * by nature — the run id, name counters, ids of the run's own organizations — left out), so that once
 * the runs diverge (a failure found on one side only, then shrunk) unrelated requests are not compared.
 */
import type { SpecDocument } from '../openapi/document.ts';
import { ContractSpec } from './contract-spec.ts';
import { fieldsOf } from './json.ts';
import type { LoggedExchange, RunResult } from './runner.ts';

export const DATA_DIFFERS = 'data differs, both valid';

export interface Difference {
  check: string;
  request: string;
  aspect: 'status' | 'error message' | 'body shape' | 'missing exchange' | typeof DATA_DIFFERS;
  a: string;
  b: string;
  /** How many exchanges showed this same difference, when more than one. */
  times?: number;
}

/** The differences that are the contract's: all but data that differs while both sides are valid. */
export function contractDifferences(diffs: Difference[]): Difference[] {
  return diffs.filter((d) => d.aspect !== DATA_DIFFERS);
}

/** Whether a body matches the schema openapi.yaml documents for the request's operation and status. */
type Validity = (e: LoggedExchange, body: unknown) => boolean;

function validityOf(doc: SpecDocument | undefined): Validity {
  if (!doc) return () => false;
  const spec = new ContractSpec(doc);
  return (e, body) => {
    const path = new URL(e.url).pathname;
    const op = spec.operations
      .filter((o) => o.method.toUpperCase() === e.method && path.endsWith(o.path))
      .sort((x, y) => y.path.length - x.path.length)[0];
    if (!op) return false;
    const schema = spec.validators.documented(op.operationId, e.status)?.content?.['application/json']?.schema;
    return schema !== undefined && body !== undefined && spec.validators.validate(schema, body).length === 0;
  };
}

/** `path: type` for every value in a JSON document; array items share the path `[]`. */
export function shapeOf(value: unknown, path = '$', out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    out.add(`${path}: array`);
    for (const item of value) shapeOf(item, `${path}[]`, out);
  } else if (value === null) out.add(`${path}: null`);
  else if (typeof value === 'object') {
    out.add(`${path}: object`);
    for (const [key, child] of Object.entries(value)) shapeOf(child, `${path}.${key}`, out);
  } else if (typeof value === 'number') out.add(`${path}: ${Number.isInteger(value) ? 'integer' : 'number'}`);
  else out.add(`${path}: ${typeof value}`);
  return out;
}

function parse(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return text;
  }
}

/** The error text of either body kind, with numbers masked: ids of a run's own organizations differ. */
function errorMessage(body: unknown): string | undefined {
  const error = fieldsOf(body)?.error;
  const text = typeof error === 'string' ? error : fieldsOf(error)?.message;
  return typeof text === 'string' ? text.replace(/\d+/g, '{n}') : undefined;
}

/** The request an exchange was, as a key both runs share when they sent the same request. */
function requestKey(e: LoggedExchange, runId: string, created: Map<string, string>): string {
  const url = new URL(e.url);
  const text = `${e.check} ${e.method} ${url.pathname}${url.search} ${e.requestBody ?? ''}`;
  return (
    text
      .split(runId)
      .join('{run}')
      // Ids of organizations the run created differ between servers: named by the order of their creates.
      .replace(/(orgId=|"parentId":|"id":)(\d+)/g, (whole, lead: string, id: string) =>
        created.has(id) ? `${lead}${created.get(id)}` : whole,
      )
      // Names of the run carry a counter that differs once the runs diverge.
      .replace(/\{run\}[^&"]*/g, (name) => name.replace(/\d+/g, '{n}'))
  );
}

/** Ids of the organizations a run created, by the order of their creates. */
function createdIds(log: LoggedExchange[]): Map<string, string> {
  const ids = new Map<string, string>();
  for (const e of log) {
    if (e.method !== 'POST' || e.status < 200 || e.status >= 300) continue;
    const id = fieldsOf(parse(e.responseBody))?.id;
    if (typeof id === 'number' && !ids.has(String(id))) ids.set(String(id), `{created ${ids.size + 1}}`);
  }
  return ids;
}

function compareExchange(check: string, a: LoggedExchange, b: LoggedExchange, valid: Validity): Difference[] {
  const url = new URL(a.url);
  const request = `${a.method} ${url.pathname}${url.search}`;
  const diffs: Difference[] = [];
  if (a.status !== b.status) diffs.push({ check, request, aspect: 'status', a: String(a.status), b: String(b.status) });
  const [bodyA, bodyB] = [parse(a.responseBody), parse(b.responseBody)];
  const [messageA, messageB] = [errorMessage(bodyA), errorMessage(bodyB)];
  if (messageA !== messageB)
    diffs.push({ check, request, aspect: 'error message', a: messageA ?? '(none)', b: messageB ?? '(none)' });
  const [shapeA, shapeB] = [shapeOf(bodyA), shapeOf(bodyB)];
  const onlyA = [...shapeA].filter((s) => !shapeB.has(s));
  const onlyB = [...shapeB].filter((s) => !shapeA.has(s));
  if (onlyA.length || onlyB.length) {
    diffs.push({
      check,
      request,
      aspect: a.status === b.status && valid(a, bodyA) && valid(b, bodyB) ? DATA_DIFFERS : 'body shape',
      a: onlyA.join(', ') || '(nothing more)',
      b: onlyB.join(', ') || '(nothing more)',
    });
  }
  return diffs;
}

/** Checks whose requests are generated (seeded, then shrunk on a failure): a request one side sent alone is no difference. */
const GENERATED = new Set(['property_based']);

export function diffReports(a: RunResult, b: RunResult, spec?: SpecDocument): Difference[] {
  const valid = validityOf(spec);
  const byRequest = (result: RunResult) => {
    const created = createdIds(result.log);
    const map = new Map<string, LoggedExchange[]>();
    for (const e of result.log) {
      const key = requestKey(e, result.report.runId, created);
      map.set(key, [...(map.get(key) ?? []), e]);
    }
    return map;
  };
  const [logA, logB] = [byRequest(a), byRequest(b)];
  const checksA = new Set(a.log.map((e) => e.check));
  const checksB = new Set(b.log.map((e) => e.check));
  const diffs: Difference[] = [];
  for (const key of new Set([...logA.keys(), ...logB.keys()])) {
    const [exchangesA, exchangesB] = [logA.get(key) ?? [], logB.get(key) ?? []];
    const check = exchangesA[0] ?? exchangesB[0];
    // A check that ran on one side only (skipped on the other) is in each report's recap, not a difference.
    if (!check || !checksA.has(check.check) || !checksB.has(check.check)) continue;
    const count = Math.max(exchangesA.length, exchangesB.length);
    for (let i = 0; i < count; i++) {
      const [ea, eb] = [exchangesA[i], exchangesB[i]];
      if (ea && eb) diffs.push(...compareExchange(check.check, ea, eb, valid));
      else if (!GENERATED.has(check.check)) {
        const present = ea ?? eb;
        if (!present) continue; // i is below the longer list's length: one of the two is there
        const url = new URL(present.url);
        diffs.push({
          check: check.check,
          request: `${present.method} ${url.pathname}${url.search}`,
          aspect: 'missing exchange',
          a: ea ? String(ea.status) : '(not sent)',
          b: eb ? String(eb.status) : '(not sent)',
        });
      }
    }
  }
  return once(diffs);
}

/** One entry per difference: the same request, aspect and values count once (under the first check that showed it). */
function once(diffs: Difference[]): Difference[] {
  const seen = new Map<string, Difference>();
  for (const d of diffs) {
    const key = [d.request, d.aspect, d.a, d.b].join('\u0000');
    const first = seen.get(key);
    if (first) first.times = (first.times ?? 1) + 1;
    else seen.set(key, { ...d });
  }
  return [...seen.values()];
}

export function formatDifferences(diffs: Difference[], a: string, b: string): string {
  const line = (d: Difference) =>
    `- ${d.check} (${d.request}) ${d.aspect}: A ${d.a} | B ${d.b}${d.times ? ` (${d.times} exchanges)` : ''}`;
  const contract = contractDifferences(diffs);
  const data = diffs.filter((d) => d.aspect === DATA_DIFFERS);
  const out = [
    contract.length === 0
      ? `No differences between ${a} and ${b}.`
      : `${contract.length} differences between A=${a} and B=${b}:`,
    ...contract.map(line),
  ];
  if (data.length)
    out.push(
      `${data.length} where the data differs but both answers match openapi.yaml (not contract differences):`,
      ...data.map(line),
    );
  return out.join('\n');
}
