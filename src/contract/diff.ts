/**
 * Drift between two servers: the same generated scenario against both, compared exchange by exchange
 * in status, error message and body shape (values are free to differ; their types and keys are not).
 */
import type { LoggedExchange, RunResult } from './runner.ts';

export interface Difference {
  check: string;
  request: string;
  aspect: 'status' | 'error message' | 'body shape' | 'missing exchange';
  a: string;
  b: string;
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
  const error = (body as { error?: unknown } | undefined)?.error;
  const text = typeof error === 'string' ? error : (error as { message?: unknown } | undefined)?.message;
  return typeof text === 'string' ? text.replace(/\d+/g, '{n}') : undefined;
}

function compareExchange(check: string, a: LoggedExchange, b: LoggedExchange): Difference[] {
  const request = `${a.method} ${new URL(a.url).pathname}`;
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
      aspect: 'body shape',
      a: onlyA.join(', ') || '(nothing more)',
      b: onlyB.join(', ') || '(nothing more)',
    });
  }
  return diffs;
}

export function diffReports(a: RunResult, b: RunResult): Difference[] {
  const byCheck = (log: LoggedExchange[]) => {
    const map = new Map<string, LoggedExchange[]>();
    for (const e of log) map.set(e.check, [...(map.get(e.check) ?? []), e]);
    return map;
  };
  const [logA, logB] = [byCheck(a.log), byCheck(b.log)];
  const diffs: Difference[] = [];
  for (const [check, exchangesA] of logA) {
    const exchangesB = logB.get(check);
    if (!exchangesB) continue;
    const count = Math.max(exchangesA.length, exchangesB.length);
    for (let i = 0; i < count; i++) {
      const [ea, eb] = [exchangesA[i], exchangesB[i]];
      if (ea && eb) diffs.push(...compareExchange(check, ea, eb));
      else {
        const present = (ea ?? eb) as LoggedExchange;
        diffs.push({
          check,
          request: `${present.method} ${new URL(present.url).pathname}`,
          aspect: 'missing exchange',
          a: ea ? String(ea.status) : '(not sent)',
          b: eb ? String(eb.status) : '(not sent)',
        });
      }
    }
  }
  return diffs;
}

export function formatDifferences(diffs: Difference[], a: string, b: string): string {
  if (diffs.length === 0) return `No differences between ${a} and ${b}.`;
  return [
    `${diffs.length} differences between A=${a} and B=${b}:`,
    ...diffs.map((d) => `- ${d.check} (${d.request}) ${d.aspect}: A ${d.a} | B ${d.b}`),
  ].join('\n');
}
