/**
 * Hints for slips a frontend developer makes: a body field that the operation ignores, and a path the
 * API does not have. The real service stays silent about both; the mock names them.
 */
import { at } from '../domain/checked.ts';
import { messages } from '../domain/errors.ts';
import type { Operation } from '../openapi/document.ts';

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        at(previous, j) + 1,
        at(current, j - 1) + 1,
        at(previous, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return at(previous, b.length);
}

const commonPrefix = (a: string, b: string) => {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
};

/** True when the letters of `short` appear in `long` in order (`tz` in `timeZone`). */
const isSubsequence = (short: string, long: string) => {
  let at = 0;
  for (const char of long) if (char === short[at]) at++;
  return short.length >= 2 && at === short.length;
};

/**
 * Hints look at bounded prefixes: a field name past this length is nobody's slip, and is shown cut. A 2 MB
 * key costs as much as a short one (it once took 47 s of edit distance), and no log line or journal entry
 * grows with it.
 */
export const MAX_HINTED_NAME = 100;
/** Ignored fields named one by one; the rest are counted. */
export const MAX_WARNED_FIELDS = 10;

const shown = (field: string) => (field.length > MAX_HINTED_NAME ? `${field.slice(0, MAX_HINTED_NAME)}…` : field);

/** The body field that was probably meant by an unknown one, if any looks close. */
export function probableField(field: string, known: readonly string[]): string | undefined {
  if (field.length > MAX_HINTED_NAME) return undefined;
  const lower = field.toLowerCase();
  const scored = known.map((name) => {
    const candidate = name.toLowerCase();
    if (candidate === lower) return { name, score: 100 };
    const prefix = commonPrefix(candidate, lower);
    if (prefix >= 3) return { name, score: 50 + prefix };
    if (isSubsequence(candidate, lower) || isSubsequence(lower, candidate)) return { name, score: 20 };
    // Lengths 3 apart are at least 3 edits apart: no hint, and no table to fill.
    if (Math.abs(candidate.length - lower.length) > 2) return { name, score: 0 };
    const distance = editDistance(candidate, lower);
    return { name, score: distance <= 2 ? 10 - distance : 0 };
  });
  const best = scored.sort((a, b) => b.score - a.score)[0];
  return best && best.score > 0 ? best.name : undefined;
}

/** One line per ignored field (the first MAX_WARNED_FIELDS, then a count), naming what was probably meant. */
export function ignoredFieldWarnings(op: Operation, fields: readonly string[]): string[] {
  const schema = op.requestBody?.content['application/json']?.schema;
  const bodyFields = Object.keys(schema?.properties ?? {});
  const queryParameters = op.parameters.filter((p) => p.in === 'query').map((p) => p.name);
  const warnings = fields.slice(0, MAX_WARNED_FIELDS).map((field) => {
    if (queryParameters.includes(field)) return messages.ignoredFieldInQuery(field, op.operationId);
    const meant = probableField(field, bodyFields);
    return meant
      ? messages.ignoredFieldMeant(field, op.operationId, meant)
      : messages.ignoredField(shown(field), op.operationId);
  });
  if (fields.length > MAX_WARNED_FIELDS)
    warnings.push(messages.ignoredFieldsMore(fields.length - MAX_WARNED_FIELDS, op.operationId));
  return warnings;
}

/** The known route closest to an unknown path, as `METHOD /path`. */
export function closestRoute(
  method: string,
  path: string,
  routes: ReadonlyMap<string, readonly string[]>,
): string | undefined {
  let best: { path: string; distance: number } | undefined;
  const target = path.toLowerCase();
  for (const known of routes.keys()) {
    const distance = editDistance(known.toLowerCase(), target.slice(0, 200));
    if (!best || distance < best.distance) best = { path: known, distance };
  }
  if (!best) return undefined;
  const methods = routes.get(best.path) ?? [];
  return `${methods.includes(method) ? method : methods[0]} ${best.path}`;
}
