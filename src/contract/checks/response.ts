/** Checks applied to every exchange of the run, whichever check sent it. */
import { type CheckContext, type ExchangeCheck, exchangeCheck } from '../context.ts';
import { fillMessage, messageMatches } from '../contract-spec.ts';
import { fieldsOf } from '../json.ts';
import type { Finding } from '../model.ts';
import { mediaTypeOf } from '../validators.ts';

export const notAServerError = exchangeCheck(
  'not_a_server_error',
  'No answer is a 5xx: bad input gets a 4xx, never a crash.',
  (e, ctx) =>
    e.response.status >= 500
      ? [
          ctx.finding({
            operation: e.request.operationId,
            expected: 'a status below 500',
            actual: `${e.response.status} ${e.response.text.slice(0, 160)}`,
            specLocation: ctx.spec.operationPointer(e.request.operationId),
            exchange: e,
          }),
        ]
      : [],
);

export const statusCodeConformance = exchangeCheck(
  'status_code_conformance',
  'Every status is one openapi.yaml documents for the operation.',
  (e, ctx) => {
    if (e.response.status >= 500 || ctx.spec.validators.documented(e.request.operationId, e.response.status)) return [];
    const documented = Object.entries(ctx.spec.op(e.request.operationId).responses)
      .filter(([, r]) => !r['x-mock-only'])
      .map(([s]) => s)
      .join(', ');
    return [
      ctx.finding({
        operation: e.request.operationId,
        expected: `one of ${documented}`,
        actual: String(e.response.status),
        specLocation: `${ctx.spec.operationPointer(e.request.operationId)}/responses`,
        exchange: e,
      }),
    ];
  },
);

export const contentTypeConformance = exchangeCheck(
  'content_type_conformance',
  'The Content-Type is one the documented response lists; no body where none is documented.',
  (e, ctx) => {
    const documented = ctx.spec.validators.documented(e.request.operationId, e.response.status);
    if (!documented) return [];
    const media = Object.keys(documented.content ?? {});
    const pointer = `${ctx.spec.operationPointer(e.request.operationId)}/responses/${e.response.status}`;
    if (media.length === 0) {
      return e.response.text.length > 0
        ? [
            ctx.finding({
              operation: e.request.operationId,
              expected: 'no body',
              actual: `a body of ${e.response.text.length} characters`,
              specLocation: pointer,
              exchange: e,
            }),
          ]
        : [];
    }
    const type = mediaTypeOf(e.response.headers);
    return media.includes(type)
      ? []
      : [
          ctx.finding({
            operation: e.request.operationId,
            expected: `Content-Type ${media.join(' or ')}`,
            actual: `Content-Type ${type || '(none)'}`,
            specLocation: pointer,
            exchange: e,
          }),
        ];
  },
);

export const responseSchemaConformance = exchangeCheck(
  'response_schema_conformance',
  "The body matches the documented schema: required properties, types, formats, enums, and the optional properties a schema says are never left out (x-never-omitted: an Organization's description, phoneNumber and address; severity from x-never-omitted-source).",
  (e, ctx) => {
    const schema = ctx.spec.validators.schemaFor(e.request.operationId, e.response.status, e.response.headers);
    if (!schema) return [];
    if (e.response.text !== '' && e.response.body === undefined) {
      return [
        ctx.finding({
          operation: e.request.operationId,
          expected: 'a JSON body',
          actual: e.response.text.slice(0, 80),
          specLocation: ctx.spec.pointerOf(schema),
          exchange: e,
        }),
      ];
    }
    const found = ctx.spec.validators.validate(schema, e.response.body).map((p) =>
      ctx.finding({
        operation: e.request.operationId,
        expected: 'the body matches the schema',
        actual: p.message,
        specLocation: p.pointer,
        exchange: e,
      }),
    );
    // Optional properties a schema says are never left out (`x-never-omitted`, its source `x-never-omitted-source`).
    for (const [node, lacking] of neverOmitted(schema, e.response.body)) {
      const pointer = declaredAt(ctx.spec, node);
      found.push(
        ctx.finding({
          operation: e.request.operationId,
          expected: `every ${pointer.split('/').pop()} carries ${stringList(node['x-never-omitted'])} ("" or null when never set, never left out)`,
          actual: lacking.length > 3 ? `${lacking.slice(0, 3).join('; ')} … (${lacking.length})` : lacking.join('; '),
          specLocation: `${pointer}/x-never-omitted`,
          severity: ctx.spec.severityAt(pointer, 'x-never-omitted'),
          exchange: e,
        }),
      );
    }
    return found;
  },
);

/** Where a schema is declared (components), not where an answer reached a copy of it; cached per node. */
const declared = new WeakMap<object, string>();
function declaredAt(spec: CheckContext['spec'], node: Record<string, unknown>): string {
  const known = declared.get(node);
  if (known) return known;
  const components = fieldsOf(fieldsOf(spec.doc.raw.components)?.schemas) ?? {};
  const text = JSON.stringify(node);
  const same = (other: unknown) => {
    try {
      return other === node || JSON.stringify(other) === text;
    } catch {
      return false; // a recursive schema: not this one
    }
  };
  const name = Object.keys(components).find((k) => same(components[k]));
  const pointer = name ? `#/components/schemas/${name}` : spec.pointerOf(node);
  declared.set(node, pointer);
  return pointer;
}

const stringList = (v: unknown): string => (Array.isArray(v) ? v.map(String).join(', ') : '');

/**
 * The objects of a body that lack a property their schema marks `x-never-omitted`, by schema node: what
 * each lacks ("id 7 lacks description"). Walks properties, items and allOf of the (dereferenced) schema.
 */
function neverOmitted(schema: unknown, body: unknown): Map<Record<string, unknown>, string[]> {
  const out = new Map<Record<string, unknown>, string[]>();
  const walk = (node: unknown, value: unknown, depth: number) => {
    const s = fieldsOf(node);
    if (!s || depth > 8 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const item of value) walk(s.items, item, depth + 1);
      return;
    }
    const obj = fieldsOf(value);
    if (!obj) return;
    const wanted = s['x-never-omitted'];
    if (Array.isArray(wanted)) {
      const missing = wanted.map(String).filter((k) => !(k in obj));
      if (missing.length) {
        const list = out.get(s) ?? [];
        list.push(`${obj.id === undefined ? 'an object' : `id ${String(obj.id)}`} lacks ${missing.join(', ')}`);
        out.set(s, list);
      }
    }
    for (const [k, sub] of Object.entries(fieldsOf(s.properties) ?? {})) if (k in obj) walk(sub, obj[k], depth + 1);
    if (Array.isArray(s.allOf)) for (const part of s.allOf) walk(part, value, depth + 1);
  };
  walk(schema, body, 0);
  return out;
}

export const responseHeadersConformance = exchangeCheck(
  'response_headers_conformance',
  'Documented response headers are present and match their schema (Retry-After, WWW-Authenticate).',
  (e, ctx) => {
    const documented = ctx.spec.validators.documented(e.request.operationId, e.response.status);
    const out: Finding[] = [];
    for (const [name, header] of Object.entries(documented?.headers ?? {})) {
      const value = e.response.headers.get(name);
      const pointer = `${ctx.spec.pointerOf(documented)}/headers/${name}`;
      const base = { operation: e.request.operationId, specLocation: pointer, exchange: e };
      if (value === null) {
        if (header.required) out.push(ctx.finding({ ...base, expected: `header ${name}`, actual: 'absent' }));
        continue;
      }
      if (!header.schema) continue;
      const typed = header.schema.type === 'integer' && /^\d+$/.test(value) ? Number(value) : value;
      for (const p of ctx.spec.validators.validate(header.schema, typed)) {
        out.push(
          ctx.finding({
            ...base,
            expected: `${name} matching its schema`,
            actual: `"${value}": ${p.message}`,
          }),
        );
      }
    }
    return out;
  },
);

export const undeclaredFields = exchangeCheck(
  'undeclared_fields',
  'A response property the schema does not declare.',
  (e, ctx) => {
    const schema = ctx.spec.validators.schemaFor(e.request.operationId, e.response.status, e.response.headers);
    if (!schema || e.response.body === undefined) return [];
    const extra = ctx.spec.validators.undeclared(schema, e.response.body);
    if (extra.length === 0) return [];
    // One finding per distinct property name, at its first place: a search page repeats it for every item.
    const pointers = new Map<string, string>();
    for (const x of extra) {
      const path = x.path.replace(/\[\d+\]/g, '[]');
      if (!pointers.has(path)) pointers.set(path, x.pointer);
    }
    return [...pointers].map(([path, pointer]) =>
      ctx.finding({
        operation: e.request.operationId,
        expected: 'only declared properties',
        actual: `undeclared property ${path}`,
        specLocation: pointer,
        severity: ctx.spec.defaultSource('undeclared-fields'),
        exchange: e,
      }),
    );
  },
);

export const errorMessage = exchangeCheck(
  'error_message',
  'Every refusal the run provokes carries the message openapi.yaml documents for that case.',
  (e, ctx) => {
    const x = e.expectation;
    if (
      !x ||
      e.response.status < 400 ||
      e.response.status >= 500 ||
      (x.status !== undefined && x.status !== e.response.status)
    )
      return [];
    const body = fieldsOf(e.response.body);
    const actual =
      x.field === 'error_description'
        ? body?.error_description
        : typeof body?.error === 'object'
          ? fieldsOf(body.error)?.message
          : undefined;
    if (messageMatches(x.template, actual, x.values)) return [];
    return [
      ctx.finding({
        operation: e.request.operationId,
        expected: `"${fillMessage(x.template, x.values)}"`,
        actual: typeof actual === 'string' ? `"${actual}"` : '(no message)',
        specLocation: x.pointer,
        severity: x.severity,
        exchange: e,
      }),
    ];
  },
);

export const EXCHANGE_CHECKS: ExchangeCheck[] = [
  notAServerError,
  statusCodeConformance,
  contentTypeConformance,
  responseSchemaConformance,
  responseHeadersConformance,
  undeclaredFields,
  errorMessage,
];
