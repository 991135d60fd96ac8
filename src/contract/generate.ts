/**
 * Values generated from the spec's schemas: valid ones for positive requests, and for each constraint
 * (required, type, minimum, maximum, minLength, maxLength, pattern, enum) a value that breaks exactly it.
 */
import type { Operation, Schema } from '../openapi/document.ts';

export type Constraint =
  | 'required'
  | 'type'
  | 'minimum'
  | 'maximum'
  | 'minLength'
  | 'maxLength'
  | 'pattern'
  | 'enum'
  | 'format';

/** A value that breaks a string format the spec names (and nothing else of a short string). */
const FORMAT_BREAKERS: Record<string, string> = {
  'iana-time-zone': 'Mars/Olympus_Mons',
  'date-time': 'not a date',
  date: 'not a date',
  email: 'not-an-email',
  uri: 'not a uri',
  uuid: 'not-a-uuid',
};

/** One way to break one constraint: where, which, and the breaking value (`undefined` means leave it out). */
export interface Violation {
  location: 'query' | 'body';
  /** Dotted path inside the query or the body, e.g. `size`, `address.city`; empty for the body itself. */
  path: string;
  constraint: Constraint;
  value: unknown;
}

const WRONG_TYPE: Record<string, unknown> = {
  string: 12345,
  integer: 'not-a-number',
  number: 'not-a-number',
  boolean: 'not-a-boolean',
  object: 'not-an-object',
  array: 'not-an-array',
};

/** Characters that some pattern forbids: symbols, slashes, brackets, an emoji, a control character. */
const BREAKING_CHARS = ['!', '/', '\\', '<', '>', '@', '#', '_', '*', '$', '%', '😀', '\t', '+', '0', 'a', ' '];

/**
 * Strings that fail `pattern` but keep within the schema's lengths, so only the pattern is broken: each
 * breaking character after a padding of letters, and each alone. Empty when the schema has no pattern.
 */
export function patternBreakers(schema: Schema, padding = 'Abc'): string[] {
  if (schema.pattern === undefined) return [];
  const pattern = new RegExp(schema.pattern, 'u');
  const fits = (s: string) => s.length >= (schema.minLength ?? 0) && s.length <= (schema.maxLength ?? Infinity);
  const out: string[] = [];
  for (const char of BREAKING_CHARS) {
    // White space only inside: at either end it may be trimmed away before the check (x-trim).
    const forms = /\s/u.test(char)
      ? [`${padding}${char}${padding}`]
      : [char, `${padding}${char}`, `${padding}${char}${padding}`];
    for (const candidate of forms) {
      if (fits(candidate) && !pattern.test(candidate)) {
        out.push(candidate);
        break;
      }
    }
  }
  return out;
}

function patternBreaker(schema: Schema): string | undefined {
  return patternBreakers(schema)[0];
}

/** The violations of one schema's own keywords, as values for the place it sits. */
function keywordViolations(schema: Schema, asText: boolean): Array<{ constraint: Constraint; value: unknown }> {
  const out: Array<{ constraint: Constraint; value: unknown }> = [];
  const text = (value: unknown) => (asText ? String(value) : value);
  if (schema.type && WRONG_TYPE[schema.type] !== undefined && !(asText && schema.type === 'string')) {
    out.push({ constraint: 'type', value: asText ? 'abc' : WRONG_TYPE[schema.type] });
  }
  if (schema.minimum !== undefined) out.push({ constraint: 'minimum', value: text(schema.minimum - 1) });
  if (schema.maximum !== undefined) out.push({ constraint: 'maximum', value: text(schema.maximum + 1) });
  if (schema.minLength !== undefined && schema.minLength > 0) {
    out.push({ constraint: 'minLength', value: 'a'.repeat(schema.minLength - 1) });
  }
  if (schema.maxLength !== undefined) out.push({ constraint: 'maxLength', value: 'a'.repeat(schema.maxLength + 1) });
  if (schema.pattern !== undefined) {
    const value = patternBreaker(schema);
    if (value !== undefined) out.push({ constraint: 'pattern', value });
  }
  if (schema.enum !== undefined) out.push({ constraint: 'enum', value: 'NOT-IN-ENUM' });
  if (schema.type === 'string' && schema.format && FORMAT_BREAKERS[schema.format] !== undefined)
    out.push({ constraint: 'format', value: FORMAT_BREAKERS[schema.format] });
  return out;
}

export function queryViolations(op: Operation): Violation[] {
  const out: Violation[] = [];
  for (const p of op.parameters.filter((param) => param.in === 'query')) {
    if (p.required) out.push({ location: 'query', path: p.name, constraint: 'required', value: undefined });
    for (const v of keywordViolations(p.schema, true)) out.push({ location: 'query', ...v, path: p.name });
  }
  return out;
}

export function bodyViolations(schema: Schema, prefix = ''): Violation[] {
  const out: Violation[] = [];
  if (prefix === '' && schema.type === 'object')
    out.push({ location: 'body', path: '', constraint: 'type', value: ['not', 'an', 'object'] });
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const path = prefix ? `${prefix}.${name}` : name;
    if (schema.required?.includes(name)) out.push({ location: 'body', path, constraint: 'required', value: undefined });
    for (const v of keywordViolations(property, false)) out.push({ location: 'body', ...v, path });
    if (property.type === 'object' && property.properties) out.push(...bodyViolations(property, path));
  }
  return out;
}

/** A copy of `body` with the value at `path` replaced (or removed, for `undefined`). */
export function withValue(body: unknown, path: string, value: unknown): unknown {
  if (path === '') return value;
  const [head = '', ...rest] = path.split('.'); // split gives at least one piece: the default never applies
  const copy: Record<string, unknown> =
    typeof body === 'object' && body !== null && !Array.isArray(body) ? { ...body } : {};
  const next = rest.length === 0 ? value : withValue(copy[head] ?? {}, rest.join('.'), value);
  if (next === undefined) delete copy[head];
  else copy[head] = next;
  return copy;
}

export function describeViolation(v: Violation): string {
  const where = v.path === '' ? v.location : `${v.location}.${v.path}`;
  return `${where} ${v.constraint}`;
}
